#include "harness.hpp"

#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <memory>
#include <optional>

using namespace corofetch::dns;
using namespace asio::experimental::awaitable_operators;
using corofetch::dns::testing::options_for;
using corofetch::dns::testing::run;
using corofetch::test::behaviour;
using corofetch::test::dns_test_server;
using std::chrono::milliseconds;

TEST_CASE("ten thousand lookups started at once all complete", "[integration]") {
  dns_test_server server;
  constexpr int n = 10000;
  for (int i = 0; i < n; ++i)
    server.add_a("h" + std::to_string(i) + ".example.test", "127.0.0.1", 300);
  auto o = options_for(server);
  o.timeout = milliseconds(2000);
  o.tries = 2;
  asio::io_context io;
  resolver r(io.get_executor(), o);
  int ok = 0;
  int failed = 0;
  std::error_code first_error;
  for (int i = 0; i < n; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          auto res =
              co_await r.async_query("h" + std::to_string(i) + ".example.test", record_type::a);
          if (res) {
            ++ok;
          } else {
            ++failed;
            if (!first_error) first_error = res.error();
          }
          if (ok + failed == n) io.stop();
        },
        asio::detached);
  }
  const auto start = std::chrono::steady_clock::now();
  io.run_for(std::chrono::seconds(60));
  INFO("first error: " << first_error.message());
  CHECK(ok == n);
  CHECK(failed == 0);
  CHECK(r.stats().queries_sent == n);
  CHECK(r.stats().in_flight == 0);
  CHECK(r.stats().channels_created >= 2);  // recycled every 4096 queries
  WARN("10000 lookups in "
       << std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start).count()
       << " ms");
}

TEST_CASE("bounded in flight: the rest wait in a FIFO queue", "[integration]") {
  dns_test_server server;
  for (int i = 0; i < 40; ++i) server.add_a("q" + std::to_string(i) + ".test", "127.0.0.1", 300);
  server.set_default_delay(milliseconds(20));
  auto o = options_for(server);
  o.max_in_flight = 4;
  o.queries_per_channel = 7;  // recycled channels finish what they have in flight
  asio::io_context io;
  resolver r(io.get_executor(), o);
  int ok = 0;
  std::size_t peak_in_flight = 0;
  std::size_t peak_queued = 0;
  for (int i = 0; i < 40; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          auto res = co_await r.async_query("q" + std::to_string(i) + ".test", record_type::a);
          if (res) ++ok;
          if (ok == 40) io.stop();
        },
        asio::detached);
  }
  asio::steady_timer probe(io);
  std::function<void()> sample = [&] {
    peak_in_flight = std::max(peak_in_flight, r.stats().in_flight);
    peak_queued = std::max(peak_queued, r.stats().queued);
    probe.expires_after(milliseconds(2));
    probe.async_wait([&](std::error_code ec) {
      if (!ec) sample();
    });
  };
  sample();
  io.run_for(std::chrono::seconds(20));
  CHECK(ok == 40);
  CHECK(peak_in_flight == 4);
  CHECK(peak_queued >= 30);
  CHECK(r.stats().channels_created >= 6);
}

TEST_CASE("cancelling the awaiting coroutine cancels its lookup", "[integration]") {
  dns_test_server server;
  server.add_a("slow.example.test", "127.0.0.1", 60)
      .set_delay("slow.example.test", milliseconds(1500));
  auto o = options_for(server);
  o.timeout = milliseconds(3000);
  asio::io_context io;
  resolver r(io.get_executor(), o);
  run(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer deadline(io, milliseconds(100));
    const auto start = std::chrono::steady_clock::now();
    auto winner = co_await (r.async_query("slow.example.test", record_type::a) ||
                            deadline.async_wait(asio::use_awaitable));
    CHECK(winner.index() == 1);
    CHECK(std::chrono::steady_clock::now() - start < milliseconds(1000));

    // Same through async_resolve (two queries at once under the hood).
    asio::steady_timer deadline2(io, milliseconds(100));
    auto winner2 = co_await (r.async_resolve("slow.example.test", 80) ||
                             deadline2.async_wait(asio::use_awaitable));
    CHECK(winner2.index() == 1);

    // A waiter that stays is not disturbed by another one leaving.
    auto stays = co_await r.async_query("slow.example.test", record_type::a);
    REQUIRE(stays);
  });
  CHECK(server.query_count("slow.example.test", corofetch::test::rr_type::a) == 1);
}

TEST_CASE("a lookup cancelled before it is sent is never sent", "[integration]") {
  dns_test_server server;
  server.add_a("busy.test", "127.0.0.1").add_a("queued.test", "127.0.0.1");
  server.set_delay("busy.test", milliseconds(300));
  auto o = options_for(server);
  o.timeout = milliseconds(2000);
  o.max_in_flight = 1;
  asio::io_context io;
  resolver r(io.get_executor(), o);
  run(io, [&]() -> asio::awaitable<void> {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          (void)co_await r.async_query("busy.test", record_type::a);
        },
        asio::detached);
    asio::steady_timer deadline(io, milliseconds(50));
    auto winner = co_await (r.async_query("queued.test", record_type::a) ||
                            deadline.async_wait(asio::use_awaitable));
    CHECK(winner.index() == 1);
    CHECK(r.stats().queued == 1);
    asio::steady_timer wait(io, milliseconds(500));
    co_await wait.async_wait(asio::use_awaitable);
    CHECK(r.stats().queued == 0);
  });
  CHECK(server.query_count("busy.test") == 1);
  CHECK(server.query_count("queued.test") == 0);
}

TEST_CASE("destroying the resolver completes its lookups with operation_aborted", "[integration]") {
  dns_test_server server;
  server.set_behaviour("silent.example.test", corofetch::test::behaviour::silence);
  auto o = options_for(server);
  o.timeout = milliseconds(5000);
  asio::io_context io;
  auto r = std::make_unique<resolver>(io.get_executor(), o);
  std::optional<std::error_code> query_error;
  std::optional<std::error_code> resolve_error;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto res = co_await r->async_query("silent.example.test", record_type::a);
        query_error = res.error();
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto res = co_await r->async_resolve("silent.example.test", 80);
        resolve_error = res.error();
      },
      asio::detached);
  asio::steady_timer later(io, milliseconds(100));
  later.async_wait([&](std::error_code) { r.reset(); });
  const auto start = std::chrono::steady_clock::now();
  io.run_for(std::chrono::seconds(10));
  REQUIRE(query_error);
  REQUIRE(resolve_error);
  CHECK(*query_error == asio::error::operation_aborted);
  CHECK(*resolve_error == asio::error::operation_aborted);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}
