#include <corofetch/load/schedule.hpp>

#include <catch2/catch.hpp>

using load_clock = corofetch::load::clock;
using corofetch::load::connection_schedule;
using corofetch::load::schedule;
using corofetch::load::share_of;
using namespace std::chrono_literals;

TEST_CASE("schedule: intended times at a given rate", "[unit]") {
  const load_clock::time_point t0{};
  // 1,000 requests a second over 10 connections: each sends one every 10 ms.
  const auto s = connection_schedule(t0, 1000.0, 0, 10);
  CHECK(s.interval() == 10ms);
  CHECK(s.intended(0) == t0);
  CHECK(s.intended(1) == t0 + 10ms);
  CHECK(s.intended(100) == t0 + 1s);
  // Connection 3 of 10 starts 3/10 of its interval later: together they send every 1 ms.
  const auto s3 = connection_schedule(t0, 1000.0, 3, 10);
  CHECK(s3.origin() == t0 + 3ms);
  CHECK(s3.intended(2) == t0 + 23ms);
  // An odd rate keeps its precision over a long run: 7 a second, one connection.
  const auto odd = connection_schedule(t0, 7.0, 0, 1);
  const auto after_7000 = odd.intended(7000) - t0;
  CHECK(std::chrono::abs(after_7000 - 1000s) < 1ms);
}

TEST_CASE("schedule: due counts and catch-up after a stall", "[unit]") {
  const load_clock::time_point t0{};
  schedule s(t0, 10ms);
  CHECK(s.due(t0 - 1ms) == 0);
  CHECK(s.due(t0) == 1);
  CHECK(s.take() == t0);
  CHECK(s.due(t0 + 9ms) == 0);
  CHECK(s.next() == t0 + 10ms);
  // The connection stalls for a second: 100 requests are due at once, each keeping its own
  // intended time, so their latency counts from when they should have gone.
  const auto late = t0 + 1s + 5ms;
  CHECK(s.due(late) == 100);
  for (int i = 1; i <= 100; ++i) CHECK(s.take() == t0 + 10ms * i);
  CHECK(s.due(late) == 0);
  CHECK(s.taken() == 101);
  CHECK(s.next() == t0 + 1010ms);
}

TEST_CASE("share_of spreads connections and counts without dropping any", "[unit]") {
  std::uint64_t sum = 0;
  for (std::uint64_t i = 0; i < 3; ++i) sum += share_of(10, 3, i);
  CHECK(sum == 10);
  CHECK(share_of(10, 3, 0) == 4);
  CHECK(share_of(10, 3, 1) == 3);
  CHECK(share_of(10, 3, 2) == 3);
  CHECK(share_of(2, 4, 3) == 0);
}
