// cf-page against a loopback site: --requisites all, the limit reported, bad usage; and on a
// pseudo-terminal (script(1) from bsdutils) the live progress bar and the final waterfall on
// stderr, with colours unless NO_COLOR, and none of it with --json.
#include "support/common/process.hpp"
#include "support/page/site_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

using corofetch::test::example_tool;
using corofetch::test::run_process;
using corofetch::test::site_server;
using json = nlohmann::json;
using route = site_server::route;

namespace {

route typed(std::string type, std::string body, std::chrono::milliseconds delay = {}) {
  route r;
  r.content_type = std::move(type);
  r.body = std::move(body);
  r.delay = delay;
  return r;
}

std::map<std::string, route> small_site() {
  using namespace std::chrono_literals;
  return {{"/", typed("text/html", R"(<title>T</title><link rel="stylesheet" href="/s.css">
                                     <img src="/a.png"><img src="/b.png"><img src="/missing.png">)")},
          {"/s.css", typed("text/css", ".x{background:url(/c.png)}", 30ms)},
          {"/a.png", typed("image/png", "a", 30ms)},
          {"/b.png", typed("image/png", "b", 30ms)},
          {"/c.png", typed("image/png", "c", 30ms)}};
}

bool have_tool() {
  if (std::filesystem::exists(example_tool("cf-page"))) return true;
  WARN("cf-page is not built: ninja cf-page");
  return false;
}

// Runs `command` (a shell command line) on a pseudo-terminal of 120 columns; what the terminal
// showed (stdout and stderr together) comes back in out.
corofetch::test::process_result on_terminal(const std::string& command, bool no_color = false) {
  const std::string line = "stty cols 120 rows 40; exec " + command;
  std::vector<std::string> argv{"/usr/bin/env"};
  if (no_color) argv.emplace_back("NO_COLOR=1");
  argv.insert(argv.end(), {"TERM=xterm", "/usr/bin/script", "-qec", line, "/dev/null"});
  return run_process(argv);
}

}  // namespace

TEST_CASE("cf-page --requisites all --json: CSS and what it names, a failure, exit 1",
          "[integration]") {
  if (!have_tool()) return;
  site_server site(small_site());
  auto run = run_process({example_tool("cf-page"), "--json", "--requisites", "all", site.url("/")});
  INFO(run.err);
  CHECK(run.exit_code == 1);  // /missing.png
  const json page = json::parse(run.out);
  CHECK(page["images"].size() == 5);
  CHECK(page["failed"] == 1);
  CHECK(page["truncated"] == false);
  CHECK(site.hits("/c.png") == 1);
  CHECK(run.err.find("\r") == std::string::npos);  // no progress when stderr is not a terminal
}

TEST_CASE("cf-page reports a limit reached, and refuses bad usage", "[integration]") {
  if (!have_tool()) return;
  site_server site(small_site());
  auto run =
      run_process({example_tool("cf-page"), "--json", "--max-requisites", "2", site.url("/")});
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("limit reached: 1 requisites not fetched (--max-requisites 2)") !=
        std::string::npos);
  const json page = json::parse(run.out);
  CHECK(page["truncated"] == true);
  CHECK(page["dropped"] == 1);

  for (const auto& bad : std::vector<std::vector<std::string>>{{"--requisites", "some"},
                                                               {"--convert-links"},
                                                               {"-H", "no colon"},
                                                               {"--max-depth", "0"}}) {
    std::vector<std::string> argv{example_tool("cf-page")};
    argv.insert(argv.end(), bad.begin(), bad.end());
    argv.push_back(site.url("/"));
    auto usage = run_process(argv);
    INFO(bad[0]);
    CHECK(usage.exit_code == 2);
    CHECK(usage.err.rfind("cf-page: ", 0) == 0);
  }
}

TEST_CASE("cf-page on a terminal: a progress bar, then a waterfall", "[integration]") {
  if (!have_tool()) return;
  site_server site(small_site());
  const std::string tool = example_tool("cf-page");
  auto run = on_terminal(tool + " --requisites all --per-host 2 " + site.url("/"));
  INFO(run.out);
  CHECK(run.exit_code == 1);
  // The bar: done of known, bytes, rate, in flight; redrawn in place.
  CHECK(run.out.find("\r[") != std::string::npos);
  CHECK(run.out.find(" done") != std::string::npos);
  CHECK(run.out.find("/s, ") != std::string::npos);
  CHECK(run.out.find(" in flight") != std::string::npos);
  // The waterfall: a row per request, the axis and the legend; colours on.
  for (const char* path : {"/s.css", "/a.png", "/b.png", "/c.png", "/missing.png"}) {
    CHECK(run.out.find(std::string(path) + " ") != std::string::npos);
  }
  CHECK(run.out.find("ms per column") != std::string::npos);
  CHECK(run.out.find("queued") != std::string::npos);
  CHECK(run.out.find("receive") != std::string::npos);
  CHECK(run.out.find("\033[42m") != std::string::npos);  // wait, as a green block

  auto plain = on_terminal(tool + " --requisites all " + site.url("/"), true);
  INFO(plain.out);
  CHECK(plain.out.find("ms per column") != std::string::npos);
  CHECK(plain.out.find("\033[4") == std::string::npos);  // NO_COLOR: no colour
  CHECK(plain.out.find("w receive") == std::string::npos);
  CHECK(plain.out.find("r receive") != std::string::npos);

  auto quiet = on_terminal(tool + " --json " + site.url("/"));
  CHECK(quiet.out.find("ms per column") == std::string::npos);
  CHECK(quiet.out.find(" in flight") == std::string::npos);
}

TEST_CASE("cf-page -H and -A go with every request, the page's and the requisites'",
          "[integration]") {
  if (!have_tool()) return;
  site_server site(small_site());
  auto run =
      run_process({example_tool("cf-page"), "--quiet", "--requisites", "all", "-H", "X-Trace: 42",
                   "-A", "probe/1.0", "-H", "Referer:", "--connect-timeout", "2", site.url("/")});
  INFO(run.err);
  CHECK(run.exit_code == 1);  // /missing.png
  for (const char* path : {"/", "/s.css", "/c.png"}) {
    INFO(path);
    const std::string head = site.last_head(path);
    CHECK(head.find("\r\nX-Trace: 42\r\n") != std::string::npos);
    CHECK(head.find("\r\nUser-Agent: probe/1.0\r\n") != std::string::npos);
    CHECK(head.find("\r\nReferer:") == std::string::npos);  // "Name:" drops the field
  }
}
