// Many crawl workers, each with its own event loop, HTTP client and Redis connection (threads
// of this process, or a child process killed with SIGKILL), share one crawl job in a real
// redis-server: together they fetch exactly the reachable allowed pages of a generated site,
// each once (twice only for leases that expired), within per-host limits that hold across
// them, and they ride out a Redis restart.
#include <corofetch/client/client.hpp>
#include <corofetch/crawl/crawler.hpp>
#include <corofetch/crawl/redis_frontier.hpp>
#include <corofetch/redis/error.hpp>

#include "support/client/loopback_options.hpp"
#include "support/common/process.hpp"
#include "support/crawl/crawl_server.hpp"
#include "support/crawl/generated_site.hpp"
#include "support/net/run.hpp"
#include "support/redis/redis_server.hpp"

#include <catch2/catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/this_coro.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

using namespace std::chrono_literals;
namespace crawl = corofetch::crawl;
namespace redis = corofetch::redis;
namespace fs = std::filesystem;
using corofetch::test::crawl_server;
using corofetch::test::generated_site;
using corofetch::test::redis_server;

namespace {

struct worker_run {
  std::error_code error;
  std::string detail;
  std::vector<std::string> urls;  // reported, robots.txt aside
  crawl::crawl_summary summary;
  redis::client_stats stats;
  std::uint64_t pauses = 0;
};

corofetch::client::client_options client_for(std::uint16_t port,
                                             const std::vector<std::string>& hosts) {
  auto o = corofetch::test::loopback_client_options();
  for (const auto& h : hosts) {
    auto r =
        corofetch::client::parse_resolve_override(h + ":" + std::to_string(port) + ":127.0.0.1");
    if (r) o.resolve_overrides.push_back(*r);
  }
  return o;
}

crawl::crawl_options crawl_options_for(std::size_t concurrency) {
  crawl::crawl_options o;
  o.concurrency = concurrency;
  o.scope.kind = crawl::scope_kind::domain;
  o.retry.backoff = 20ms;
  o.fetch.timeouts.response_head = 5s;
  return o;
}

crawl::redis_frontier_options frontier_for(const std::string& url, const std::string& job) {
  crawl::redis_frontier_options o;
  o.url = url;
  o.job = job;
  o.politeness.per_host = 4;
  o.politeness.delay = 0ms;
  o.expected_urls = 10'000;
  o.unavailable_for = 30s;
  o.client.backoff_initial = 20ms;
  o.client.backoff_max = 200ms;
  return o;
}

// One worker: its own io_context (this thread), HTTP client, Redis frontier and crawler.
worker_run run_worker(corofetch::client::client_options co, std::vector<std::string> seeds,
                      crawl::crawl_options o, crawl::redis_frontier_options fo,
                      const std::function<void(const std::string&)>& on_page = {},
                      std::latch* start = nullptr) {
  return corofetch::test::run_coro(
      [&]() -> asio::awaitable<worker_run> {
        worker_run out;
        const auto ex = co_await asio::this_coro::executor;
        std::string detail;
        auto made = co_await crawl::redis_frontier::async_create(fo, &detail);
        if (!made) {
          out.error = made.error();
          out.detail = detail;
          co_return out;
        }
        crawl::redis_frontier& f = **made;
        if (start != nullptr) start->arrive_and_wait();  // the workers start together
        co.pool.max_per_host = std::max(co.pool.max_per_host, f.options().politeness.per_host);
        co.pool.max_total = std::max(co.pool.max_total, o.concurrency);
        corofetch::client::client http(ex, co);
        crawl::crawler c(http, o, &f);
        crawl::page_handler handler = [&](crawl::crawl_page& p, crawl::crawl_control&) {
          if (p.purpose == crawl::fetch_purpose::robots) return;
          out.urls.push_back(p.url);
          if (on_page) on_page(p.url);
        };
        auto r = co_await c.async_run(seeds, std::move(handler));
        if (r) {
          out.summary = *r;
        } else {
          out.error = r.error();
          out.detail = c.error_detail();
        }
        http.close_idle();
        const auto flushed = co_await f.async_flush();
        if (!out.error) out.error = flushed;
        out.stats = f.client_stats();
        out.pauses = f.pauses();
        co_return out;
      },
      120s);
}

std::set<std::string> expected_urls(const generated_site& site, const crawl_server& server) {
  std::set<std::string> out;
  const auto hosts = site.hosts.empty() ? std::vector<std::string>{"site.test"} : site.hosts;
  for (const auto& h : hosts) {
    for (const auto& path : site.expected_paths()) {
      if (path != "/robots.txt") out.insert(server.url(h, path));
    }
  }
  return out;
}

// The job's state, read with a client of its own.
crawl::job_status status_of(const std::string& url, const std::string& job) {
  return corofetch::test::run_coro([&]() -> asio::awaitable<crawl::job_status> {
    redis::client_options o;
    o.server = *redis::parse_url(url);
    const auto executor = co_await asio::this_coro::executor;
    redis::client c(executor, o);
    auto s = co_await crawl::async_job_status(c, job);
    REQUIRE(s);
    co_return *s;
  });
}

// Runs `count` workers side by side, each in its own thread, from the same seeds.
std::vector<worker_run> run_workers(std::size_t count, const crawl_server& server,
                                    const std::vector<std::string>& hosts,
                                    const std::vector<std::string>& seeds,
                                    const crawl::crawl_options& o,
                                    const crawl::redis_frontier_options& fo) {
  const auto co = client_for(server.port(), hosts);
  std::vector<std::future<worker_run>> running;
  std::latch start(static_cast<std::ptrdiff_t>(count));
  for (std::size_t i = 0; i < count; ++i) {
    running.push_back(
        std::async(std::launch::async, [&] { return run_worker(co, seeds, o, fo, {}, &start); }));
  }
  std::vector<worker_run> out;
  for (auto& r : running) out.push_back(r.get());
  return out;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

TEST_CASE("redis crawl: two and three workers fetch the site together, each page once",
          "[system]") {
  redis_server redis;
  for (const std::size_t workers : {2U, 3U}) {
    INFO(workers << " workers");
    generated_site site;
    site.pages = 700;
    site.delay = 5ms;
    site.hosts = {"a.site.test", "b.site.test", "c.site.test"};
    crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
    const std::string job = "together-" + std::to_string(workers);
    const auto fo = frontier_for(redis.url(), job);
    const auto runs =
        run_workers(workers, server, site.hosts, {server.url("a.site.test", "/p/0.html")},
                    crawl_options_for(3), fo);
    std::multiset<std::string> all;
    std::uint64_t round_trips = 0;
    for (const auto& w : runs) {
      INFO(w.detail);
      REQUIRE_FALSE(w.error);
      CHECK_FALSE(w.urls.empty());  // every worker had a share
      all.insert(w.urls.begin(), w.urls.end());
      round_trips += w.stats.round_trips;
    }
    // A page's links and its ack ride on a take together: at most two round trips a page.
    CHECK(round_trips <= 2 * all.size());
    const std::set<std::string> expected = expected_urls(site, server);
    CHECK(std::set<std::string>(all.begin(), all.end()) == expected);
    CHECK(all.size() == expected.size());  // none twice
    for (const auto& host : site.hosts) {
      INFO(host);
      // The per-host limit (4) holds for the workers together, not each: up to 9 fetches are
      // in flight in all, and each worker has room for more than its share of the 12 slots.
      CHECK(server.max_in_flight(host) <= 4);
      for (const auto& path : site.expected_paths()) {
        const std::size_t hits = server.hits(host, path);
        if (path == "/robots.txt") {
          CHECK(hits == 1);  // one worker fetches it for the job; the others read it in Redis
        } else {
          INFO(path);
          CHECK(hits == 1);
        }
      }
    }
    const auto status = status_of(redis.url(), job);
    CHECK(status.counters.queued == 0);
    CHECK(status.counters.leased == 0);
    CHECK(status.counters.delayed == 0);
    CHECK(status.counters.hosts == 0);
    CHECK(status.expired == 0);
    CHECK(status.hosts_met == 3);
    CHECK(status.counters.fetched == expected.size());
    CHECK(status.counters.failed == 0);
  }
}

TEST_CASE("redis crawl: two workers on one host share its slots; both fetch pages", "[system]") {
  redis_server redis;
  generated_site site;
  site.pages = 300;
  site.delay = 5ms;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  auto fo = frontier_for(redis.url(), "fair");
  fo.politeness.per_host = 2;
  // Each worker could keep both of the host's slots busy by itself, taking again with each ack.
  const auto runs = run_workers(2, server, {"site.test"}, {server.url("site.test", "/p/0.html")},
                                crawl_options_for(4), fo);
  std::size_t total = 0;
  for (const auto& w : runs) {
    INFO(w.detail);
    REQUIRE_FALSE(w.error);
    total += w.urls.size();
  }
  const std::set<std::string> expected = expected_urls(site, server);
  CHECK(total == expected.size());
  for (const auto& w : runs) {
    INFO("this worker fetched " << w.urls.size() << " of " << total);
    // Shared while both wait for URLs: one slot each, give or take the crawl's start and end.
    CHECK(w.urls.size() >= total / 5);
  }
  CHECK(server.max_in_flight("site.test") <= 2);
  CHECK(server.hits("site.test", "/robots.txt") == 1);
}

TEST_CASE("redis crawl: the event loop's run() returns after a crawl, the frontier alive",
          "[system]") {
  redis_server redis;
  generated_site site;
  site.pages = 60;
  site.hosts = {"a.site.test", "b.site.test"};
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  for (const bool cut_short : {false, true}) {
    INFO((cut_short ? "stopped by a page handler that throws" : "to its end"));
    asio::io_context io(1);
    const auto fo = frontier_for(redis.url(), cut_short ? "loop-cut" : "loop");
    std::unique_ptr<crawl::redis_frontier> frontier;
    std::error_code made;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          std::string detail;
          auto f = co_await crawl::redis_frontier::async_create(fo, &detail);
          if (f) frontier = std::move(*f);
          made = f.error();
        },
        asio::detached);
    // run() returns by itself once nothing is left waiting (run_for() would otherwise run out
    // its time, the loop not stopped).
    io.run_for(10s);
    REQUIRE_FALSE(made);
    REQUIRE(frontier);
    CHECK(io.stopped());
    io.restart();

    // The frontier, its connection and the HTTP client outlive the crawl, as in cf-crawl.
    auto co = client_for(server.port(), site.hosts);
    co.pool.max_per_host = 4;
    corofetch::client::client http(io.get_executor(), co);
    crawl::crawler c(http, crawl_options_for(3), frontier.get());
    std::size_t pages = 0;
    std::optional<std::error_code> ended;
    bool threw = false;
    crawl::page_handler handler = [&](crawl::crawl_page& p, crawl::crawl_control&) {
      if (p.purpose != crawl::fetch_purpose::robots) ++pages;
      if (cut_short && pages == 20) throw std::runtime_error("enough");
    };
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          std::vector<std::string> seeds{server.url("a.site.test", "/p/0.html")};
          auto r = co_await c.async_run(std::move(seeds), handler);
          ended = r.error();
        },
        [&](const std::exception_ptr& e) {
          threw = e != nullptr;  // the handler's exception, out of async_run
          http.close_idle();
        });
    io.run_for(20s);
    CHECK(io.stopped());
    if (!cut_short) {
      REQUIRE(ended);
      CHECK_FALSE(*ended);
      CHECK(pages == expected_urls(site, server).size());
      continue;
    }
    // Cut short: the leases its workers held went back to their queues with the last flush,
    // not left to expire (and no renewal of them keeps the loop running).
    CHECK(threw);
    const auto status = status_of(redis.url(), "loop-cut");
    CHECK(status.counters.leased == 0);
    CHECK(status.counters.queued > 0);
    CHECK(status.expired == 0);
  }
}

