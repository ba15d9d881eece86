#include <corofetch/dns/cache.hpp>
#include <corofetch/dns/error.hpp>

#include <catch2/catch.hpp>

#include <memory>

using namespace corofetch::dns;
using std::chrono::seconds;

namespace {

std::shared_ptr<const answer> positive(std::uint32_t ttl, std::uint32_t min_ttl) {
  auto a = std::make_shared<answer>();
  a->records.push_back(record{"www.example.test", record_type::a, ttl,
                              a_data{asio::ip::make_address_v4("127.0.0.1")}});
  a->min_ttl = min_ttl;
  return a;
}

std::shared_ptr<const answer> failure(errc e, std::optional<std::uint32_t> negative = {}) {
  auto a = std::make_shared<answer>();
  a->error = e;
  a->negative_ttl = negative;
  return a;
}

const cache::clock::time_point t0{seconds(1000)};

}  // namespace

TEST_CASE("lifetime follows the TTL rules", "[unit]") {
  cache_options o;
  o.max_ttl = seconds(3600);
  o.max_negative_ttl = seconds(900);
  o.failure_ttl = seconds(0);
  const cache c(o);
  CHECK(c.lifetime(*positive(300, 300)) == seconds(300));
  CHECK(c.lifetime(*positive(300, 30)) == seconds(30));  // CNAME link with TTL 30
  CHECK(c.lifetime(*positive(86400, 86400)) == seconds(3600));
  CHECK_FALSE(c.lifetime(*positive(0, 0)));
  CHECK(c.lifetime(*failure(errc::nxdomain, 60)) == seconds(60));
  CHECK(c.lifetime(*failure(errc::nodata, 7200)) == seconds(900));
  CHECK_FALSE(c.lifetime(*failure(errc::nxdomain)));  // no SOA, no negative caching
  CHECK_FALSE(c.lifetime(*failure(errc::timeout)));
  CHECK_FALSE(c.lifetime(*failure(errc::servfail)));
  CHECK_FALSE(c.lifetime(*failure(errc::bad_name)));

  cache_options brief = o;
  brief.failure_ttl = seconds(2);
  const cache d(brief);
  CHECK(d.lifetime(*failure(errc::timeout)) == seconds(2));
  CHECK(d.lifetime(*failure(errc::refused)) == seconds(2));
  CHECK(d.lifetime(*failure(errc::servfail)) == seconds(2));
  CHECK_FALSE(d.lifetime(*failure(errc::cancelled)));
}

TEST_CASE("an entry lives for its TTL and reports its age", "[unit]") {
  cache c;
  REQUIRE(c.store("WWW.example.test.", record_type::a, positive(300, 300), t0));
  CHECK_FALSE(c.find("www.example.test", record_type::aaaa, t0));
  auto hit = c.find("www.example.TEST", record_type::a, t0 + seconds(299));
  REQUIRE(hit);
  CHECK(hit->age == seconds(299));
  CHECK(hit->entry->records.at(0).ttl == 300);
  CHECK_FALSE(c.find("www.example.test", record_type::a, t0 + seconds(300)));
  CHECK(c.counters().hits == 1);
  CHECK(c.counters().misses == 2);
  CHECK(c.counters().entries == 0);  // the expired entry was dropped
}

TEST_CASE("negative answers and failures are cached as configured", "[unit]") {
  cache_options o;
  o.failure_ttl = seconds(3);
  cache c(o);
  CHECK(c.store("nx.example.test", record_type::a, failure(errc::nxdomain, 45), t0));
  CHECK_FALSE(c.store("nosoa.example.test", record_type::a, failure(errc::nxdomain), t0));
  CHECK(c.store("slow.example.test", record_type::a, failure(errc::timeout), t0));
  CHECK_FALSE(c.store("zero.example.test", record_type::a, positive(0, 0), t0));

  auto nx = c.find("nx.example.test", record_type::a, t0 + seconds(44));
  REQUIRE(nx);
  CHECK(nx->entry->error == errc::nxdomain);
  CHECK_FALSE(c.find("nx.example.test", record_type::a, t0 + seconds(45)));
  CHECK(c.find("slow.example.test", record_type::a, t0 + seconds(2)));
  CHECK_FALSE(c.find("slow.example.test", record_type::a, t0 + seconds(3)));
  CHECK(c.counters().negative_hits == 2);
  CHECK(c.counters().hits == 0);
}

TEST_CASE("the least recently used entry is evicted when full", "[unit]") {
  cache_options o;
  o.max_entries = 2;
  cache c(o);
  c.store("a.test", record_type::a, positive(60, 60), t0);
  c.store("b.test", record_type::a, positive(60, 60), t0);
  REQUIRE(c.find("a.test", record_type::a, t0));  // a is now most recent
  c.store("c.test", record_type::a, positive(60, 60), t0);
  CHECK(c.counters().evictions == 1);
  CHECK(c.counters().entries == 2);
  CHECK(c.find("a.test", record_type::a, t0));
  CHECK_FALSE(c.find("b.test", record_type::a, t0));
  CHECK(c.find("c.test", record_type::a, t0));

  // Replacing a key does not evict.
  c.store("c.test", record_type::a, positive(120, 120), t0);
  CHECK(c.counters().evictions == 1);
  auto hit = c.find("c.test", record_type::a, t0 + seconds(100));
  REQUIRE(hit);
  CHECK(hit->entry->records.at(0).ttl == 120);
}

TEST_CASE("a cache of size 0 keeps nothing", "[unit]") {
  cache_options o;
  o.max_entries = 0;
  cache c(o);
  CHECK_FALSE(c.store("a.test", record_type::a, positive(60, 60), t0));
  CHECK_FALSE(c.find("a.test", record_type::a, t0));
  c.clear();
  CHECK(c.counters().entries == 0);
}
