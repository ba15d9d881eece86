// The iterative resolver's cache on its own (delegation_cache: NS sets, name server addresses,
// negative answers, each for its TTL) and how names are matched against zones.
#include <corofetch/dns/delegation_cache.hpp>
#include <corofetch/dns/root_hints.hpp>

#include <catch2/catch.hpp>

using namespace corofetch::dns;
using namespace std::chrono_literals;

namespace {

const auto t0 = std::chrono::steady_clock::time_point{} + 1000h;

asio::ip::address v4(const char* text) {
  return asio::ip::make_address(text);
}

}  // namespace

TEST_CASE("delegation cache: the closest enclosing delegation, each for its TTL",
          "[integration][dns][iterative]") {
  delegation_cache cache;
  cache.store_delegation("", {"a.root.test"}, 3600, t0);
  cache.store_delegation("Test.", {"ns1.nic.test"}, 600, t0);
  cache.store_delegation("example.test", {"ns1.example.test", "ns2.other.net"}, 60, t0);
  cache.store_address("ns1.example.test", v4("127.0.0.10"), 30, t0);
  cache.store_address("NS1.example.test.", v4("127.0.0.10"), 120, t0);  // the later expiry wins

  auto d = cache.closest_enclosing("WWW.Example.Test.", t0 + 10s);
  REQUIRE(d);
  CHECK(d->zone == "example.test");
  REQUIRE(d->servers.size() == 2);
  CHECK(d->servers[0].name == "ns1.example.test");
  CHECK(d->servers[0].addresses == std::vector<asio::ip::address>{v4("127.0.0.10")});
  CHECK(d->servers[1].addresses.empty());  // no glue: to be looked up

  d = cache.closest_enclosing("www.example.test", t0 + 61s);  // example.test's NS set expired
  REQUIRE(d);
  CHECK(d->zone == "test");
  d = cache.closest_enclosing("www.other.net", t0 + 61s);
  REQUIRE(d);
  CHECK(d->zone.empty());
  CHECK_FALSE(cache.closest_enclosing("www.other.net", t0 + 3601s));
  CHECK(cache.addresses("ns1.example.test", t0 + 100s).size() == 1);
  CHECK(cache.addresses("ns1.example.test", t0 + 121s).empty());
}

TEST_CASE("delegation cache: TTLs are capped, and 0 or a disabled cache keeps nothing",
          "[integration][dns][iterative]") {
  cache_options options;
  options.max_ttl = 100s;
  delegation_cache cache(options);
  cache.store_delegation("test", {"ns1.nic.test"}, 172800, t0);
  CHECK(cache.closest_enclosing("a.test", t0 + 99s));
  CHECK_FALSE(cache.closest_enclosing("a.test", t0 + 100s));
  cache.store_delegation("zero.test", {"ns"}, 0, t0);
  CHECK(cache.delegation_count() == 1);

  options.max_entries = 0;
  delegation_cache disabled(options);
  disabled.store_delegation("test", {"ns1.nic.test"}, 600, t0);
  disabled.store_address("ns1.nic.test", v4("127.0.0.3"), 600, t0);
  CHECK(disabled.delegation_count() == 0);
  CHECK(disabled.host_count() == 0);
}

TEST_CASE("delegation cache: NXDOMAIN holds for every type, NODATA for one (RFC 2308 5)",
          "[integration][dns][iterative]") {
  delegation_cache cache;
  cache.store_negative("nope.example.test", record_type::a, errc::nxdomain, 20, t0);
  cache.store_negative("www.example.test", record_type::mx, errc::nodata, 60, t0);
  cache.store_negative("fail.example.test", record_type::a, errc::servfail, 60, t0);

  const auto nx = cache.find_negative("NOPE.example.test.", record_type::txt, t0 + 5s);
  REQUIRE(nx);
  CHECK(nx->error == errc::nxdomain);
  CHECK(nx->ttl_left == 15);
  CHECK_FALSE(cache.find_negative("nope.example.test", record_type::a, t0 + 20s));
  CHECK(cache.find_negative("www.example.test", record_type::mx, t0 + 59s));
  CHECK_FALSE(cache.find_negative("www.example.test", record_type::a, t0));
  CHECK_FALSE(cache.find_negative("fail.example.test", record_type::a, t0));
}

TEST_CASE("delegation cache: bounded, expired entries leave first",
          "[integration][dns][iterative]") {
  cache_options options;
  options.max_entries = 2;
  delegation_cache cache(options);
  cache.store_delegation("a.test", {"ns"}, 10, t0);
  cache.store_delegation("b.test", {"ns"}, 100, t0);
  cache.store_delegation("c.test", {"ns"}, 100, t0 + 20s);  // a.test has expired: it goes
  CHECK(cache.delegation_count() == 2);
  CHECK(cache.closest_enclosing("x.b.test", t0 + 21s)->zone == "b.test");
  cache.store_delegation("d.test", {"ns"}, 1000, t0 + 21s);  // full: the soonest to expire goes
  CHECK(cache.delegation_count() == 2);
  CHECK_FALSE(cache.closest_enclosing("x.b.test", t0 + 21s));
  CHECK(cache.closest_enclosing("x.c.test", t0 + 21s));
}

TEST_CASE("names and zones: whole labels, case-insensitive, escapes respected",
          "[integration][dns][iterative]") {
  CHECK(canonical_name("WWW.Example.TEST.") == "www.example.test");
  CHECK(canonical_name(".").empty());
  CHECK(canonical_name("a\\.") == "a\\.");  // an escaped dot stays
  CHECK(is_at_or_below("www.example.test", "example.test"));
  CHECK(is_at_or_below("example.test", "example.test"));
  CHECK(is_at_or_below("anything", ""));
  CHECK_FALSE(is_at_or_below("badexample.test", "example.test"));
  CHECK_FALSE(is_at_or_below("test", "example.test"));
  CHECK_FALSE(is_at_or_below("www\\.example.test", "example.test"));
  CHECK(is_at_or_below("www\\\\.example.test", "example.test"));  // "\\" then a real dot
}

TEST_CASE("root servers given as ADDR[:PORT]", "[integration][dns][iterative]") {
  CHECK(parse_server_address("127.0.0.2", 53).value() ==
        asio::ip::udp::endpoint(v4("127.0.0.2"), 53));
  CHECK(parse_server_address("127.0.0.2:5353", 53).value().port() == 5353);
  CHECK(parse_server_address("[::1]:5353", 53).value().address().to_string() == "::1");
  CHECK(parse_server_address("::1", 53).value().port() == 53);
  for (const char* bad : {"", "127.0.0.2:", "127.0.0.2:0", "127.0.0.2:99999", "[::1", "[::1]x",
                          "a.root-servers.net", "127.0.0.2:53x"}) {
    INFO(bad);
    CHECK(parse_server_address(bad, 53).error() == errc::bad_options);
  }
}
