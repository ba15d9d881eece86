// cf-load as a user runs it, against the loopback load_server: exit codes, JSON and text
// reports, the HDR log and merge, targets files, -H/-X/--body, Ctrl-C.
#include "common/process.hpp"
#include "load/load_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

using corofetch::test::example_tool;
using corofetch::test::load_server;
using corofetch::test::process_result;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

process_result cf_load(std::vector<std::string> args) {
  args.insert(args.begin(), example_tool("cf-load"));
  REQUIRE(std::filesystem::exists(args[0]));  // build the cf-load target first
  return run_process(args, 60s);
}

void check_one_line_failure(const process_result& r, int code, std::string_view contains) {
  CHECK(r.exit_code == code);
  CHECK(r.out.empty());
  const auto lines = split_lines(r.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("cf-load: ", 0) == 0);
  CHECK(lines[0].find(contains) != std::string::npos);
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("cf-load: bad usage and unreachable targets exit with one line", "[integration]") {
  check_one_line_failure(cf_load({}), 2, "URL");
  check_one_line_failure(cf_load({"-d", "ten", "http://127.0.0.1:9/"}), 2, "-d");
  check_one_line_failure(cf_load({"-c", "1", "-t", "2", "http://127.0.0.1:9/"}), 2, "thread");
  check_one_line_failure(cf_load({"--bogus", "http://127.0.0.1:9/"}), 2, "bogus");
  check_one_line_failure(cf_load({"-H", "no colon", "http://127.0.0.1:9/"}), 2, "-H");
  // -m is h2load's streams (the same number as --pipeline over HTTP/1.1): not both.
  check_one_line_failure(cf_load({"-m", "4", "--pipeline", "4", "http://127.0.0.1:9/"}), 2,
                         "pipeline");
  check_one_line_failure(cf_load({"--http1.1", "--http2", "http://127.0.0.1:9/"}), 2, "http");
  std::uint16_t port = 0;
  {
    load_server gone;
    port = gone.port();
  }
  check_one_line_failure(cf_load({"-d", "1", "http://127.0.0.1:" + std::to_string(port) + "/"}), 1,
                         "refused");

  const auto dir = temp_dir("cf_load_targets");
  std::ofstream(dir / "t.txt") << "GET http://127.0.0.1:9/\n\nGET /relative\n";
  check_one_line_failure(cf_load({"--targets", (dir / "t.txt").string()}), 2, "t.txt:3:");
  std::filesystem::remove_all(dir);

  const auto version = cf_load({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("cf-load ", 0) == 0);
  const auto help = cf_load({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Exit codes:\n  0   the run completed") != std::string::npos);
}

TEST_CASE("cf-load --json: one object with the counts, latency and statuses", "[integration]") {
  load_server server;
  const auto r = cf_load({"-c", "3", "-t", "2", "-n", "300", "--json", server.url("/")});
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  CHECK(j.at("requests") == 300);
  CHECK(j.at("status").at("200") == 300);
  CHECK(j.at("errors").at("read") == 0);
  CHECK(j.at("errors").at("timeout") == 0);
  CHECK(j.at("latency_us").at("count") == 300);
  for (const char* key : {"mean", "stdev", "p50", "p90", "p99", "p999", "p9999", "max"}) {
    CHECK(j.at("latency_us").contains(key));
    CHECK(j.at("uncorrected_latency_us").contains(key));
  }
  CHECK(j.at("latency_us").at("p50").get<double>() <= j.at("latency_us").at("max").get<double>());
  CHECK(j.at("requests_per_sec").get<double>() > 0);
  CHECK(j.at("bytes_per_sec").get<double>() > 0);
  CHECK(j.at("target_rate") == 0);
  CHECK(j.at("connections") == 3);
  CHECK(j.at("http2_connects") == 0);
  CHECK(server.requests() == 300);

  // Over HTTP/1.1, -m N pipelines N deep, as h2load --h1 does.
  const auto m = cf_load({"-c", "1", "-t", "1", "-n", "100", "-m", "8", "--json", server.url("/")});
  REQUIRE(m.exit_code == 0);
  const json jm = json::parse(m.out);
  CHECK(jm.at("requests") == 100);
  CHECK(jm.at("pipeline") == 8);
}

TEST_CASE("cf-load: the text report is laid out as wrk's", "[integration]") {
  load_server server;
  const auto r =
      cf_load({"-c", "2", "-t", "1", "-d", "500ms", "--latency", server.url("/status/404")});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("Running 500ms test @ " + server.url("/status/404"), 0) == 0);
  CHECK(r.out.find("  1 threads and 2 connections\n") != std::string::npos);
  CHECK(r.out.find("  Thread Stats   Avg      Stdev     Max   +/- Stdev\n") != std::string::npos);
  CHECK(r.out.find("    Latency ") != std::string::npos);
  CHECK(r.out.find("    Req/Sec ") != std::string::npos);
  CHECK(r.out.find("Latency Distribution (HdrHistogram - Recorded Latency)") != std::string::npos);
  CHECK(r.out.find(" 99.900% ") != std::string::npos);
  CHECK(r.out.find("Detailed Percentile spectrum") != std::string::npos);
  CHECK(r.out.find("Non-2xx or 3xx responses: ") != std::string::npos);
  CHECK(r.out.find("Requests/sec: ") != std::string::npos);
  CHECK(r.out.find("Transfer/sec: ") != std::string::npos);
}

TEST_CASE("cf-load: -X, -H, --body and targets files reach the server", "[integration]") {
  load_server server;
  auto r = cf_load({"-c", "1", "-t", "1", "-n", "50", "-X", "PUT", "-H", "X-Run: 1", "--body",
                    "0123456789", server.url("/put")});
  CHECK(r.exit_code == 0);
  CHECK(server.requests("PUT", "/put") == 50);
  CHECK(server.body_bytes() == 500);

  const auto dir = temp_dir("cf_load_targets_ok");
  std::ofstream(dir / "body") << "abc";
  std::ofstream(dir / "t.txt") << "GET " << server.url("/a") << "\n\nPOST " << server.url("/b")
                               << "\nContent-Type: text/plain\n@" << (dir / "body").string()
                               << "\n";
  r = cf_load({"-c", "2", "-t", "1", "-n", "100", "--targets", (dir / "t.txt").string()});
  CHECK(r.exit_code == 0);
  CHECK(server.requests("GET", "/a") == 50);
  CHECK(server.requests("POST", "/b") == 50);
  CHECK(server.body_bytes() == 500 + 150);
  std::filesystem::remove_all(dir);
}

TEST_CASE("cf-load --hdr-log and merge: several runs add up exactly", "[integration]") {
  load_server server;
  const auto dir = temp_dir("cf_load_logs");
  const auto a = (dir / "a.hlog").string();
  const auto b = (dir / "b.hlog").string();
  REQUIRE(
      cf_load({"-c", "2", "-t", "1", "-R", "400", "-d", "1500ms", "--hdr-log", a, server.url("/")})
          .exit_code == 0);
  REQUIRE(cf_load({"-c", "2", "-t", "2", "-n", "123", "--hdr-log", b, server.url("/status/500")})
              .exit_code == 0);
  std::ifstream in(a);
  std::string first;
  std::getline(in, first);
  CHECK(first.rfind("#[cf-load ", 0) == 0);

  const auto merged = cf_load({"merge", "--json", a, b});
  REQUIRE(merged.exit_code == 0);
  const json j = json::parse(merged.out);
  const auto requests = j.at("requests").get<std::uint64_t>();
  CHECK(requests > 123 + 500);
  CHECK(requests < 123 + 700);
  CHECK(j.at("status").at("500") == 123);
  CHECK(j.at("status").at("200") == requests - 123);
  CHECK(j.at("latency_us").at("count") == requests);
  CHECK(j.at("uncorrected_latency_us").at("count") == requests);
  CHECK(j.at("logs") == 2);

  const auto text = cf_load({"merge", a, b});
  CHECK(text.exit_code == 0);
  CHECK(text.out.rfind("Merged 2 logs", 0) == 0);
  CHECK(text.out.find("Non-2xx or 3xx responses: 123") != std::string::npos);

  std::ofstream(dir / "bad.hlog") << "#[BaseTime: 0]\n0.000,1.000,2.0,notbase64!\n";
  const auto bad = cf_load({"merge", (dir / "bad.hlog").string()});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("bad.hlog:2:") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("cf-load: Ctrl-C stops the run and prints the report so far", "[integration]") {
  load_server server;
  const std::string tool = example_tool("cf-load");
  REQUIRE(std::filesystem::exists(tool));
  const auto dir = temp_dir("cf_load_sigint");
  const auto out_file = (dir / "out.txt").string();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::freopen(out_file.c_str(), "w", stdout);
    const std::string url = server.url("/");
    ::execl(tool.c_str(), tool.c_str(), "-c", "2", "-t", "1", "-d", "30s", url.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(700ms);
  ::kill(pid, SIGINT);
  int status = 0;
  const auto started = std::chrono::steady_clock::now();
  ::waitpid(pid, &status, 0);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  std::ifstream in(out_file);
  const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(out.find("Requests/sec: ") != std::string::npos);
  CHECK(server.requests() > 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("cf-load --hdr-log is read by HdrHistogram's own reader (hdr-histogram-js)",
          "[integration]") {
  load_server server;
  const auto dir = temp_dir("cf_load_hdr_js");
  const auto log = (dir / "run.hlog").string();
  const auto r = cf_load({"-c", "2", "-t", "2", "-R", "500", "-d", "1200ms", "--json", "--hdr-log",
                          log, server.url("/")});
  REQUIRE(r.exit_code == 0);
  const json ours = json::parse(r.out);
  const auto node = run_process({"/bin/sh", "-c", "command -v node"});
  const std::string modules = std::string(CF_SOURCE_DIR) + "/tests/npm/node_modules";
  if (node.exit_code != 0 || !std::filesystem::exists(modules + "/hdr-histogram-js")) {
    WARN("node or hdr-histogram-js is missing: the comparison is skipped");
    std::filesystem::remove_all(dir);
    return;
  }
  const auto peer = run_process({split_lines(node.out).at(0),
                                 std::string(CF_SOURCE_DIR) + "/tests/data/load/hdr_peer.js",
                                 modules, "read", log});
  REQUIRE(peer.exit_code == 0);
  const json theirs = json::parse(peer.out);
  CHECK(theirs.at("sum").at("total") == ours.at("requests"));
  CHECK(theirs.at("sum").at("max") == ours.at("latency_us").at("max"));
  CHECK(theirs.at("sum").at("percentiles").at(3) == ours.at("latency_us").at("p99"));
  std::size_t untagged = 0;
  for (const auto& i : theirs.at("intervals")) {
    if (i.at("tag") == "") ++untagged;
  }
  CHECK(untagged >= 1);
  CHECK(untagged <= 2);
  std::filesystem::remove_all(dir);
}