TEST_CASE("redis crawl: the host's delay spaces the starts of all workers together", "[system]") {
  redis_server redis;
  generated_site site;
  site.pages = 10;
  site.hosts = {"a.site.test", "b.site.test", "c.site.test"};
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  auto fo = frontier_for(redis.url(), "spaced");
  fo.politeness.per_host = 2;
  fo.politeness.delay = 100ms;
  const auto runs = run_workers(3, server, site.hosts, {server.url("a.site.test", "/p/0.html")},
                                crawl_options_for(8), fo);
  for (const auto& w : runs) {
    INFO(w.detail);
    REQUIRE_FALSE(w.error);
  }
  const auto log = server.log();
  for (const auto& host : site.hosts) {
    INFO(host);
    CHECK(server.max_in_flight(host) <= 2);
    // Three workers, one spacing: starts at least the delay apart, less the way from a
    // worker's take in Redis to its request reaching the server (generous on a busy machine).
    CHECK(corofetch::test::min_start_gap(log, host) >= 60ms);
  }
}

// Run by the SIGKILL case in a child process; does nothing in a normal test run.
TEST_CASE("redis crawl child: crawls until killed", "[.][redis_crawl_child]") {
  const std::string port = env("CF_REDIS_CHILD_PORT");
  if (port.empty()) return;
  const int reports = ::open(env("CF_REDIS_CHILD_REPORTS").c_str(),
                             O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  REQUIRE(reports >= 0);
  auto fo = frontier_for(env("CF_REDIS_CHILD_URL"), "killed");
  fo.lease = 1500ms;
  const auto co = client_for(static_cast<std::uint16_t>(std::stoi(port)), {"site.test"});
  const std::string seed = "http://site.test:" + port + "/p/0.html";
  (void)run_worker(co, {seed}, crawl_options_for(4), fo, [&](const std::string& url) {
    const std::string line = url + "\n";
    (void)!::write(reports, line.data(), line.size());  // one write: a kill loses none
  });
}

namespace {

// Starts this binary again running only the worker case, its parameters in the environment.
pid_t start_child(std::uint16_t port, const std::string& redis_url, const fs::path& reports,
                  const fs::path& output) {
  return corofetch::test::start_self_as_child(
      "[redis_crawl_child]",
      {"CF_REDIS_CHILD_PORT=" + std::to_string(port), "CF_REDIS_CHILD_URL=" + redis_url,
       "CF_REDIS_CHILD_REPORTS=" + reports.string()},
      output);
}

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("redis crawl: a worker killed with SIGKILL loses nothing; others take its leases",
          "[system]") {
  redis_server redis;
  generated_site site;
  site.pages = 1200;
  site.delay = 3ms;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  const fs::path dir = fs::temp_directory_path() / ("cf-redis-kill-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path reports = dir / "reports";

  const pid_t child = start_child(server.port(), redis.url(), reports, dir / "child.log");
  const auto deadline = std::chrono::steady_clock::now() + 30s;
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
  REQUIRE(WIFSIGNALED(status));
  const std::vector<std::string> first = lines_of(reports);
  REQUIRE(first.size() > 100);
  const auto at_kill = status_of(redis.url(), "killed");
  CHECK(at_kill.counters.leased > 0);  // the dead worker's leases are out

  // A second worker joins and finishes, the dead one's URLs once their leases expire.
  auto fo = frontier_for(redis.url(), "killed");
  const auto started = std::chrono::steady_clock::now();
  const auto second = run_worker(client_for(server.port(), {"site.test"}),
                                 {server.url("site.test", "/p/0.html")}, crawl_options_for(4), fo);
  INFO(second.detail);
  REQUIRE_FALSE(second.error);
  CHECK(std::chrono::steady_clock::now() - started >= 1s);  // it waited for the leases

  const auto end = status_of(redis.url(), "killed");
  CHECK(end.expired >= at_kill.counters.leased);
  CHECK(end.counters.leased == 0);
  CHECK(end.counters.queued == 0);
  std::multiset<std::string> all(first.begin(), first.end());
  all.insert(second.urls.begin(), second.urls.end());
  const std::set<std::string> expected = expected_urls(site, server);
  CHECK(std::set<std::string>(all.begin(), all.end()) == expected);
  // Twice only what the dead worker held when it died.
  CHECK(all.size() - expected.size() <= end.expired);
  std::size_t requests = 0;
  for (const auto& path : site.expected_paths()) {
    if (path == "/robots.txt") continue;
    const std::size_t hits = server.hits("site.test", path);
    CHECK(hits >= 1);
    requests += hits;
  }
  CHECK(requests - (expected.size()) <= end.expired);
  fs::remove_all(dir);
}

TEST_CASE("redis crawl: Redis restarted (AOF) in the middle, the workers pause and finish",
          "[system]") {
  redis_server::options ro;
  ro.append_only = true;
  redis_server redis(ro);
  generated_site site;
  site.pages = 1200;
  site.delay = 2ms;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  auto fo = frontier_for(redis.url(), "restarted");
  fo.lease = 5s;
  std::thread restart([&] {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (server.requests() < 300 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(2ms);
    }
    redis.stop();
    std::this_thread::sleep_for(800ms);
    redis.start();
  });
  const auto runs = run_workers(2, server, {"site.test"}, {server.url("site.test", "/p/0.html")},
                                crawl_options_for(4), fo);
  restart.join();
  std::multiset<std::string> all;
  std::uint64_t pauses = 0;
  for (const auto& w : runs) {
    INFO(w.detail);
    REQUIRE_FALSE(w.error);
    all.insert(w.urls.begin(), w.urls.end());
    pauses += w.pauses;
  }
  CHECK(pauses > 0);  // they did wait for Redis
  const std::set<std::string> expected = expected_urls(site, server);
  CHECK(std::set<std::string>(all.begin(), all.end()) == expected);
  const auto end = status_of(redis.url(), "restarted");
  CHECK(all.size() - expected.size() <= end.expired);
}

TEST_CASE("redis crawl: Redis restarted from an RDB snapshot: what came since is crawled again",
          "[system]") {
  redis_server redis;  // no save points: the snapshot below is the only one
  generated_site site;
  site.pages = 1200;
  site.delay = 2ms;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  auto fo = frontier_for(redis.url(), "snapshot");
  fo.lease = 2s;  // the snapshot's leases, acked since, come back when they expire
  std::thread restart([&] {
    const auto wait_for = [&](std::size_t requests) {
      const auto deadline = std::chrono::steady_clock::now() + 30s;
      while (server.requests() < requests && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(2ms);
      }
    };
    wait_for(300);
    corofetch::test::run_coro([&]() -> asio::awaitable<void> {
      redis::client_options o;
      o.server = *redis::parse_url(redis.url());
      const auto executor = co_await asio::this_coro::executor;
      redis::client c(executor, o);
      std::vector<std::string> save{"SAVE"};
      auto saved = co_await c.async_command(std::move(save));
      REQUIRE(saved);
    });
    wait_for(700);
    redis.stop();  // loses every write since the SAVE
    std::this_thread::sleep_for(500ms);
    redis.start();  // loads dump.rdb
  });
  const auto runs = run_workers(2, server, {"site.test"}, {server.url("site.test", "/p/0.html")},
                                crawl_options_for(4), fo);
  restart.join();
  std::multiset<std::string> all;
  for (const auto& w : runs) {
    INFO(w.detail);
    REQUIRE_FALSE(w.error);
    all.insert(w.urls.begin(), w.urls.end());
  }
  // Nothing lost: the pages fetched since the snapshot are fetched again, their links found
  // again.
  const std::set<std::string> expected = expected_urls(site, server);
  CHECK(std::set<std::string>(all.begin(), all.end()) == expected);
  CHECK(all.size() > expected.size());
  const auto end = status_of(redis.url(), "snapshot");
  CHECK(end.counters.leased == 0);
  CHECK(end.counters.queued == 0);
}

TEST_CASE("redis crawl: Redis restarted without persistence, the job is gone: a clear error",
          "[system]") {
  redis_server redis;
  generated_site site;
  site.pages = 1200;
  site.delay = 2ms;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  const auto fo = frontier_for(redis.url(), "forgotten");
  std::thread restart([&] {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (server.requests() < 200 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(2ms);
    }
    redis.stop();
    std::this_thread::sleep_for(300ms);
    redis.start();
  });
  const auto runs = run_workers(2, server, {"site.test"}, {server.url("site.test", "/p/0.html")},
                                crawl_options_for(4), fo);
  restart.join();
  for (const auto& w : runs) {
    CHECK(w.error == redis::errc::job_missing);
    CHECK(w.detail == "frontier: " + std::error_code(redis::errc::job_missing).message());
  }
}
