// redis_bench: one crawl worker of the distributed crawl benchmark (redis_run.sh). It crawls a
// Redis job from h0.bench.test's /p/0.html on bench_crawl_origin (every hK.bench.test name
// mapped to it, as cf-crawl --resolve would), and prints one JSON line: its pages and what they
// cost Redis (commands and round trips, from its client's counters).
//
//   redis_bench --redis URL --job NAME --port ORIGIN_PORT [--hosts 50] [--concurrency 32]
//               [--per-host 2] [--delay MS] [--lease SECS] [--expected URLS] [--id N]
#include <corofetch/client/client.hpp>
#include <corofetch/crawl/crawler.hpp>
#include <corofetch/crawl/redis_frontier.hpp>

#include <CLI/CLI.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_future.hpp>

#include <cstdio>
#include <iostream>

using namespace std::chrono_literals;
namespace crawl = corofetch::crawl;

namespace {

std::vector<std::string> host_names(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back("h" + std::to_string(i) + ".bench.test");
  return out;
}

struct worker_args {
  std::string redis = "redis://127.0.0.1:6379/0";
  std::string job = "bench";
  std::uint16_t port = 0;
  std::size_t hosts = 50;
  std::size_t concurrency = 32;
  std::size_t per_host = 2;
  int delay_ms = 0;
  int lease_s = 60;
  std::size_t expected = 0;
  int id = 0;
};

asio::awaitable<int> worker(const worker_args& a) {
  const auto ex = co_await asio::this_coro::executor;
  crawl::redis_frontier_options fo;
  fo.url = a.redis;
  fo.job = a.job;
  fo.politeness.per_host = a.per_host;
  fo.politeness.delay = std::chrono::milliseconds(a.delay_ms);
  fo.lease = std::chrono::seconds(a.lease_s);
  if (a.expected > 0) fo.expected_urls = a.expected;
  std::string detail;
  auto made = co_await crawl::redis_frontier::async_create(fo, &detail);
  if (!made) {
    std::cerr << "redis_bench: " << detail << "\n";
    co_return 1;
  }
  crawl::redis_frontier& f = **made;
  corofetch::client::client_options co;
  co.resolver.hosts_file = "";
  co.resolver.servers = {"127.0.0.1:9"};
  for (const auto& h : host_names(a.hosts)) {
    auto r =
        corofetch::client::parse_resolve_override(h + ":" + std::to_string(a.port) + ":127.0.0.1");
    if (r) co.resolve_overrides.push_back(*r);
  }
  co.pool.max_per_host = f.options().politeness.per_host;
  co.pool.max_total = a.concurrency;
  corofetch::client::client http(ex, co);
  crawl::crawl_options o;
  o.concurrency = a.concurrency;
  o.scope.kind = crawl::scope_kind::domain;
  crawl::crawler c(http, o, &f);
  const std::string seed = "http://h0.bench.test:" + std::to_string(a.port) + "/p/0.html";
  std::vector<std::string> seeds{seed};
  crawl::page_handler none;
  auto r = co_await c.async_run(std::move(seeds), std::move(none));
  http.close_idle();
  const auto flushed = co_await f.async_flush();
  if (!r || flushed) {
    std::cerr << "redis_bench: " << (r ? flushed.message() : c.error_detail()) << "\n";
    co_return 1;
  }
  const auto& p = r->progress;
  const auto& s = f.client_stats();
  std::printf(
      "{\"worker\":%d,\"pages\":%llu,\"failed\":%llu,\"elapsed_s\":%.3f,\"commands\":%llu,"
      "\"round_trips\":%llu,\"pauses\":%llu}\n",
      a.id, static_cast<unsigned long long>(p.fetched), static_cast<unsigned long long>(p.failed),
      std::chrono::duration<double>(p.elapsed).count(), static_cast<unsigned long long>(s.commands),
      static_cast<unsigned long long>(s.round_trips), static_cast<unsigned long long>(f.pauses()));
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("corofetch distributed crawl benchmark: one worker");
  worker_args a;
  app.add_option("--redis", a.redis, "redis://HOST:PORT/DB");
  app.add_option("--job", a.job, "the job's name");
  app.add_option("--port", a.port, "bench_crawl_origin's port")->required();
  app.add_option("--hosts", a.hosts, "host names h0..hN-1.bench.test");
  app.add_option("--concurrency", a.concurrency, "fetches in flight in this worker");
  app.add_option("--per-host", a.per_host, "requests in flight per host, all workers together");
  app.add_option("--delay", a.delay_ms, "ms between starts to one host");
  app.add_option("--lease", a.lease_s, "seconds a URL is held without news");
  app.add_option("--expected", a.expected, "URLs expected in all (sizes the seen-set)");
  app.add_option("--id", a.id, "this worker's number, for its output");
  CLI11_PARSE(app, argc, argv);
  asio::io_context io(1);
  auto done = asio::co_spawn(io, worker(a), asio::use_future);
  io.run();
  return done.get();
}
