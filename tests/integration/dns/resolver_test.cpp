#include "harness.hpp"

#include <corofetch/dns/reverse_name.hpp>

#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace corofetch::dns;
using corofetch::dns::testing::options_for;
using corofetch::dns::testing::run;
using corofetch::test::behaviour;
using corofetch::test::dns_test_server;
using corofetch::test::rr_type;
using std::chrono::milliseconds;

namespace {

std::vector<std::string> lines(const std::vector<record>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(to_zone_line(r));
  return out;
}

}  // namespace

TEST_CASE("every record type, with its TTL, in presentation form", "[integration]") {
  dns_test_server server;
  server.add_a("www.example.test", "127.0.0.1", 300)
      .add_a("www.example.test", "127.0.0.2", 300)
      .add_aaaa("www.example.test", "2001:db8::1", 200)
      .add_mx("example.test", 30, "mx3.example.test", 600)
      .add_mx("example.test", 10, "mx1.example.test", 600)
      .add_mx("example.test", 20, "mx2.example.test", 600)
      .add_ns("example.test", "ns1.example.test", 3600)
      .add_cname("alias.example.test", "www.example.test", 120)
      .add_txt("example.test", std::vector<std::string>{"v=spf1 -all", "second \"quoted\""}, 60)
      .add_soa("example.test",
               {"ns1.example.test", "hostmaster.example.test", 7, 3600, 600, 86400, 30}, 900)
      .add_srv("_http._tcp.example.test", 1, 5, 8080, "www.example.test", 100)
      .add_reverse("127.0.0.1", "localhost.example.test", 86400);
  asio::io_context io;
  resolver r(io.get_executor(), options_for(server));

  run(io, [&]() -> asio::awaitable<void> {
    auto a = co_await r.async_query("www.example.test", record_type::a);
    REQUIRE(a);
    CHECK(lines(a.value()) == std::vector<std::string>{"www.example.test. 300 IN A 127.0.0.1",
                                                       "www.example.test. 300 IN A 127.0.0.2"});
    auto aaaa = co_await r.async_query("www.example.test", record_type::aaaa);
    REQUIRE(aaaa);
    CHECK(lines(aaaa.value()) ==
          std::vector<std::string>{"www.example.test. 200 IN AAAA 2001:db8::1"});
    auto mx = co_await r.async_query("example.test", record_type::mx);
    REQUIRE(mx);
    CHECK(lines(mx.value()) ==
          std::vector<std::string>{"example.test. 600 IN MX 10 mx1.example.test.",
                                   "example.test. 600 IN MX 20 mx2.example.test.",
                                   "example.test. 600 IN MX 30 mx3.example.test."});
    auto ns = co_await r.async_query("example.test", record_type::ns);
    REQUIRE(ns);
    CHECK(lines(ns.value()) ==
          std::vector<std::string>{"example.test. 3600 IN NS ns1.example.test."});
    auto cname = co_await r.async_query("alias.example.test", record_type::cname);
    REQUIRE(cname);
    CHECK(lines(cname.value()) ==
          std::vector<std::string>{"alias.example.test. 120 IN CNAME www.example.test."});
    auto txt = co_await r.async_query("example.test", record_type::txt);
    REQUIRE(txt);
    CHECK(lines(txt.value()) ==
          std::vector<std::string>{R"(example.test. 60 IN TXT "v=spf1 -all" "second \"quoted\"")"});
    auto soa = co_await r.async_query("example.test", record_type::soa);
    REQUIRE(soa);
    CHECK(lines(soa.value()) ==
          std::vector<std::string>{"example.test. 900 IN SOA ns1.example.test. "
                                   "hostmaster.example.test. 7 3600 600 86400 30"});
    auto srv = co_await r.async_query("_http._tcp.example.test", record_type::srv);
    REQUIRE(srv);
    CHECK(
        lines(srv.value()) ==
        std::vector<std::string>{"_http._tcp.example.test. 100 IN SRV 1 5 8080 www.example.test."});
    auto ptr =
        co_await r.async_query(reverse_name(asio::ip::make_address("127.0.0.1")), record_type::ptr);
    REQUIRE(ptr);
    CHECK(lines(ptr.value()) ==
          std::vector<std::string>{"1.0.0.127.in-addr.arpa. 86400 IN PTR localhost.example.test."});
    // A query of type A through a CNAME gives the target's A records with their owner.
    auto via = co_await r.async_query("alias.example.test", record_type::a);
    REQUIRE(via);
    CHECK(via.value().size() == 2);
    CHECK(via.value().at(0).name == "www.example.test");
  });
  CHECK(server.query_count() == 10);
}

TEST_CASE("async_resolve: AAAA then A, families, literals without a query", "[integration]") {
  dns_test_server server;
  server.add_a("host.example.test", "127.0.0.7", 50)
      .add_aaaa("host.example.test", "::1", 40)
      .add_a("v4only.example.test", "127.0.0.8", 50);
  asio::io_context io;
  resolver r(io.get_executor(), options_for(server));
  run(io, [&]() -> asio::awaitable<void> {
    auto both = co_await r.async_resolve("host.example.test", 8080);
    REQUIRE(both);
    REQUIRE(both.value().size() == 2);
    CHECK(both.value()[0].endpoint == asio::ip::tcp::endpoint(asio::ip::make_address("::1"), 8080));
    CHECK(both.value()[0].ttl == 40);
    CHECK(both.value()[1].endpoint ==
          asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.7"), 8080));
    CHECK(both.value()[1].ttl == 50);

    auto only4 = co_await r.async_resolve("host.example.test", 80, address_family::ipv4);
    REQUIRE(only4);
    CHECK(only4.value().size() == 1);
    auto v4only = co_await r.async_resolve("v4only.example.test", 80);
    REQUIRE(v4only);  // AAAA is NODATA, A answers
    CHECK(v4only.value().size() == 1);
    auto no6 = co_await r.async_resolve("v4only.example.test", 80, address_family::ipv6);
    REQUIRE_FALSE(no6);
    CHECK(no6.error() == errc::nodata);

    const auto before = server.query_count();
    auto literal = co_await r.async_resolve("[::1]", 443);
    REQUIRE(literal);
    CHECK(literal.value().at(0).endpoint.address().to_string() == "::1");
    auto literal4 = co_await r.async_resolve("127.0.0.9", 443);
    REQUIRE(literal4);
    CHECK(literal4.value().at(0).endpoint.port() == 443);
    auto mismatch = co_await r.async_resolve("127.0.0.9", 443, address_family::ipv6);
    CHECK(mismatch.error() == errc::bad_family);
    CHECK(server.query_count() == before);

    auto nx = co_await r.async_resolve("missing.example.test", 80);
    REQUIRE_FALSE(nx);
    CHECK(nx.error() == errc::nxdomain);
  });
}

TEST_CASE("hosts file entries are answered without a query", "[integration]") {
  dns_test_server server;
  const auto path =
      std::filesystem::temp_directory_path() / ("cf-dns-hosts-" + std::to_string(server.port()));
  {
    std::ofstream out(path);
    out << "# test hosts\n127.0.0.42  Pinned.example.test pinned\n::1 pinned # v6 too\n";
  }
  auto o = options_for(server);
  o.hosts_file = path.string();
  asio::io_context io;
  resolver r(io.get_executor(), o);
  run(io, [&]() -> asio::awaitable<void> {
    auto a = co_await r.async_resolve("pinned.example.test.", 80);
    REQUIRE(a);
    REQUIRE(a.value().size() == 1);
    CHECK(a.value()[0].endpoint.address().to_string() == "127.0.0.42");
    auto b = co_await r.async_resolve("PINNED", 80);
    REQUIRE(b);
    REQUIRE(b.value().size() == 2);
    CHECK(b.value()[0].endpoint.address().to_string() == "::1");
  });
  std::filesystem::remove(path);
  CHECK(server.query_count() == 0);
}

TEST_CASE("each failure has its own error code", "[integration]") {
  dns_test_server server;
  server.add_a("exists.example.test", "127.0.0.1")
      .set_behaviour("nx.example.test", behaviour::nxdomain)
      .set_behaviour("fail.example.test", behaviour::servfail)
      .set_behaviour("refused.example.test", behaviour::refused)
      .set_behaviour("silent.example.test", behaviour::silence)
      .set_behaviour("broken.example.test", behaviour::malformed_answer)
      .set_behaviour("short.example.test", behaviour::cut_short);
  asio::io_context io;
  resolver r(io.get_executor(), options_for(server));
  run(io, [&]() -> asio::awaitable<void> {
    auto expect = [&](std::string name, record_type type, errc code) -> asio::awaitable<void> {
      auto res = co_await r.async_query(name, type);
      INFO(name);
      REQUIRE_FALSE(res);
      CHECK(res.error() == code);
      CHECK(res.error().category().name() == std::string("corofetch.dns"));
    };
    co_await expect("nx.example.test", record_type::a, errc::nxdomain);
    co_await expect("exists.example.test", record_type::mx, errc::nodata);
    co_await expect("fail.example.test", record_type::a, errc::servfail);
    co_await expect("refused.example.test", record_type::a, errc::refused);
    co_await expect("silent.example.test", record_type::a, errc::timeout);
    co_await expect("broken.example.test", record_type::a, errc::malformed_answer);
    // An answer cut inside its first record fails c-ares' own checks: it is dropped as if
    // never received, and the query times out.
    co_await expect("short.example.test", record_type::a, errc::timeout);
    const auto before = server.query_count();
    co_await expect("bad..name.test", record_type::a, errc::bad_name);
    co_await expect(std::string(64, 'x') + ".test", record_type::a, errc::bad_name);
    CHECK(server.query_count() == before);
  });
  auto nx = std::error_code(errc::nxdomain);
  CHECK(nx.message() == "Domain name not found");
}

TEST_CASE("a closed server port gives connection_refused or timeout, bounded", "[integration]") {
  std::string endpoint;
  {
    asio::io_context tmp;
    asio::ip::udp::socket s(tmp, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    endpoint = "127.0.0.1:" + std::to_string(s.local_endpoint().port());
  }  // closed: the kernel answers ICMP port unreachable
  resolver_options o;
  o.servers = {endpoint};
  o.timeout = milliseconds(300);
  o.tries = 1;
  o.hosts_file.clear();
  asio::io_context io;
  resolver r(io.get_executor(), o);
  const auto start = std::chrono::steady_clock::now();
  run(io, [&]() -> asio::awaitable<void> {
    auto res = co_await r.async_query("a.example.test", record_type::a);
    REQUIRE_FALSE(res);
    CHECK((res.error() == errc::connection_refused || res.error() == errc::timeout));
  });
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}

TEST_CASE("a truncated UDP answer is retried over TCP", "[integration]") {
  dns_test_server server;
  server.add_txt("big.example.test", std::string(1500, 'x'), 60)
      .set_behaviour("big.example.test", behaviour::truncate_udp);
  asio::io_context io;
  resolver r(io.get_executor(), options_for(server));
  run(io, [&]() -> asio::awaitable<void> {
    auto res = co_await r.async_query("big.example.test", record_type::txt);
    REQUIRE(res);
    REQUIRE(res.value().size() == 1);
    const auto& strings = std::get<txt_data>(res.value()[0].data).strings;
    std::size_t total = 0;
    for (const auto& s : strings) total += s.size();
    CHECK(total == 1500);
  });
  CHECK(server.query_count("big.example.test", rr_type::txt, corofetch::test::transport::udp) == 1);
  CHECK(server.query_count("big.example.test", rr_type::txt, corofetch::test::transport::tcp) == 1);
}

TEST_CASE("search domains and ndots apply to relative names", "[integration]") {
  dns_test_server server;
  server.add_a("www.example.test", "127.0.0.3");
  auto o = options_for(server);
  o.search_domains = std::vector<std::string>{"nowhere.test", "example.test"};
  o.ndots = 1;
  asio::io_context io;
  resolver r(io.get_executor(), o);
  run(io, [&]() -> asio::awaitable<void> {
    auto res = co_await r.async_query("www", record_type::a);
    REQUIRE(res);
    CHECK(std::get<a_data>(res.value().at(0).data).address.to_string() == "127.0.0.3");
    auto absolute = co_await r.async_query("www.", record_type::a);
    CHECK(absolute.error() == errc::nxdomain);
  });
  CHECK(server.query_count("www.nowhere.test") == 1);
}

TEST_CASE("completion tokens: callback and use_future", "[integration]") {
  dns_test_server server;
  server.add_a("cb.example.test", "127.0.0.5");
  asio::io_context io;
  resolver r(io.get_executor(), options_for(server));
  std::error_code seen = errc::other;
  std::vector<resolved_endpoint> got;
  r.async_resolve("cb.example.test", 81, address_family::ipv4,
                  [&](std::error_code ec, std::vector<resolved_endpoint> eps) {
                    seen = ec;
                    got = std::move(eps);
                    io.stop();
                  });
  io.run_for(std::chrono::seconds(10));
  io.restart();
  CHECK_FALSE(seen);
  REQUIRE(got.size() == 1);
  CHECK(got[0].endpoint.port() == 81);

  auto future = r.async_query("cb.example.test", record_type::a, asio::use_future);
  std::thread loop([&] { io.run_for(std::chrono::seconds(10)); });
  const auto records = future.get();
  io.stop();
  loop.join();
  CHECK(records.size() == 1);
}

TEST_CASE("options c-ares rejects make the constructor throw bad_options", "[integration]") {
  asio::io_context io;
  resolver_options bad_server;
  bad_server.servers = {"not an address"};
  bad_server.hosts_file.clear();
  try {
    resolver r(io.get_executor(), bad_server);
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == errc::bad_options);
  }
  resolver_options no_timeout;
  no_timeout.servers = {"127.0.0.1:53"};
  no_timeout.timeout = std::chrono::milliseconds(0);
  CHECK_THROWS_AS(resolver(io.get_executor(), no_timeout), std::system_error);
}
