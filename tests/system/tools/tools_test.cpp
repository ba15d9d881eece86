// Every tool the examples build, run as a user runs it: the same command line everywhere.
// --help exits 0 and ends with the exit codes; --version exits 0 and prints the version; an
// unknown option exits 2 with one line on stderr and nothing on stdout; --json on a run that
// fails (a loopback port where nothing listens, a malformed URL) prints one JSON document on
// stdout that holds the error, and exits non-zero.
#include "common/process.hpp"
#include "net/scripted_server.hpp"

#include <corofetch/version.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

using corofetch::test::example_tool;
using corofetch::test::process_result;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> tools{"cf-url",  "cf-lookup", "cf-fetch",
                                     "cf-page", "cf-load",   "cf-crawl"};

process_result run_tool(const std::string& tool, const std::vector<std::string>& args) {
  std::vector<std::string> argv{example_tool(tool)};
  REQUIRE(std::filesystem::exists(argv[0]));  // build the cf_examples target first
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, 60s);
}

// The first non-null "error" member in the document, at its top or in any object inside it.
const json* find_error(const json& j) {
  if (j.is_object()) {
    if (auto it = j.find("error"); it != j.end() && !it->is_null()) return &*it;
    for (const auto& [key, value] : j.items()) {
      if (const json* e = find_error(value)) return e;
    }
  } else if (j.is_array()) {
    for (const auto& value : j) {
      if (const json* e = find_error(value)) return e;
    }
  }
  return nullptr;
}

// A UDP port on loopback that takes datagrams and never answers: a DNS server that is silent.
class silent_udp_port {
 public:
  silent_udp_port() : socket_(io_, asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), 0)) {}
  [[nodiscard]] std::string port() const { return std::to_string(socket_.local_endpoint().port()); }

 private:
  asio::io_context io_;
  asio::ip::udp::socket socket_;
};

}  // namespace

TEST_CASE("every tool: --help exits 0 and lists the exit codes", "[system]") {
  // A heading, then at least the codes 0 (success) and 2 (bad usage), each with its meaning.
  const std::regex table("Exit codes[^\n]*:\n(  [0-9]+ +[^\n]+\n)+");
  const std::regex ok_row("\n  0 +[^ \n][^\n]*\n");
  const std::regex usage_row("\n  2 +[^\n]*usage[^\n]*\n");
  for (const auto& tool : tools) {
    INFO(tool);
    const auto r = run_tool(tool, {"--help"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find(tool) != std::string::npos);
    CHECK(std::regex_search(r.out, table));
    CHECK(std::regex_search(r.out, ok_row));
    CHECK(std::regex_search(r.out, usage_row));
  }
}

TEST_CASE("every tool: --version exits 0 and prints the version in one line", "[system]") {
  for (const auto& tool : tools) {
    INFO(tool);
    const auto r = run_tool(tool, {"--version"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto lines = split_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].rfind(tool + " " + corofetch::version_string, 0) == 0);
  }
}

TEST_CASE("every tool: an unknown option exits 2 with one line on stderr, nothing on stdout",
          "[system]") {
  for (const auto& tool : tools) {
    INFO(tool);
    const auto r = run_tool(tool, {"--no-such-option", "http://127.0.0.1:1/"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    const auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].rfind(tool + ": ", 0) == 0);
    CHECK(lines[0].find("--no-such-option") != std::string::npos);
  }
}

TEST_CASE("every tool: --json on a failing run prints one JSON document with the error",
          "[system]") {
  corofetch::test::refusing_port refusing;
  const std::string url = "http://127.0.0.1:" + std::to_string(refusing.endpoint().port()) + "/";
  silent_udp_port silent;
  struct failing_run {
    std::string tool;
    std::vector<std::string> args;
    bool top_level_error;  // the document's own "error", not only one of an item's
  };
  const std::vector<failing_run> runs{
      {"cf-url", {"--json", "http://exa mple.test/"}, false},
      {"cf-lookup",
       {"--json", "@127.0.0.1#" + silent.port(), "x.test", "+time=1", "+tries=1"},
       false},
      {"cf-fetch", {"--json", url}, true},
      {"cf-page", {"--json", url}, true},
      {"cf-load", {"--json", "-c", "1", "-t", "1", "-n", "1", url}, true},
      {"cf-crawl", {"--json", "--no-robots", "--retries", "0", url}, true},
      // Bad usage with --json: the same document, exit 2.
      {"cf-page", {"--json", "--requisites", "some", url}, true},
      {"cf-load", {"--json", "-d", "ten", url}, true},
      {"cf-crawl", {"--json", "--resolve", "nonsense", url}, true},
      {"cf-fetch", {"--json", "--no-such-option", url}, true},
  };
  for (const auto& run : runs) {
    INFO(run.tool << " " << run.args.at(1));
    const auto r = run_tool(run.tool, run.args);
    INFO(r.out << r.err);
    CHECK(r.exit_code != 0);
    // json::parse takes the whole text: a second document or any other text makes it throw.
    json doc;
    REQUIRE_NOTHROW(doc = json::parse(r.out));
    const json* error = find_error(doc);
    REQUIRE(error != nullptr);
    if (error->is_object()) {
      CHECK_FALSE(error->at("message").get<std::string>().empty());
      CHECK(error->at("exit_code") == r.exit_code);
    } else {
      CHECK_FALSE(error->get<std::string>().empty());
    }
    if (run.top_level_error) {
      CHECK(doc.contains("error"));
      CHECK(doc.at("exit_code") == r.exit_code);
    }
  }
}
