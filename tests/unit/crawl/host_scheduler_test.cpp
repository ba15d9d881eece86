// The host scheduler with a fake clock: FIFO per host, the per-host limit, the spacing between
// starts (delay, Crawl-delay and its cap), Retry-After holding a host, backoff holding a URL,
// a start given back by a lease that sent nothing, hosts served soonest-ready first, and the
// end of the crawl.
#include <corofetch/crawl/host_scheduler.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using corofetch::crawl::frontier_entry;
using corofetch::crawl::frontier_lease;
using corofetch::crawl::host_key;
using corofetch::crawl::host_scheduler;
using corofetch::crawl::politeness_options;
using corofetch::crawl::retry_kind;
using corofetch::crawl::take_status;
using namespace std::chrono_literals;

namespace {

using time_point = host_scheduler::time_point;
const time_point t0 = time_point{} + 1h;

frontier_entry entry(const std::string& url) {
  frontier_entry e;
  e.url = url;
  return e;
}

politeness_options polite(std::size_t per_host, std::chrono::milliseconds delay,
                          std::chrono::milliseconds cap = 30s) {
  politeness_options o;
  o.per_host = per_host;
  o.delay = delay;
  o.max_crawl_delay = cap;
  return o;
}

// The URLs of what take() hands out at `now`.
std::vector<std::string> take_urls(host_scheduler& s, time_point now, std::size_t max,
                                   std::vector<frontier_lease>* leases = nullptr) {
  std::vector<frontier_lease> out;
  s.take(now, max, out);
  std::vector<std::string> urls;
  for (const auto& l : out) urls.push_back(l.entry.url);
  if (leases != nullptr) *leases = std::move(out);
  return urls;
}

}  // namespace

TEST_CASE("host_scheduler: a host's URLs in FIFO order, at most per_host at once", "[unit]") {
  host_scheduler s(polite(2, 0ms));
  for (int i = 0; i < 5; ++i) s.push(entry("http://a.test/" + std::to_string(i)));
  CHECK(s.queued() == 5);
  std::vector<frontier_lease> first;
  CHECK(take_urls(s, t0, 10, &first) ==
        std::vector<std::string>{"http://a.test/0", "http://a.test/1"});
  CHECK(s.leased() == 2);
  std::vector<frontier_lease> none;
  const take_status blocked = s.take(t0, 10, none);
  CHECK(none.empty());
  CHECK(blocked.next_in == host_scheduler::duration::max());  // only an end of a lease helps
  CHECK_FALSE(blocked.exhausted);
  s.finish(first[0], true);
  CHECK(take_urls(s, t0, 10) == std::vector<std::string>{"http://a.test/2"});
}

TEST_CASE("host_scheduler: starts to one host at least the delay apart", "[unit]") {
  host_scheduler s(polite(10, 500ms));
  for (int i = 0; i < 3; ++i) s.push(entry("http://a.test/" + std::to_string(i)));
  CHECK(take_urls(s, t0, 10).size() == 1);
  std::vector<frontier_lease> out;
  const take_status st = s.take(t0, 10, out);
  CHECK(out.empty());
  CHECK(st.next_in == std::chrono::duration_cast<host_scheduler::duration>(500ms));
  CHECK(take_urls(s, t0 + 499ms, 10).empty());
  CHECK(take_urls(s, t0 + 500ms, 10) == std::vector<std::string>{"http://a.test/1"});
  // Late takes do not bunch up: the next start is a delay after the last one.
  CHECK(take_urls(s, t0 + 2s, 10).size() == 1);
  CHECK(s.spacing("a.test") == std::chrono::duration_cast<host_scheduler::duration>(500ms));
}

TEST_CASE("host_scheduler: the host ready soonest goes first", "[unit]") {
  host_scheduler s(polite(1, 1s));
  for (const char* h : {"a", "b", "c"}) {
    for (int i = 0; i < 2; ++i) {
      s.push(entry(std::string("http://") + h + ".test/" + std::to_string(i)));
    }
  }
  // Three starts 100 ms apart, each on a host not started yet.
  std::vector<std::string> started;
  for (const time_point at : {t0, t0 + 100ms, t0 + 200ms}) {
    std::vector<frontier_lease> out;
    s.take(at, 1, out);
    REQUIRE(out.size() == 1);
    started.emplace_back(host_key(out.front().entry.url));
    s.finish(out.front(), true);
  }
  CHECK(started[0] != started[1]);
  CHECK(started[1] != started[2]);
  CHECK(started[0] != started[2]);
  // Long after, the hosts come again in the order they may start: a second after their start.
  for (const std::string& host : started) {
    CHECK(take_urls(s, t0 + 5s, 1) == std::vector<std::string>{"http://" + host + "/1"});
  }
}

