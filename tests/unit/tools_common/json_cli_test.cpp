// examples/common's --json output and command line: one JSON document on stdout (also for a
// failure), one line on stderr for bad usage, --help ending with the exit codes, --version.
#include "common/cli.hpp"
#include "common/exit_codes.hpp"
#include "common/json.hpp"

#include <corofetch/dns/error.hpp>

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tool = corofetch::tool;
using json = nlohmann::json;

namespace {

struct captured {
  std::string out;
  std::string err;
};

// What `f` writes on stdout and stderr (file descriptors 1 and 2, through stdio).
captured capture(const std::function<void()>& f) {
  std::FILE* out_file = std::tmpfile();
  std::FILE* err_file = std::tmpfile();
  REQUIRE(out_file != nullptr);
  REQUIRE(err_file != nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved_out = ::dup(STDOUT_FILENO);
  const int saved_err = ::dup(STDERR_FILENO);
  ::dup2(::fileno(out_file), STDOUT_FILENO);
  ::dup2(::fileno(err_file), STDERR_FILENO);
  f();
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(saved_out, STDOUT_FILENO);
  ::dup2(saved_err, STDERR_FILENO);
  ::close(saved_out);
  ::close(saved_err);
  captured c;
  for (auto [file, text] : {std::pair{out_file, &c.out}, std::pair{err_file, &c.err}}) {
    std::rewind(file);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) {
      text->append(buffer, n);
    }
    std::fclose(file);
  }
  return c;
}

// A tool's command line: one flag of its own, a URL, the common flags.
struct command {
  CLI::App app{"test-tool: a tool for tests"};
  bool json = false;
  bool version = false;
  std::string url;
  command() {
    app.add_flag("--json", json, "One JSON document");
    app.add_option("url", url, "The URL")->required();
    constexpr std::array<tool::exit_code_row, 2> rows{{{0, "done"}, {2, "bad usage"}}};
    tool::add_common_flags(app, version, tool::exit_codes_table(rows));
  }
  std::optional<int> parse(std::vector<const char*> argv) {
    argv.insert(argv.begin(), "test-tool");
    return tool::parse_command_line(app, "test-tool", version, static_cast<int>(argv.size()),
                                    argv.data());
  }
};

}  // namespace

TEST_CASE("print_json: one indented document and a newline, bad UTF-8 replaced", "[unit]") {
  bool printed = false;
  const auto c = capture([&] { printed = tool::print_json({{"url", "http://h/\xff"}, {"n", 1}}); });
  CHECK(printed);
  CHECK(c.err.empty());
  CHECK(c.out == "{\n  \"n\": 1,\n  \"url\": \"http://h/\xef\xbf\xbd\"\n}\n");
  CHECK(json::parse(c.out)["url"] == "http://h/\xef\xbf\xbd");
}

TEST_CASE("error_json and failure_json: the error's message, code and exit status", "[unit]") {
  const json with_code =
      tool::error_json(corofetch::dns::errc::nxdomain, "no such host 'x.test'", tool::exit_resolve);
  CHECK(with_code == json{{"message", "no such host 'x.test'"},
                          {"category", "corofetch.dns"},
                          {"value", 1},
                          {"exit_code", 6}});
  CHECK(tool::error_json("bad", 2) == json{{"message", "bad"}, {"exit_code", 2}});
  CHECK(tool::failure_json("bad", 2) ==
        json{{"error", {{"message", "bad"}, {"exit_code", 2}}}, {"exit_code", 2}});
}

TEST_CASE("fail and usage_error: one line on stderr, with --json one document on stdout",
          "[unit]") {
  int status = 0;
  auto c = capture([&] { status = tool::usage_error("test-tool", "no URL", false); });
  CHECK(status == 2);
  CHECK(c.out.empty());
  CHECK(c.err == "test-tool: no URL (see --help)\n");

  c = capture([&] { status = tool::fail("test-tool", "cannot connect:\nrefused", 7, true); });
  CHECK(status == 7);
  CHECK(c.err == "test-tool: cannot connect: refused\n");
  CHECK(json::parse(c.out) == tool::failure_json("cannot connect:\nrefused", 7));
}

TEST_CASE("wants_json: --json among the options, not after --", "[unit]") {
  const char* with[] = {"tool", "-v", "--json", "http://h/"};
  const char* after[] = {"tool", "--", "--json"};
  const char* without[] = {"tool", "--jsonl", "x"};
  CHECK(tool::wants_json(4, with));
  CHECK_FALSE(tool::wants_json(3, after));
  CHECK_FALSE(tool::wants_json(3, without));
}

TEST_CASE("parse_command_line: run, --help, --version, bad usage", "[unit]") {
  SECTION("a good command line runs") {
    command cmd;
    std::optional<int> stop;
    const auto c = capture([&] { stop = cmd.parse({"--json", "http://h/"}); });
    CHECK_FALSE(stop);
    CHECK(cmd.url == "http://h/");
    CHECK(c.out.empty());
    CHECK(c.err.empty());
  }
  SECTION("--help: the options, then the exit codes; status 0") {
    command cmd;
    std::optional<int> stop;
    const auto c = capture([&] { stop = cmd.parse({"--help"}); });
    CHECK(stop == 0);
    CHECK(c.out.find("--version") != std::string::npos);
    CHECK(c.out.find("Exit codes:\n  0   done\n  2   bad usage\n") != std::string::npos);
  }
  SECTION("--version wins, even with the URL missing") {
    command cmd;
    std::optional<int> stop;
    const auto c = capture([&] { stop = cmd.parse({"--version"}); });
    CHECK(stop == 0);
    CHECK(c.out == tool::version_text("test-tool") + "\n");
    CHECK(c.out.rfind("test-tool 0.", 0) == 0);
  }
  SECTION("an unknown option: status 2, one line on stderr, nothing on stdout") {
    command cmd;
    std::optional<int> stop;
    const auto c = capture([&] { stop = cmd.parse({"--bogus", "http://h/"}); });
    CHECK(stop == tool::exit_usage);
    CHECK(c.out.empty());
    CHECK(c.err.rfind("test-tool: ", 0) == 0);
    CHECK(c.err.find("--bogus") != std::string::npos);
    CHECK(std::count(c.err.begin(), c.err.end(), '\n') == 1);
  }
  SECTION("bad usage with --json: also the error document on stdout") {
    command cmd;
    std::optional<int> stop;
    const auto c = capture([&] { stop = cmd.parse({"--json"}); });
    CHECK(stop == tool::exit_usage);
    const json doc = json::parse(c.out);
    CHECK(doc["exit_code"] == 2);
    CHECK(doc["error"]["exit_code"] == 2);
    CHECK(doc["error"]["message"].get<std::string>().find("url") != std::string::npos);
  }
}
