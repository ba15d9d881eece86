// async_query_server() (dig's one question to one server) against the scriptable DNS server on
// loopback, and what the dig-style work changed in the resolver: CAA and any type by number,
// CNAME loops, server addresses checked before c-ares sees them.
#include "harness.hpp"

#include <corofetch/dns/root_hints.hpp>
#include <corofetch/dns/server_query.hpp>

#include <asio/ip/udp.hpp>

#include <string>
#include <vector>

using namespace corofetch::dns;
using corofetch::dns::testing::options_for;
using corofetch::dns::testing::run;
using corofetch::test::behaviour;
using corofetch::test::dns_test_server;
using corofetch::test::rr_type;

namespace {

asio::ip::udp::endpoint endpoint_of(const dns_test_server& server) {
  return parse_server_address(server.endpoint(), 53).value();
}

server_query_options quick() {
  server_query_options o;
  o.timeout = std::chrono::milliseconds(300);
  o.tries = 1;
  return o;
}

server_reply ask(std::vector<asio::ip::udp::endpoint> servers, std::string name, record_type type,
                 server_query_options options = quick()) {
  asio::io_context io;
  server_reply out;
  run(io, [&]() -> asio::awaitable<void> {
    out = co_await async_query_server(servers, name, type, options);
  });
  return out;
}

std::vector<std::string> lines(const std::vector<record>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(to_zone_line(r));
  return out;
}

const std::vector<std::uint8_t> caa_issue{0, 5, 'i', 's', 's', 'u', 'e', 'c', 'a', '.', 't'};

}  // namespace

TEST_CASE("a server's whole reply: header, CNAME chain hop by hop, sizes", "[integration]") {
  dns_test_server server;
  server.add_cname("a.dig.test", "b.dig.test", 600)
      .add_cname("b.dig.test", "c.dig.test", 500)
      .add_a("c.dig.test", "127.0.0.5", 300);
  const auto r = ask({endpoint_of(server)}, "a.dig.test.", record_type::a);
  REQUIRE_FALSE(r.error);
  CHECK(r.message.rcode() == 0);
  CHECK(r.message.authoritative());
  CHECK(r.message.recursion_desired());  // RD sent, echoed
  CHECK(r.message.question_name == "a.dig.test");
  CHECK(r.message.question_type == 1);
  CHECK(r.message.answer_count == 3);
  CHECK(lines(r.message.answer) == std::vector<std::string>{"a.dig.test. 600 IN CNAME b.dig.test.",
                                                            "b.dig.test. 500 IN CNAME c.dig.test.",
                                                            "c.dig.test. 300 IN A 127.0.0.5"});
  CHECK(r.server == endpoint_of(server));
  CHECK(r.transport == query_transport::udp);
  CHECK(r.bytes_received > 12);
  CHECK(r.bytes_sent == 12 + 12 + 4 + 11);  // header, "a.dig.test" in wire form, type, class, OPT
  CHECK(server.udp_query_count() == 1);
}

TEST_CASE("CAA and a type by number come back converted and as RFC 3597 data", "[integration]") {
  dns_test_server server;
  server.add_raw("caa.dig.test", static_cast<rr_type>(257), caa_issue)
      .add_raw("t65.dig.test", static_cast<rr_type>(65), {0, 1, 0});
  const auto caa = ask({endpoint_of(server)}, "caa.dig.test", record_type::caa);
  REQUIRE_FALSE(caa.error);
  CHECK(lines(caa.message.answer) ==
        std::vector<std::string>{"caa.dig.test. 300 IN CAA 0 issue \"ca.t\""});
  const auto t65 = ask({endpoint_of(server)}, "t65.dig.test", static_cast<record_type>(65));
  REQUIRE_FALSE(t65.error);
  CHECK(lines(t65.message.answer) ==
        std::vector<std::string>{"t65.dig.test. 300 IN TYPE65 \\# 3 000100"});

  // The c-ares resolver answers them too (its own parser has none for them).
  asio::io_context io;
  resolver res(io.get_executor(), options_for(server));
  run(io, [&]() -> asio::awaitable<void> {
    auto by_resolver = co_await res.async_query("caa.dig.test", record_type::caa);
    REQUIRE(by_resolver);
    CHECK(lines(*by_resolver) == lines(caa.message.answer));
    auto by_number = co_await res.async_query("t65.dig.test", static_cast<record_type>(65));
    REQUIRE(by_number);
    CHECK(lines(*by_number) == lines(t65.message.answer));
  });
}

