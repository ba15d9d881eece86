// The iterative resolver where the hierarchy misbehaves: loops, lame zones, refusing, failing,
// truncating and silent servers, its own bounds (queries, depth, time) and cancellation.
#include "harness.hpp"
#include "iterative_hierarchy.hpp"

#include <corofetch/dns/iterative_resolver.hpp>

#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

using namespace corofetch::dns;
using corofetch::dns::testing::hierarchy;
using corofetch::test::behaviour;
using corofetch::test::rr_type;
using namespace std::chrono_literals;

namespace {

resolution resolve(asio::io_context& io, iterative_resolver& r, std::string name,
                   record_type type = record_type::a) {
  resolution out;
  testing::run(io, [&]() -> asio::awaitable<void> { out = co_await r.async_resolve(name, type); });
  return out;
}

}  // namespace

TEST_CASE("iterative: a CNAME loop ends with resolution_loop", "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());
  const auto r = resolve(io, resolver, "loop1.example.test");
  CHECK(r.error == errc::resolution_loop);
  REQUIRE_FALSE(r.records.empty());
  CHECK(r.records.front().type == record_type::cname);
  CHECK(h.example->query_count() <= 2);
}

TEST_CASE("iterative: a zone whose only server is lame ends with lame_delegation",
          "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());
  const auto r = resolve(io, resolver, "www.lame.test");
  CHECK(r.error == errc::lame_delegation);
  REQUIRE_FALSE(r.steps.empty());
  CHECK(r.steps.back().outcome == step_outcome::lame);
  CHECK(r.steps.back().server.address().to_string() == "127.0.0.11");
}

TEST_CASE("iterative: a delegation cycle without glue ends with lame_delegation",
          "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());
  const auto r = resolve(io, resolver, "www.cycle-a.test");
  CHECK(r.error == errc::lame_delegation);
  // ns.cycle-b.test is looked up (depth 1): test.'s server refers to cycle-b.test, served by
  // ns.cycle-a.test, whose zone's server is ns.cycle-b.test, being looked up already: no
  // query for it, and none deeper.
  std::size_t deepest = 0;
  for (const auto& s : r.steps) deepest = std::max(deepest, s.depth);
  CHECK(deepest == 1);
  CHECK(r.steps.size() == 4);  // priming, root, test. (depth 0), test. (depth 1)
  CHECK(h.tld_test->query_count("ns.cycle-b.test") == 1);
  CHECK(h.tld_test->query_count("ns.cycle-a.test") == 0);
}

TEST_CASE("iterative: REFUSED and SERVFAIL send the resolver to the next server",
          "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());
  const auto what = GENERATE(behaviour::refused, behaviour::servfail);
  h.lame->set_behaviour("www.example.test", what);
  const auto r = resolve(io, resolver, "www.example.test");
  INFO(r.error.message());
  REQUIRE_FALSE(r.error);
  REQUIRE(r.steps.size() == 5);
  CHECK(r.steps[3].outcome == step_outcome::lame);
  CHECK(r.steps[3].error == (what == behaviour::refused ? errc::refused : errc::servfail));
  CHECK(r.steps[4].outcome == step_outcome::answer);

  // Every server of the zone failing: the last one's error.
  h.example->set_behaviour("www.example.test", what);
  resolver.clear_cache();
  const auto failed = resolve(io, resolver, "www.example.test");
  CHECK(failed.error == (what == behaviour::refused ? errc::refused : errc::servfail));
}

TEST_CASE("iterative: a truncated UDP reply is asked again over TCP",
          "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());
  const auto r = resolve(io, resolver, "big.example.test");
  INFO(r.error.message());
  REQUIRE_FALSE(r.error);
  REQUIRE(r.records.size() == 1);
  CHECK(to_zone_line(r.records[0]) == "big.example.test. 300 IN A 127.0.0.90");
  REQUIRE(r.steps.size() >= 2);
  const auto& udp = r.steps[r.steps.size() - 2];
  const auto& tcp = r.steps.back();
  CHECK(udp.outcome == step_outcome::truncated);
  CHECK(udp.transport == query_transport::udp);
  CHECK(tcp.outcome == step_outcome::answer);
  CHECK(tcp.transport == query_transport::tcp);
  CHECK(h.example->query_count("big.example.test", rr_type::a, corofetch::test::transport::tcp) ==
        1);
}

TEST_CASE("iterative: the query budget and the depth bound end a resolution with query_limit",
          "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  SECTION("three queries are not enough for www.example.test") {
    auto options = h.options();
    options.max_queries = 3;
    iterative_resolver resolver(io.get_executor(), options);
    const auto r = resolve(io, resolver, "www.example.test");
    CHECK(r.error == errc::query_limit);
    CHECK(r.steps.size() == 3);
  }
  SECTION("no sub-resolution allowed: a server without glue cannot be found") {
    auto options = h.options();
    options.max_depth = 0;
    iterative_resolver resolver(io.get_executor(), options);
    const auto r = resolve(io, resolver, "www.noglue.test");
    CHECK(r.error == errc::query_limit);
    for (const auto& s : r.steps) CHECK(s.depth == 0);
  }
}

