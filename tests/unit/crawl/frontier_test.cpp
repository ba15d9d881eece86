// The frontier's shared pieces and the embedded frontier in memory: the host a URL is
// scheduled under, the seen-set deciding what is queued, skipped URLs recorded once, the clock
// it is given, and its counters.
#include <corofetch/crawl/embedded_frontier.hpp>
#include <corofetch/url/url.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace crawl = corofetch::crawl;
using crawl::frontier_entry;
using namespace std::chrono_literals;

namespace {

frontier_entry entry(const std::string& url) {
  frontier_entry e;
  e.url = url;
  return e;
}

}  // namespace

TEST_CASE("host_key: host and non-default port, without scheme or userinfo", "[unit]") {
  CHECK(crawl::host_key("http://example.com/a/b?c#d") == "example.com");
  CHECK(crawl::host_key("https://example.com:8443/") == "example.com:8443");
  CHECK(crawl::host_key("http://user:pw@example.com:81/x") == "example.com:81");
  CHECK(crawl::host_key("http://[::1]:8080/") == "[::1]:8080");
  CHECK(crawl::host_key("http://h.test?q") == "h.test");
  CHECK(crawl::host_key("mailto:x@y").empty());
}

TEST_CASE("embedded_frontier: the seen-set decides what is queued", "[unit]") {
  auto time = std::chrono::steady_clock::time_point{} + 1h;
  crawl::embedded_frontier_options o;
  o.politeness.per_host = 1;
  o.politeness.delay = 1s;
  o.clock = [&] { return time; };
  auto made = crawl::embedded_frontier::open(o);
  REQUIRE(made);
  crawl::embedded_frontier& f = **made;

  std::vector<frontier_entry> batch{entry("http://a.test/"), entry("http://b.test/"),
                                    entry("http://a.test/"), entry("http://a.test/2")};
  auto pushed = f.push(batch);
  REQUIRE(pushed);
  CHECK(*pushed == 3);
  CHECK(f.stats().queued == 3);
  CHECK(f.stats().hosts == 2);
  CHECK(f.seen().contains(corofetch::url::fingerprint("http://a.test/2")));

  std::vector<frontier_entry> skipped{entry("http://out.test/"), entry("http://a.test/"),
                                      entry("http://out.test/")};
  CHECK_FALSE(f.record_skipped(skipped));
  REQUIRE(skipped.size() == 1);  // a.test/ is queued already, out.test/ came twice
  CHECK(skipped[0].url == "http://out.test/");
  CHECK(f.stats().skipped == 1);

  std::vector<crawl::frontier_lease> leases;
  const crawl::take_status first = f.take(10, leases);
  CHECK(leases.size() == 2);  // one per host
  CHECK_FALSE(first.exhausted);
  for (const auto& l : leases) REQUIRE_FALSE(f.finish(l, crawl::finish_kind::fetched, true));
  std::vector<crawl::frontier_lease> none;
  CHECK(f.take(10, none).next_in == std::chrono::duration_cast<crawl::frontier::duration>(1s));
  time += 1s;
  CHECK(f.take(10, leases).exhausted == false);
  REQUIRE(leases.size() == 1);
  CHECK(leases[0].entry.url == "http://a.test/2");
  REQUIRE_FALSE(f.finish(leases[0], crawl::finish_kind::failed, true));
  const crawl::frontier_stats s = f.stats();
  CHECK(s.fetched == 2);
  CHECK(s.failed == 1);
  CHECK(s.leased == 0);
  CHECK(s.seen == 4);
  CHECK(f.take(10, none).exhausted);
}
