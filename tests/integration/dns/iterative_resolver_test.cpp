// The iterative resolver against a DNS hierarchy on loopback (iterative_hierarchy.hpp): from the
// root down the referrals, with and without glue, past a lame server, across zones through a
// CNAME, ignoring what a server may not vouch for (RFC 1034 5.3.3, RFC 2181 5.4.1).
#include "harness.hpp"
#include "iterative_hierarchy.hpp"

#include <corofetch/dns/iterative_resolver.hpp>

#include <asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace corofetch::dns;
using corofetch::dns::testing::hierarchy;
using corofetch::test::rr_type;

namespace {

resolution resolve(asio::io_context& io, iterative_resolver& r, std::string name,
                   record_type type = record_type::a) {
  resolution out;
  testing::run(io, [&]() -> asio::awaitable<void> { out = co_await r.async_resolve(name, type); });
  return out;
}

// "server-name@address zone outcome" for each step: the path a resolution took.
std::vector<std::string> path_of(const resolution& r) {
  std::vector<std::string> out;
  for (const auto& s : r.steps) {
    out.push_back(std::to_string(s.depth) + " " + s.server_name + "@" +
                  s.server.address().to_string() + " [" + s.zone + "] " + s.query_name + " " +
                  std::string(to_string(s.query_type)) + " " + std::string(to_string(s.outcome)));
  }
  return out;
}

std::vector<std::string> lines_of(const std::vector<record>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(to_zone_line(r));
  return out;
}

bool has_address(const std::vector<record>& section, const std::string& address) {
  return std::any_of(section.begin(), section.end(), [&](const record& r) {
    return r.type == record_type::a && std::get<a_data>(r.data).address.to_string() == address;
  });
}

}  // namespace

TEST_CASE("iterative: from the root down the referrals to the answer, past a lame server",
          "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());

  const auto r = resolve(io, resolver, "www.example.test");
  INFO(r.error.message());
  REQUIRE_FALSE(r.error);
  CHECK(lines_of(r.records) == std::vector<std::string>{"www.example.test. 300 IN A 127.0.0.80"});
  CHECK(path_of(r) == std::vector<std::string>{
                          "0 @127.0.0.2 []  NS answer",  // priming, RFC 8109
                          "0 a.root.test@127.0.0.2 [] www.example.test A referral",
                          "0 ns1.nic.test@127.0.0.3 [test] www.example.test A referral",
                          "0 lame.example.test@127.0.0.11 [example.test] www.example.test A lame",
                          "0 ns1.example.test@127.0.0.10 [example.test] www.example.test A answer",
                      });
  REQUIRE(r.steps.size() == 5);
  CHECK(r.steps[3].error == errc::lame_delegation);
  CHECK_FALSE(r.steps[3].authoritative);
  CHECK(r.steps[4].authoritative);
  CHECK(r.steps[4].server.port() == h.port());
  CHECK(r.steps[4].bytes_received > 0);
  // The referral from the root: test.'s NS set in the authority section, its glue beside it.
  CHECK(lines_of(r.steps[1].authority) ==
        std::vector<std::string>{"test. 172800 IN NS ns1.nic.test."});
  CHECK(lines_of(r.steps[1].additional) ==
        std::vector<std::string>{"ns1.nic.test. 172800 IN A 127.0.0.3"});
  // Every query went out with RD clear, one per step.
  CHECK(h.root->query_count() == 2);
  CHECK(h.tld_test->query_count() == 1);
  CHECK(h.lame->query_count() == 1);
  CHECK(h.example->query_count("www.example.test", rr_type::a) == 1);
}

TEST_CASE("iterative: a name server without glue is looked up from the root, one level deeper",
          "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());

  const auto r = resolve(io, resolver, "www.noglue.test");
  INFO(r.error.message());
  REQUIRE_FALSE(r.error);
  CHECK(lines_of(r.records) == std::vector<std::string>{"www.noglue.test. 300 IN A 127.0.0.82"});
  CHECK(path_of(r) ==
        std::vector<std::string>{
            "0 @127.0.0.2 []  NS answer",
            "0 a.root.test@127.0.0.2 [] www.noglue.test A referral",
            "0 ns1.nic.test@127.0.0.3 [test] www.noglue.test A referral",
            // ns.dns-host.net came without glue: its address, from the root's servers (cached)
            "1 a.root.test@127.0.0.2 [] ns.dns-host.net A referral",
            "1 ns.nic.net@127.0.0.4 [net] ns.dns-host.net A referral",
            "1 ns.dns-host.net@127.0.0.6 [dns-host.net] ns.dns-host.net A answer",
            "0 ns.dns-host.net@127.0.0.6 [noglue.test] www.noglue.test A answer",
        });
  // What was learned on the way is kept: the address of the server without glue.
  const auto known =
      resolver.cache().addresses("ns.dns-host.net", std::chrono::steady_clock::now());
  REQUIRE(known.size() == 1);
  CHECK(known[0].to_string() == "127.0.0.6");
}

TEST_CASE("iterative: glue from outside the referring server's zone is not used",
          "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());

  const auto r = resolve(io, resolver, "www.badglue.test");
  INFO(r.error.message());
  REQUIRE_FALSE(r.error);
  CHECK(lines_of(r.records) == std::vector<std::string>{"www.badglue.test. 300 IN A 127.0.0.83"});
  // test.'s server sent an address for ns2.dns-host.net, a name it has no authority for ...
  const auto referral = std::find_if(r.steps.begin(), r.steps.end(), [](const trace_step& s) {
    return s.zone == "test" && s.query_name == "www.badglue.test";
  });
  REQUIRE(referral != r.steps.end());
  CHECK(has_address(referral->additional, "127.0.0.99"));
  // ... which was not asked: the address came from dns-host.net's own server.
  for (const auto& s : r.steps) CHECK(s.server.address().to_string() != "127.0.0.99");
  CHECK(r.steps.back().server.address().to_string() == "127.0.0.6");
  CHECK(h.dns_host->query_count("ns2.dns-host.net", rr_type::a) == 1);
}