TEST_CASE("host_scheduler: Crawl-delay counts when larger than the delay, up to its cap",
          "[unit]") {
  host_scheduler s(polite(4, 500ms, 30s));
  s.set_crawl_delay("a.test", 2s);
  s.set_crawl_delay("b.test", 120s);
  s.set_crawl_delay("c.test", 100ms);
  CHECK(s.spacing("a.test") == std::chrono::duration_cast<host_scheduler::duration>(2s));
  CHECK(s.spacing("b.test") == std::chrono::duration_cast<host_scheduler::duration>(30s));
  CHECK(s.spacing("c.test") == std::chrono::duration_cast<host_scheduler::duration>(500ms));
  for (int i = 0; i < 3; ++i) s.push(entry("http://a.test/" + std::to_string(i)));
  CHECK(take_urls(s, t0, 10).size() == 1);
  CHECK(take_urls(s, t0 + 1999ms, 10).empty());
  CHECK(take_urls(s, t0 + 2s, 10).size() == 1);
}

TEST_CASE("host_scheduler: a Crawl-delay learnt after a start spaces the next one", "[unit]") {
  host_scheduler s(polite(2, 100ms));
  s.push(entry("http://a.test/robots-first"));
  s.push(entry("http://a.test/next"));
  std::vector<frontier_lease> out;
  s.take(t0, 1, out);
  s.set_crawl_delay("a.test", 3s);
  CHECK(take_urls(s, t0 + 2s, 10).empty());
  CHECK(take_urls(s, t0 + 3s, 10) == std::vector<std::string>{"http://a.test/next"});
}

TEST_CASE("host_scheduler: Retry-After holds the whole host; the URL comes back first", "[unit]") {
  host_scheduler s(polite(2, 0ms));
  s.push(entry("http://a.test/busy"));
  s.push(entry("http://a.test/other"));
  std::vector<frontier_lease> out;
  s.take(t0, 1, out);
  s.retry(out.front(), retry_kind::host_busy, 5s, true, t0);
  CHECK(s.queued() == 2);
  std::vector<frontier_lease> none;
  const take_status st = s.take(t0 + 4900ms, 10, none);
  CHECK(none.empty());
  CHECK(st.next_in == std::chrono::duration_cast<host_scheduler::duration>(100ms));
  std::vector<frontier_lease> again;
  s.take(t0 + 5s, 1, again);
  REQUIRE(again.size() == 1);
  CHECK(again.front().entry.url == "http://a.test/busy");
  CHECK(again.front().entry.attempt == 1);
}

TEST_CASE("host_scheduler: backoff holds the URL alone", "[unit]") {
  host_scheduler s(polite(2, 0ms));
  s.push(entry("http://a.test/flaky"));
  s.push(entry("http://a.test/fine"));
  std::vector<frontier_lease> out;
  s.take(t0, 1, out);
  s.retry(out.front(), retry_kind::backoff, 1s, true, t0);
  CHECK(s.delayed() == 1);
  CHECK(s.active_hosts() == 1);
  std::vector<frontier_lease> fine;
  const take_status st = s.take(t0, 10, fine);
  REQUIRE(fine.size() == 1);
  CHECK(fine.front().entry.url == "http://a.test/fine");
  CHECK(st.next_in == std::chrono::duration_cast<host_scheduler::duration>(1s));
  CHECK_FALSE(st.exhausted);
  std::vector<frontier_lease> back;
  s.take(t0 + 1s, 10, back);
  REQUIRE(back.size() == 1);
  CHECK(back.front().entry.url == "http://a.test/flaky");
  CHECK(back.front().entry.attempt == 1);
  CHECK(s.delayed() == 0);
}