TEST_CASE("a truncated UDP reply is asked again over TCP; +tcp asks over TCP", "[integration]") {
  dns_test_server server;
  server.add_a("big.dig.test", "127.0.0.7").set_behaviour("big.dig.test", behaviour::truncate_udp);
  const auto r = ask({endpoint_of(server)}, "big.dig.test", record_type::a);
  REQUIRE_FALSE(r.error);
  CHECK(r.retried_over_tcp);
  CHECK(r.transport == query_transport::tcp);
  CHECK(lines(r.message.answer) == std::vector<std::string>{"big.dig.test. 300 IN A 127.0.0.7"});

  auto tcp = quick();
  tcp.tcp = true;
  const auto t = ask({endpoint_of(server)}, "big.dig.test", record_type::a, tcp);
  REQUIRE_FALSE(t.error);
  CHECK_FALSE(t.retried_over_tcp);
  CHECK(t.transport == query_transport::tcp);
  CHECK(server.tcp_query_count() == 2);
}

TEST_CASE("a silent server is passed over; tries bound the wait", "[integration]") {
  dns_test_server silent;
  dns_test_server good;
  silent.set_behaviour("www.dig.test", behaviour::silence);
  good.add_a("www.dig.test", "127.0.0.8");
  const auto r = ask({endpoint_of(silent), endpoint_of(good)}, "www.dig.test", record_type::a);
  REQUIRE_FALSE(r.error);
  CHECK(r.server == endpoint_of(good));

  auto two = quick();
  two.tries = 2;
  const auto none = ask({endpoint_of(silent)}, "www.dig.test", record_type::a, two);
  CHECK(none.error == errc::timeout);
  CHECK(silent.query_count("www.dig.test") == 3);  // 1 above, 2 here
}

TEST_CASE("any reply ends the question, whatever its RCODE", "[integration]") {
  dns_test_server server;
  server.set_behaviour("fail.dig.test", behaviour::servfail);
  const auto r = ask({endpoint_of(server)}, "fail.dig.test", record_type::a);
  REQUIRE_FALSE(r.error);
  CHECK(r.message.rcode() == 2);
  const auto nx = ask({endpoint_of(server)}, "nope.dig.test", record_type::a);
  REQUIRE_FALSE(nx.error);
  CHECK(nx.message.rcode() == 3);
  CHECK(nx.message.authority.size() == 1);  // the SOA
}

TEST_CASE("bad names and no server are errors, not queries", "[integration]") {
  dns_test_server server;
  CHECK(ask({endpoint_of(server)}, std::string(64, 'x') + ".test", record_type::a).error ==
        errc::bad_name);
  CHECK(ask({}, "www.dig.test", record_type::a).error == errc::bad_options);
  CHECK(server.query_count() == 0);
}

TEST_CASE("the resolver reports a CNAME loop as a loop, not NODATA", "[integration]") {
  dns_test_server server;
  server.add_cname("loop1.dig.test", "loop2.dig.test")
      .add_cname("loop2.dig.test", "loop1.dig.test");
  asio::io_context io;
  resolver res(io.get_executor(), options_for(server));
  run(io, [&]() -> asio::awaitable<void> {
    for (auto type : {record_type::a, record_type::mx, record_type::caa}) {
      auto r = co_await res.async_query("loop1.dig.test", type);
      INFO(to_string(type));
      REQUIRE_FALSE(r);
      CHECK(r.error() == errc::resolution_loop);
    }
  });
}

TEST_CASE("server addresses c-ares would misread are refused (bad_options)", "[integration]") {
  asio::io_context io;
  for (const char* bad : {"127.0.0.1:99999", "[::1", "127.0.0.1:0", "[::1]x", "127.0.0.1:"}) {
    INFO(bad);
    resolver_options o;
    o.servers = {bad};
    o.hosts_file.clear();
    try {
      resolver r(io.get_executor(), o);
      FAIL("no exception");
    } catch (const std::system_error& e) {
      CHECK(e.code() == errc::bad_options);
    }
  }
  resolver_options good;
  good.servers = {"127.0.0.1#5353", "[::1]:53", "::1"};
  good.hosts_file.clear();
  CHECK_NOTHROW(resolver(io.get_executor(), good));
}
