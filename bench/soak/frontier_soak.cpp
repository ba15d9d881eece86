// Soak (issue 16): a 1,000,000-URL crawl frontier with its journal. Pushes every URL (and
// every URL again, which must all be refused as seen), takes and finishes them all, stopping
// the process's frontier halfway (as a restart does) and reopening it from the journal, then
// opens the finished journal once more. Checks the counts at every step (exit 1 on a
// mismatch) and prints memory and time per URL. Not a CI step.
//   frontier_soak [URLS] [HOSTS] [STATE_FILE]     defaults 1000000 10000 /tmp/frontier_soak.jnl
#include <corofetch/crawl/embedded_frontier.hpp>

#include "rss.hpp"

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <malloc.h>

namespace crawl = corofetch::crawl;
using steady = std::chrono::steady_clock;

using soak::rss_kib;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "frontier_soak: FAILED: %s\n", what.c_str());
  std::exit(1);
}

std::string url_of(std::size_t i, std::size_t hosts) {
  return fmt::format("http://h{}.soak.test/p/{}.html", i % hosts, i / hosts);
}

std::unique_ptr<crawl::embedded_frontier> open(const std::filesystem::path& state, std::size_t n,
                                               crawl::resume_info* resumed = nullptr) {
  crawl::embedded_frontier_options o;
  o.state_file = state;
  o.expected_urls = n;
  o.politeness.per_host = 1000;
  o.politeness.delay = std::chrono::milliseconds(0);
  std::string detail;
  auto f = crawl::embedded_frontier::open(o, &detail);
  if (!f) fail("open: " + f.error().message() + " " + detail);
  if (resumed != nullptr) *resumed = (*f)->resumed();
  return std::move(*f);
}

// Takes and finishes URLs until `stop_after` are finished or the frontier is exhausted.
std::size_t drain(crawl::embedded_frontier& f, std::size_t stop_after) {
  std::vector<crawl::frontier_lease> leases;
  std::size_t finished = 0;
  while (finished < stop_after) {
    const auto status = f.take(std::min<std::size_t>(1000, stop_after - finished), leases);
    if (leases.empty()) {
      if (status.exhausted) break;
      fail("nothing ready although nothing waits for time");
    }
    for (const auto& lease : leases) {
      if (auto ec = f.finish(lease, crawl::finish_kind::fetched, true)) fail(ec.message());
    }
    finished += leases.size();
  }
  return finished;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const std::size_t hosts = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10'000;
  const std::filesystem::path state = argc > 3 ? argv[3] : "/tmp/frontier_soak.jnl";
  if (n == 0 || hosts == 0) fail("URLS and HOSTS must be at least 1");
  std::filesystem::remove(state);
  const std::size_t base_kib = rss_kib();
  const auto t0 = steady::now();

  auto f = open(state, n);
  std::vector<crawl::frontier_entry> batch;
  std::size_t queued = 0;
  for (int round = 0; round < 2; ++round) {  // the second round must all be seen already
    for (std::size_t i = 0; i < n; i += 1000) {
      batch.clear();
      for (std::size_t k = i; k < std::min(n, i + 1000); ++k) {
        batch.push_back(
            {url_of(k, hosts), "http://seed.soak.test/", 1, 0, crawl::entry_kind::page});
      }
      auto pushed = f->push(batch);
      if (!pushed) fail(pushed.error().message());
      queued += *pushed;
    }
    if (queued != n) fail(fmt::format("round {}: {} queued, expected {}", round, queued, n));
  }
  const auto t_push = steady::now();
  const std::size_t queued_kib = rss_kib();

  const std::size_t half = drain(*f, n / 2);
  if (half != n / 2) fail(fmt::format("{} finished before the restart, expected {}", half, n / 2));
  f.reset();  // the process's frontier ends; the journal holds the crawl

  crawl::resume_info resumed;
  f = open(state, n, &resumed);
  if (resumed.pending != n - n / 2) {
    fail(fmt::format("{} pending after the restart, expected {}", resumed.pending, n - n / 2));
  }
  const std::size_t rest = drain(*f, n);
  if (rest != n - n / 2) fail(fmt::format("{} finished after the restart", rest));
  const auto stats = f->stats();
  if (stats.fetched != n || stats.queued != 0 || stats.leased != 0 || stats.seen != n) {
    fail(fmt::format("stats: fetched {} queued {} leased {} seen {}", stats.fetched, stats.queued,
                     stats.leased, stats.seen));
  }
  // The queues' memory is free now but glibc keeps it; give it back so that RSS shows what a
  // finished crawl holds (the seen-set, the hosts, the journal's buffer).
  malloc_trim(0);
  const std::size_t done_kib = rss_kib();
  const auto t_done = steady::now();
  f.reset();

  f = open(state, n, &resumed);
  if (resumed.pending != 0) fail(fmt::format("{} pending in a finished crawl", resumed.pending));
  const auto t_reopen = steady::now();

  const auto ms = [](steady::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  const double per_url = 1024.0 / static_cast<double>(n);
  fmt::print("urls {} hosts {}: nothing lost, nothing twice\n", n, hosts);
  fmt::print("push (twice) {:.0f} ms, {:.2f} us a URL\n", ms(t_push - t0),
             ms(t_push - t0) * 1000 / static_cast<double>(2 * n));
  fmt::print("take+finish with a restart halfway {:.0f} ms, {:.2f} us a URL\n", ms(t_done - t_push),
             ms(t_done - t_push) * 1000 / static_cast<double>(n));
  fmt::print("reopen of the finished journal ({} MiB) {:.0f} ms\n",
             std::filesystem::file_size(state) >> 20, ms(t_reopen - t_done));
  fmt::print(
      "RSS: {} KiB at start, {} KiB all queued ({:.0f} B a queued URL), {} KiB all "
      "finished ({:.0f} B a seen URL)\n",
      base_kib, queued_kib, static_cast<double>(queued_kib - base_kib) * per_url, done_kib,
      static_cast<double>(done_kib - base_kib) * per_url);
  std::filesystem::remove(state);
  return 0;
}