TEST_CASE("host_scheduler: a lease that sent nothing gives its start back", "[unit]") {
  host_scheduler s(polite(2, 1s));
  s.push(entry("http://a.test/0"));
  s.push(entry("http://a.test/1"));
  std::vector<frontier_lease> out;
  s.take(t0, 1, out);
  s.retry(out.front(), retry_kind::again, host_scheduler::duration::zero(), false,
          t0);  // e.g. waited for robots.txt
  CHECK(take_urls(s, t0, 1) == std::vector<std::string>{"http://a.test/0"});
  std::vector<frontier_lease> sent;
  s.take(t0 + 1s, 1, sent);
  REQUIRE(sent.size() == 1);
  s.retry(sent.front(), retry_kind::again, host_scheduler::duration::zero(), true,
          t0 + 1s);  // robots.txt was fetched
  CHECK(take_urls(s, t0 + 1999ms, 1).empty());
  CHECK(take_urls(s, t0 + 2s, 1) == std::vector<std::string>{"http://a.test/1"});
}

TEST_CASE("host_scheduler: a start is given back only when no later one was counted", "[unit]") {
  host_scheduler s(polite(3, 1s));
  for (int i = 0; i < 3; ++i) s.push(entry("http://a.test/" + std::to_string(i)));
  std::vector<frontier_lease> first;
  std::vector<frontier_lease> second;
  s.take(t0, 1, first);
  s.take(t0 + 1s, 1, second);
  s.finish(first.front(), false);  // an older start: the spacing runs from the later one
  CHECK(take_urls(s, t0 + 1500ms, 1).empty());
  CHECK(take_urls(s, t0 + 2s, 1).size() == 1);
}

TEST_CASE("host_scheduler: exhausted once nothing is queued, delayed or leased", "[unit]") {
  host_scheduler s(polite(1, 0ms));
  std::vector<frontier_lease> out;
  CHECK(s.take(t0, 1, out).exhausted);
  s.push(entry("http://a.test/"));
  CHECK(s.active_hosts() == 1);
  CHECK_FALSE(s.take(t0, 1, out).exhausted);
  REQUIRE(out.size() == 1);
  std::vector<frontier_lease> none;
  CHECK_FALSE(s.take(t0, 1, none).exhausted);  // leased
  s.finish(out.front(), true);
  CHECK(s.active_hosts() == 0);
  CHECK(s.take(t0, 1, none).exhausted);
}

TEST_CASE("host_scheduler: ten thousand hosts, each served once per spacing", "[unit]") {
  host_scheduler s(polite(1, 10s));
  constexpr int hosts = 10'000;
  for (int round = 0; round < 2; ++round) {
    for (int h = 0; h < hosts; ++h) {
      s.push(entry("http://h" + std::to_string(h) + ".test/" + std::to_string(round)));
    }
  }
  std::vector<frontier_lease> out;
  s.take(t0, 100'000, out);
  CHECK(out.size() == hosts);
  for (const auto& l : out) s.finish(l, true);
  std::vector<frontier_lease> none;
  const take_status st = s.take(t0 + 9s, 100'000, none);
  CHECK(none.empty());
  CHECK(st.next_in == std::chrono::duration_cast<host_scheduler::duration>(1s));
  s.take(t0 + 10s, 100'000, out);
  CHECK(out.size() == hosts);
  CHECK(s.hosts() == hosts);
}

TEST_CASE("host_scheduler: a request written late moves the host's next start", "[unit]") {
  host_scheduler s(polite(2, 100ms));
  for (int i = 0; i < 3; ++i) s.push(entry("http://a.test/" + std::to_string(i)));
  std::vector<frontier_lease> first;
  s.take(t0, 1, first);
  s.started(first.front(), t0 + 30ms);  // its request went out 30 ms after the take
  CHECK(take_urls(s, t0 + 100ms, 1).empty());
  std::vector<frontier_lease> second;
  s.take(t0 + 130ms, 1, second);
  REQUIRE(second.size() == 1);
  s.started(first.front(), t0 + 140ms);   // no longer the last start: ignored
  s.started(second.front(), t0 + 120ms);  // not after the last start: ignored
  s.finish(first.front(), true);
  CHECK(take_urls(s, t0 + 230ms, 1) == std::vector<std::string>{"http://a.test/2"});
}