TEST_CASE(
    "iterative: a CNAME into another zone is followed there, a forged answer beside it "
    "ignored",
    "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());

  const auto r = resolve(io, resolver, "alias.example.test");
  INFO(r.error.message());
  REQUIRE_FALSE(r.error);
  CHECK(lines_of(r.records) == std::vector<std::string>{
                                   "alias.example.test. 600 IN CNAME web.other.test.",
                                   "web.other.test. 120 IN A 127.0.0.81",
                               });
  const auto paths = path_of(r);
  REQUIRE(paths.size() == 7);
  CHECK(paths[4] == "0 ns1.example.test@127.0.0.10 [example.test] alias.example.test A cname");
  // example.test's server also answered for web.other.test (127.0.0.66): out of its bailiwick.
  CHECK(has_address(r.steps[4].answer, "127.0.0.66"));
  // The target starts below the root: test.'s delegation is known from the first name.
  CHECK(paths[5] == "0 ns1.nic.test@127.0.0.3 [test] web.other.test A referral");
  CHECK(paths[6] == "0 ns.other.test@127.0.0.12 [other.test] web.other.test A answer");
  CHECK(h.root->query_count("web.other.test") == 0);
}

TEST_CASE("iterative: a second name in a known domain starts at the domain's servers",
          "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());

  const auto first = resolve(io, resolver, "www.example.test");
  REQUIRE_FALSE(first.error);
  const auto root_queries = h.root->query_count();
  const auto tld_queries = h.tld_test->query_count();

  const auto second = resolve(io, resolver, "mail.example.test");
  INFO(second.error.message());
  REQUIRE_FALSE(second.error);
  CHECK(lines_of(second.records) ==
        std::vector<std::string>{"mail.example.test. 300 IN A 127.0.0.25"});
  CHECK(second.steps.size() < first.steps.size());
  CHECK(path_of(second) ==
        std::vector<std::string>{
            "0 lame.example.test@127.0.0.11 [example.test] mail.example.test A lame",
            "0 ns1.example.test@127.0.0.10 [example.test] mail.example.test A answer",
        });
  CHECK(h.root->query_count() == root_queries);
  CHECK(h.tld_test->query_count() == tld_queries);
  const auto zone =
      resolver.cache().closest_enclosing("mail.example.test", std::chrono::steady_clock::now());
  REQUIRE(zone);
  CHECK(zone->zone == "example.test");
  CHECK(zone->servers.size() == 2);

  // A name in a sibling zone starts at test.'s servers, below the root.
  const auto third = resolve(io, resolver, "web.other.test");
  REQUIRE_FALSE(third.error);
  REQUIRE_FALSE(third.steps.empty());
  CHECK(third.steps.front().zone == "test");
  CHECK(h.root->query_count() == root_queries);
}

TEST_CASE(
    "iterative: NXDOMAIN carries the SOA's negative TTL and is answered from the cache "
    "within it",
    "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  auto now = std::chrono::steady_clock::now();
  auto options = h.options();
  options.clock = [&now] { return now; };
  iterative_resolver resolver(io.get_executor(), options);

  const auto first = resolve(io, resolver, "nope.example.test");
  CHECK(first.error == errc::nxdomain);
  CHECK(first.negative_ttl == 20u);  // RFC 2308 5: min(SOA TTL 30, MINIMUM 20)
  CHECK_FALSE(first.from_cache);
  REQUIRE_FALSE(first.steps.empty());
  CHECK(first.steps.back().outcome == step_outcome::nxdomain);
  CHECK(lines_of(first.steps.back().authority).size() == 1);
  const auto asked = h.example->query_count("nope.example.test");
  CHECK(asked == 1);

  now += std::chrono::seconds(15);  // within the negative TTL: any type, no query
  const auto cached = resolve(io, resolver, "nope.example.test", record_type::aaaa);
  CHECK(cached.error == errc::nxdomain);
  CHECK(cached.from_cache);
  CHECK(cached.steps.empty());
  CHECK(cached.negative_ttl == 5u);
  CHECK(h.example->query_count("nope.example.test") == asked);
  CHECK(h.lame->query_count("nope.example.test") == 1);

  now += std::chrono::seconds(6);  // expired: asked again, at example.test's servers
  const auto again = resolve(io, resolver, "nope.example.test");
  CHECK(again.error == errc::nxdomain);
  CHECK_FALSE(again.from_cache);
  REQUIRE_FALSE(again.steps.empty());
  CHECK(again.steps.front().zone == "example.test");
  CHECK(h.example->query_count("nope.example.test") == asked + 1);
}

TEST_CASE("iterative: NODATA is kept for its type only", "[integration][dns][iterative]") {
  hierarchy h;
  asio::io_context io;
  iterative_resolver resolver(io.get_executor(), h.options());

  const auto r = resolve(io, resolver, "www.example.test", record_type::mx);
  CHECK(r.error == errc::nodata);
  CHECK(r.negative_ttl == 20u);
  const auto cached = resolve(io, resolver, "www.example.test", record_type::mx);
  CHECK(cached.from_cache);
  const auto a = resolve(io, resolver, "www.example.test", record_type::a);
  CHECK_FALSE(a.error);
  CHECK_FALSE(a.from_cache);
}
