// bench_http_fetch: fetches a list of URLs with corofetch's client, sequentially on one
// keep-alive connection (--concurrency 1) or with N fetches in flight through the pool, and
// prints one line: requests, seconds, requests/s, client CPU, bytes, errors, and heap
// allocations per request counted by a replaced operator new over the steady state (after a
// warm-up pass over the list).
//
//   bench_http_fetch --urls urls.txt --requests 20000 --concurrency 1
#include <corofetch/client/client.hpp>

#include <CLI/CLI.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<bool> counting{false};
std::atomic<std::uint64_t> allocations{0};
}  // namespace

// Counting replacements of the global allocation functions, over malloc and free. g++ cannot
// see that they replace the global operators and warns where Asio's inlined code deletes what
// it newed.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void* operator new(std::size_t size, std::align_val_t align) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  const auto a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}

namespace {

namespace client = corofetch::client;

struct totals {
  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  std::uint64_t bytes = 0;
  std::string first_error;
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// One worker: fetches requests[next++ % size] until `count` fetches were started in all,
// reusing one response object (its memory is kept from fetch to fetch).
asio::awaitable<void> worker(client::client& c, const std::vector<client::request>& requests,
                             std::uint64_t& next, std::uint64_t count,
                             const client::fetch_options& options, totals& t) {
  client::response out;
  while (next < count) {
    const auto& req = requests[next++ % requests.size()];
    const auto ec = co_await c.async_fetch_into(req, out, options);
    if (ec || out.status != 200) {
      if (t.first_error.empty()) t.first_error = ec ? out.error_detail : std::to_string(out.status);
      ++t.errors;
    } else {
      ++t.ok;
      t.bytes += out.body_bytes;
    }
  }
}

asio::awaitable<void> run_phase(client::client& c, const std::vector<client::request>& requests,
                                std::uint64_t count, unsigned concurrency,
                                const client::fetch_options& options, totals& t, int& running,
                                std::uint64_t& next) {
  // `running` was set by the caller before this was spawned: main's loop runs until it is 0.
  next = 0;
  auto ex = co_await asio::this_coro::executor;
  for (unsigned i = 0; i < concurrency; ++i) {
    asio::co_spawn(
        ex,
        [&]() -> asio::awaitable<void> {
          co_await worker(c, requests, next, count, options, t);
          --running;
        },
        asio::detached);
  }
  co_return;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_http_fetch: corofetch's client fetching a list of URLs"};
  std::string url_file;
  std::uint64_t requests = 10000;
  unsigned concurrency = 1;
  bool decode = false;
  app.add_option("--urls", url_file, "File with one URL per line")->required();
  app.add_option("--requests", requests, "Fetches to time (after one warm-up pass)");
  app.add_option("--concurrency", concurrency, "Fetches in flight (1: sequential)");
  app.add_flag("--decode", decode, "Send Accept-Encoding and decode (off: like plain curl)");
  CLI11_PARSE(app, argc, argv);
  if (concurrency == 0) concurrency = 1;

  std::vector<client::request> list;
  {
    std::ifstream in(url_file);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto r = client::request::make(corofetch::http::method::get, line);
      if (!r) {
        std::fprintf(stderr, "bench_http_fetch: bad URL %s\n", line.c_str());
        return 1;
      }
      list.push_back(std::move(*r));
    }
  }
  if (list.empty()) {
    std::fprintf(stderr, "bench_http_fetch: no URL in %s\n", url_file.c_str());
    return 1;
  }

  asio::io_context io(1);
  client::client_options o;
  o.resolver.hosts_file = "";
  o.pool.max_per_host = concurrency;
  o.user_agent = "curl/7.88.1";  // the same request head size as the peer
  o.timeouts.total = std::chrono::seconds(30);
  client::client c(io.get_executor(), o);
  client::fetch_options fo = client::default_fetch_options(o);
  fo.decode_content = decode;

  // Warm-up: one pass over the list opens the connections and grows every buffer.
  totals warm;
  int running = 0;
  std::uint64_t next = 0;  // shared by the workers: outlives run_phase, which only spawns them
  // Set before the spawn: the first run_one() may run another handler (an idle connection's
  // wait) before run_phase starts, and the loop must not take that for the end.
  running = static_cast<int>(concurrency);
  asio::co_spawn(io,
                 run_phase(c, list, std::max<std::uint64_t>(list.size(), concurrency * 4),
                           concurrency, fo, warm, running, next),
                 asio::detached);
  // Idle pooled connections keep waits pending, so run() would not return: run until done.
  do io.run_one();
  while (running > 0);
  if (warm.errors != 0) {
    std::fprintf(stderr, "bench_http_fetch: warm-up failed: %s\n", warm.first_error.c_str());
    return 1;
  }

  totals t;
  const double cpu0 = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  counting = true;
  running = static_cast<int>(concurrency);
  asio::co_spawn(io, run_phase(c, list, requests, concurrency, fo, t, running, next),
                 asio::detached);
  do io.run_one();
  while (running > 0);
  counting = false;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu0;
  const auto stats = c.stats();
  std::printf(
      "requests=%llu ok=%llu errors=%llu seconds=%.4f rps=%.0f cpu_us_per_req=%.2f "
      "allocs_per_req=%.3f bytes=%llu connections=%llu\n",
      static_cast<unsigned long long>(requests), static_cast<unsigned long long>(t.ok),
      static_cast<unsigned long long>(t.errors), seconds, static_cast<double>(t.ok) / seconds,
      cpu * 1e6 / static_cast<double>(requests),
      static_cast<double>(allocations.load()) / static_cast<double>(requests),
      static_cast<unsigned long long>(t.bytes),
      static_cast<unsigned long long>(stats.connections_opened));
  if (t.errors != 0) std::fprintf(stderr, "bench_http_fetch: %s\n", t.first_error.c_str());
  return t.errors == 0 ? 0 : 1;
}