TEST_CASE("iterative: silent servers time out within the bounds", "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  auto options = h.options();
  options.query_timeout = 200ms;
  iterative_resolver resolver(io.get_executor(), options);
  h.lame->set_behaviour("slow.example.test", behaviour::silence);
  h.example->set_behaviour("slow.example.test", behaviour::silence);

  const auto started = std::chrono::steady_clock::now();
  const auto r = resolve(io, resolver, "slow.example.test");
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(r.error == errc::timeout);
  REQUIRE(r.steps.size() == 5);
  CHECK(r.steps[3].outcome == step_outcome::failed);
  CHECK(r.steps[3].error == errc::timeout);
  CHECK(r.steps[3].bytes_received == 0);
  CHECK(took < 2s);

  SECTION("resolve_timeout bounds the whole resolution") {
    options.query_timeout = 5s;
    options.resolve_timeout = 300ms;
    iterative_resolver bounded(io.get_executor(), options);
    const auto t0 = std::chrono::steady_clock::now();
    const auto b = resolve(io, bounded, "slow.example.test");
    CHECK(b.error == errc::timeout);
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  }
}

TEST_CASE("iterative: cancellation ends a resolution at once, the trace so far kept",
          "[integration][dns][iterative]") {
  using namespace asio::experimental::awaitable_operators;
  hierarchy h;
  asio::io_context io;
  auto options = h.options();
  options.query_timeout = 5s;
  iterative_resolver resolver(io.get_executor(), options);
  h.example->set_behaviour("slow.example.test", behaviour::silence);
  h.lame->set_behaviour("slow.example.test", behaviour::silence);

  bool timer_won = false;
  const auto started = std::chrono::steady_clock::now();
  testing::run(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer timer(io, 300ms);
    auto raced = co_await (resolver.async_resolve("slow.example.test", record_type::a) ||
                           timer.async_wait(asio::use_awaitable));
    timer_won = raced.index() == 1;
  });
  CHECK(timer_won);
  CHECK(std::chrono::steady_clock::now() - started < 2s);

  // Nothing is left half done: the next resolution works, from what the first one learned.
  const auto r = resolve(io, resolver, "www.example.test");
  INFO(r.error.message());
  CHECK_FALSE(r.error);
  REQUIRE_FALSE(r.steps.empty());
  CHECK(r.steps.front().zone == "example.test");
}

TEST_CASE("iterative: root hints from a file in master-file form",
          "[integration][dns][iterative]") {
  hierarchy h;
  const auto path =
      std::filesystem::temp_directory_path() / ("cf-hints-" + std::to_string(h.port()) + ".txt");
  {
    std::ofstream out(path);
    out << "; a root hints file as IANA writes it\n"
           ".                        3600000      NS    A.ROOT.TEST.\n"
           "A.ROOT.TEST.             3600000      A     127.0.0.2\n"
           "A.ROOT.TEST.             3600000      AAAA  ::1\n";
  }
  asio::io_context io;
  auto options = h.options();
  options.root_servers.clear();
  options.root_hints_file = path.string();
  iterative_resolver resolver(io.get_executor(), options);
  const auto r = resolve(io, resolver, "www.example.test");
  std::filesystem::remove(path);
  INFO(r.error.message());
  CHECK_FALSE(r.error);
  REQUIRE_FALSE(r.steps.empty());
  CHECK(r.steps.front().server_name == "a.root.test");
  CHECK(r.steps.front().server.address().to_string() == "127.0.0.2");

  options.root_hints_file = "/nonexistent/root.hints";
  CHECK_THROWS_AS(iterative_resolver(io.get_executor(), options), std::system_error);
  options.root_servers = {"not-an-address"};
  CHECK_THROWS_AS(iterative_resolver(io.get_executor(), options), std::system_error);
}

TEST_CASE("iterative: Debian's root hints name the thirteen root servers",
          "[integration][dns][iterative]") {
  const auto hints = read_root_hints(std::string(default_root_hints_file));
  if (!hints) {
    WARN("dns-root-data is not installed: " << default_root_hints_file);
    return;
  }
  CHECK(hints->zone.empty());
  REQUIRE(hints->servers.size() == 13);
  CHECK(hints->servers.front().name == "a.root-servers.net");
  CHECK(hints->servers.front().addresses.size() == 1);  // A only unless IPv6 is asked for
  const auto with_v6 = read_root_hints(std::string(default_root_hints_file), true);
  REQUIRE(with_v6);
  CHECK(with_v6->servers.front().addresses.size() == 2);
}
