#include "harness.hpp"

#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

using namespace corofetch::dns;
using corofetch::dns::testing::options_for;
using corofetch::dns::testing::run;
using corofetch::test::behaviour;
using corofetch::test::dns_test_server;
using corofetch::test::negative_soa;
using corofetch::test::rr_type;
using std::chrono::seconds;

namespace {

// A clock the test moves by hand, so "after the TTL" needs no sleeping.
struct manual_clock {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  auto function() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("a positive answer is cached for its TTL, counted by the server", "[integration]") {
  dns_test_server server;
  server.add_a("www.example.test", "127.0.0.1", 60);
  manual_clock clock;
  auto o = options_for(server);
  o.clock = clock.function();
  asio::io_context io;
  resolver r(io.get_executor(), o);
  run(io, [&]() -> asio::awaitable<void> {
    {
      auto res_ = co_await r.async_query("www.example.test", record_type::a);
      REQUIRE(res_);
    }
    CHECK(server.query_count("www.example.test", rr_type::a) == 1);

    clock.now += seconds(59);
    auto again = co_await r.async_query("WWW.example.test.", record_type::a);
    REQUIRE(again);
    CHECK(again.value().at(0).ttl == 1);  // what remains of the TTL
    CHECK(server.query_count("www.example.test", rr_type::a) == 1);

    clock.now += seconds(1);
    {
      auto res_ = co_await r.async_query("www.example.test", record_type::a);
      REQUIRE(res_);
    }
    CHECK(server.query_count("www.example.test", rr_type::a) == 2);
  });
  const auto s = r.stats();
  CHECK(s.cache.hits == 1);
  CHECK(s.cache.misses == 2);
  CHECK(s.queries_sent == 2);
}

TEST_CASE("TTL 0 is not cached", "[integration]") {
  dns_test_server server;
  server.add_a("zero.example.test", "127.0.0.1", 0);
  asio::io_context io;
  resolver r(io.get_executor(), options_for(server));
  run(io, [&]() -> asio::awaitable<void> {
    {
      auto res_ = co_await r.async_query("zero.example.test", record_type::a);
      REQUIRE(res_);
    }
    {
      auto res_ = co_await r.async_query("zero.example.test", record_type::a);
      REQUIRE(res_);
    }
  });
  CHECK(server.query_count("zero.example.test") == 2);
}

TEST_CASE("NXDOMAIN and NODATA are cached for min(SOA TTL, MINIMUM)", "[integration]") {
  dns_test_server server;
  server.set_nxdomain("nx.example.test", negative_soa{30, 10})
      .add_a("v4.example.test", "127.0.0.1", 300)
      .set_nodata("v4.example.test", rr_type::mx, negative_soa{5, 100})
      .set_behaviour("nosoa.example.test", behaviour::nxdomain_no_soa);
  manual_clock clock;
  auto o = options_for(server);
  o.clock = clock.function();
  asio::io_context io;
  resolver r(io.get_executor(), o);
  run(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      {
        auto res_ = co_await r.async_query("nx.example.test", record_type::a);
        CHECK(res_.error() == errc::nxdomain);
      }
      {
        auto res_ = co_await r.async_query("v4.example.test", record_type::mx);
        CHECK(res_.error() == errc::nodata);
      }
      {
        auto res_ = co_await r.async_query("nosoa.example.test", record_type::a);
        CHECK(res_.error() == errc::nxdomain);
      }
    }
    CHECK(server.query_count("nx.example.test") == 1);
    CHECK(server.query_count("v4.example.test", rr_type::mx) == 1);
    CHECK(server.query_count("nosoa.example.test") == 3);  // RFC 2308 5: no SOA, no caching

    clock.now += seconds(5);  // NODATA's negative TTL is min(5, 100)
    {
      auto res_ = co_await r.async_query("v4.example.test", record_type::mx);
      CHECK(res_.error() == errc::nodata);
    }
    CHECK(server.query_count("v4.example.test", rr_type::mx) == 2);
    clock.now += seconds(4);  // 9 s: NXDOMAIN's min(30, 10) still holds
    {
      auto res_ = co_await r.async_query("nx.example.test", record_type::a);
      CHECK(res_.error() == errc::nxdomain);
    }
    CHECK(server.query_count("nx.example.test") == 1);
    clock.now += seconds(1);
    {
      auto res_ = co_await r.async_query("nx.example.test", record_type::a);
      CHECK(res_.error() == errc::nxdomain);
    }
    CHECK(server.query_count("nx.example.test") == 2);
  });
  CHECK(r.stats().cache.negative_hits == 5);
}

