// Resume after SIGKILL: a crawl with a state file runs in a child process (this test binary
// again, running only the hidden child case), is killed in the middle, and a second crawl on
// the same state file finishes it. No URL the journal had seen finish is fetched again, and
// every reachable URL is reported: once, or twice when it was in flight at the kill (its
// outcome never reached the journal).
#include <corofetch/crawl/journal.hpp>
#include <corofetch/url/url.hpp>

#include "integration/crawl/harness.hpp"
#include "support/common/process.hpp"
#include "support/crawl/generated_site.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace std::chrono_literals;
namespace crawl = corofetch::crawl;
namespace fs = std::filesystem;
using corofetch::test::crawl_server;
using corofetch::test::generated_site;

namespace {

constexpr std::size_t child_concurrency = 4;

crawl::crawl_options resume_options(const fs::path& state) {
  crawl::crawl_options o;
  o.concurrency = child_concurrency;
  o.politeness.per_host = child_concurrency;
  o.politeness.delay = 0ms;
  o.state_file = state;
  return o;
}

generated_site resume_site() {
  generated_site site;
  site.pages = 1500;
  site.delay = 3ms;
  return site;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// Starts this binary again running only the child case, its parameters in the environment.
pid_t start_child(std::uint16_t port, const fs::path& state, const fs::path& reports,
                  const fs::path& output) {
  return corofetch::test::start_self_as_child(
      "[crawl_resume_child]",
      {"CF_CRAWL_CHILD_PORT=" + std::to_string(port), "CF_CRAWL_CHILD_STATE=" + state.string(),
       "CF_CRAWL_CHILD_REPORTS=" + reports.string()},
      output);
}

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The fingerprints the journal says finished.
std::set<std::uint64_t> finished_in(const fs::path& state) {
  std::set<std::uint64_t> out;
  crawl::journal_visitor v;
  v.finished = [&](std::uint64_t f, crawl::finish_kind) { out.insert(f); };
  auto j = crawl::journal::open(state, v);
  REQUIRE(j);
  return out;
}

}  // namespace

// Run by the parent case in a child process; does nothing in a normal test run.
TEST_CASE("crawler resume child: crawls until killed", "[.][crawl_resume_child]") {
  const std::string port = env("CF_CRAWL_CHILD_PORT");
  if (port.empty()) return;
  const generated_site site = resume_site();
  corofetch::client::client_options co = corofetch::test::loopback_client_options();
  auto mapped = corofetch::client::parse_resolve_override("site.test:" + port + ":127.0.0.1");
  REQUIRE(mapped);
  co.resolve_overrides.push_back(*mapped);
  const int reports = ::open(env("CF_CRAWL_CHILD_REPORTS").c_str(),
                             O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  REQUIRE(reports >= 0);
  const auto options = resume_options(env("CF_CRAWL_CHILD_STATE"));
  const std::string seed = "http://site.test:" + port + "/p/0.html";
  corofetch::test::run_coro(
      [&]() -> asio::awaitable<void> {
        crawl::crawler c(co_await asio::this_coro::executor, co, options);
        std::vector<std::string> seeds{seed};
        crawl::page_handler record = [&](crawl::crawl_page& page, crawl::crawl_control&) {
          const std::string line = page.url + "\n";
          (void)!::write(reports, line.data(), line.size());  // one write: a kill loses none
        };
        auto r = co_await c.async_run(std::move(seeds), std::move(record));
        REQUIRE(r);
        c.http_client().close_idle();
      },
      60s);
}

TEST_CASE("crawler: resumes after SIGKILL without losing or refetching a finished URL",
          "[integration]") {
  const generated_site site = resume_site();
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  const fs::path dir = fs::temp_directory_path() / ("cf-resume-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path state = dir / "crawl.state";
  const fs::path reports = dir / "reports";

  // Run 1, killed after a few hundred requests.
  const pid_t child = start_child(server.port(), state, reports, dir / "child.log");
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (server.requests() < 300 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  INFO("child output: " << [&] {
    std::ifstream in(dir / "child.log");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }());
  INFO("child status " << status);
  REQUIRE(WIFSIGNALED(status));
  std::this_thread::sleep_for(50ms);  // the server sees the connections close
  const std::size_t run1_requests = server.requests();
  const std::vector<std::string> run1 = lines_of(reports);
  REQUIRE(run1.size() > 100);
  const std::set<std::uint64_t> finished = finished_in(state);

  // Run 2, in this process, on the same state file.
  const std::string base = server.url("site.test", "");
  const auto out = corofetch::test::run_crawl(server, {"site.test"}, {base + "/p/0.html"},
                                              resume_options(state));
  REQUIRE_FALSE(out.error);
  CHECK(out.summary.resumed_finished == finished.size());
  CHECK(out.summary.resumed_pending > 0);

  // Nothing the journal had finished was requested again.
  const auto log = server.log();
  for (std::size_t i = run1_requests; i < log.size(); ++i) {
    if (log[i].path == "/robots.txt") continue;  // fetched once per run
    INFO(log[i].path);
    CHECK(finished.count(corofetch::url::fingerprint(base + log[i].path)) == 0);
  }
  // Every expected URL reported, those of run 1 again only when they had not finished.
  std::multiset<std::string> all(run1.begin(), run1.end());
  std::set<std::string> again;
  for (const auto& p : out.pages) {
    if (all.count(p.url) > 0) again.insert(p.url);
    all.insert(p.url);
  }
  std::set<std::string> expected;
  for (const auto& path : site.expected_paths()) {
    if (path != "/robots.txt") expected.insert(base + path);
  }
  CHECK(std::set<std::string>(all.begin(), all.end()) == expected);
  for (const auto& u : again) CHECK(finished.count(corofetch::url::fingerprint(u)) == 0);
  CHECK(again.size() <= child_concurrency);
  CHECK(all.size() == expected.size() + again.size());
  fs::remove_all(dir);
}