TEST_CASE("transient failures are not cached unless failure_ttl says so", "[integration]") {
  dns_test_server server;
  server.set_behaviour("silent.example.test", behaviour::silence)
      .set_behaviour("fail.example.test", behaviour::servfail);
  manual_clock clock;
  auto o = options_for(server);
  o.timeout = std::chrono::milliseconds(150);
  o.clock = clock.function();
  SECTION("default: never") {
    asio::io_context io;
    resolver r(io.get_executor(), o);
    run(io, [&]() -> asio::awaitable<void> {
      {
        auto res_ = co_await r.async_query("silent.example.test", record_type::a);
        CHECK(res_.error() == errc::timeout);
      }
      {
        auto res_ = co_await r.async_query("silent.example.test", record_type::a);
        CHECK(res_.error() == errc::timeout);
      }
      {
        auto res_ = co_await r.async_query("fail.example.test", record_type::a);
        CHECK(res_.error() == errc::servfail);
      }
      {
        auto res_ = co_await r.async_query("fail.example.test", record_type::a);
        CHECK(res_.error() == errc::servfail);
      }
    });
    CHECK(server.query_count("silent.example.test") == 2);
    CHECK(server.query_count("fail.example.test") == 2);
  }
  SECTION("failure_ttl = 2 s") {
    o.cache.failure_ttl = seconds(2);
    asio::io_context io;
    resolver r(io.get_executor(), o);
    run(io, [&]() -> asio::awaitable<void> {
      {
        auto res_ = co_await r.async_query("fail.example.test", record_type::a);
        CHECK(res_.error() == errc::servfail);
      }
      {
        auto res_ = co_await r.async_query("fail.example.test", record_type::a);
        CHECK(res_.error() == errc::servfail);
      }
      CHECK(server.query_count("fail.example.test") == 1);
      clock.now += seconds(2);
      {
        auto res_ = co_await r.async_query("fail.example.test", record_type::a);
        CHECK(res_.error() == errc::servfail);
      }
      CHECK(server.query_count("fail.example.test") == 2);
    });
  }
}

TEST_CASE("concurrent identical lookups share one query (single flight)", "[integration]") {
  dns_test_server server;
  server.add_a("popular.example.test", "127.0.0.1", 60)
      .set_delay("popular.example.test", std::chrono::milliseconds(100));
  asio::io_context io;
  resolver r(io.get_executor(), options_for(server));
  constexpr int n = 200;
  int answered = 0;
  for (int i = 0; i < n; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto res = co_await r.async_query("popular.example.test", record_type::a);
          if (res && res.value().size() == 1) ++answered;
          if (answered == n) io.stop();
        },
        asio::detached);
  }
  CHECK(r.stats().cache.misses == 0);  // nothing ran yet
  io.run_for(std::chrono::seconds(10));
  CHECK(answered == n);
  CHECK(server.query_count("popular.example.test") == 1);
  CHECK(r.stats().queries_sent == 1);
  CHECK(r.stats().cache.misses == n);
}

TEST_CASE("the cache is bounded: least recently used entries go first", "[integration]") {
  dns_test_server server;
  for (int i = 0; i < 5; ++i)
    server.add_a("n" + std::to_string(i) + ".example.test", "127.0.0.1", 300);
  auto o = options_for(server);
  o.cache.max_entries = 3;
  asio::io_context io;
  resolver r(io.get_executor(), o);
  run(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 5; ++i) {
      auto res_ = co_await r.async_query("n" + std::to_string(i) + ".example.test", record_type::a);
      REQUIRE(res_);
    }
    {
      auto res_ = co_await r.async_query("n4.example.test", record_type::a);
      REQUIRE(res_);
    }  // cached
    {
      auto res_ = co_await r.async_query("n0.example.test", record_type::a);
      REQUIRE(res_);
    }  // evicted: asks again
  });
  CHECK(server.query_count("n4.example.test") == 1);
  CHECK(server.query_count("n0.example.test") == 2);
  CHECK(r.stats().cache.evictions == 3);
}
