#include "message_builder.hpp"

#include <corofetch/dns/detail/answer_conversion.hpp>
#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/error.hpp>

#include <catch2/catch.hpp>

using namespace corofetch::dns;
using corofetch::dns::detail::convert_answer;
using corofetch::dns::detail::message_view;
using corofetch::dns::detail::plain_wire_name;
using corofetch::dns::testing::message_builder;

namespace {
constexpr int ares_success = 0;
constexpr int ares_enotfound = 4;  // c-ares' status for NXDOMAIN
constexpr int ares_etimeout = 12;
}  // namespace

TEST_CASE("A records keep their own TTL and owner", "[unit]") {
  message_builder m;
  m.header(0, 1, 3, 0).question("www.example.test", 1);
  m.rr("www.example.test", 5, 30).name("web.example.test").end_rr();
  m.rr("web.example.test", 1, 300).raw({127, 0, 0, 1}).end_rr();
  m.rr("web.example.test", 1, 200).raw({127, 0, 0, 2}).end_rr();
  const auto a = convert_answer(m.bytes, record_type::a, ares_success);
  REQUIRE_FALSE(a.error);
  REQUIRE(a.records.size() == 2);
  CHECK(a.records[0].name == "web.example.test");
  CHECK(a.records[0].ttl == 300);
  CHECK(std::get<a_data>(a.records[0].data).address.to_string() == "127.0.0.1");
  CHECK(a.records[1].ttl == 200);
  CHECK(a.min_ttl == 30);  // the CNAME link bounds the cache lifetime
}

TEST_CASE("AAAA records", "[unit]") {
  message_builder m;
  m.header(0, 1, 1, 0).question("v6.example.test", 28);
  m.rr("v6.example.test", 28, 60)
      .raw({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
      .end_rr();
  const auto a = convert_answer(m.bytes, record_type::aaaa, ares_success);
  REQUIRE(a.records.size() == 1);
  CHECK(std::get<aaaa_data>(a.records[0].data).address.to_string() == "2001:db8::1");
  CHECK(a.records[0].ttl == 60);
}

TEST_CASE("MX records come sorted by preference, lowest first", "[unit]") {
  message_builder m;
  m.header(0, 1, 3, 0).question("example.test", 15);
  m.rr("example.test", 15, 100).u16(30).name("mx3.example.test").end_rr();
  m.rr("example.test", 15, 200).u16(10).name("mx1.example.test").end_rr();
  m.rr("example.test", 15, 300).u16(20).name("mx2.example.test").end_rr();
  const auto a = convert_answer(m.bytes, record_type::mx, ares_success);
  REQUIRE(a.records.size() == 3);
  CHECK(to_zone_line(a.records[0]) == "example.test. 200 IN MX 10 mx1.example.test.");
  CHECK(to_zone_line(a.records[1]) == "example.test. 300 IN MX 20 mx2.example.test.");
  CHECK(to_zone_line(a.records[2]) == "example.test. 100 IN MX 30 mx3.example.test.");
}

TEST_CASE("NS, CNAME, PTR, SRV, SOA and TXT records", "[unit]") {
  SECTION("NS") {
    message_builder m;
    m.header(0, 1, 2, 0).question("example.test", 2);
    m.rr("example.test", 2, 3600).name("ns1.example.test").end_rr();
    m.rr("example.test", 2, 3600).name("ns2.example.test").end_rr();
    const auto a = convert_answer(m.bytes, record_type::ns, ares_success);
    REQUIRE(a.records.size() == 2);
    CHECK(to_zone_line(a.records[1]) == "example.test. 3600 IN NS ns2.example.test.");
  }
  SECTION("CNAME") {
    message_builder m;
    m.header(0, 1, 1, 0).question("www.example.test", 5);
    m.rr("www.example.test", 5, 77).name("web.example.test").end_rr();
    const auto a = convert_answer(m.bytes, record_type::cname, ares_success);
    REQUIRE(a.records.size() == 1);
    CHECK(to_zone_line(a.records[0]) == "www.example.test. 77 IN CNAME web.example.test.");
  }
  SECTION("PTR") {
    message_builder m;
    m.header(0, 1, 1, 0).question("1.0.0.127.in-addr.arpa", 12);
    m.rr("1.0.0.127.in-addr.arpa", 12, 86400).name("localhost.example.test").end_rr();
    const auto a = convert_answer(m.bytes, record_type::ptr, ares_success);
    REQUIRE(a.records.size() == 1);
    CHECK(to_zone_line(a.records[0]) ==
          "1.0.0.127.in-addr.arpa. 86400 IN PTR localhost.example.test.");
  }
  SECTION("SRV") {
    message_builder m;
    m.header(0, 1, 1, 0).question("_http._tcp.example.test", 33);
    m.rr("_http._tcp.example.test", 33, 120)
        .u16(1)
        .u16(5)
        .u16(8080)
        .name("web.example.test")
        .end_rr();
    const auto a = convert_answer(m.bytes, record_type::srv, ares_success);
    REQUIRE(a.records.size() == 1);
    CHECK(to_zone_line(a.records[0]) ==
          "_http._tcp.example.test. 120 IN SRV 1 5 8080 web.example.test.");
  }
  SECTION("SOA") {
    message_builder m;
    m.header(0, 1, 1, 0).question("example.test", 6);
    m.soa("example.test", 500, 60);
    const auto a = convert_answer(m.bytes, record_type::soa, ares_success);
    REQUIRE(a.records.size() == 1);
    CHECK(to_zone_line(a.records[0]) ==
          "example.test. 500 IN SOA ns1.example.test. hostmaster.example.test. 2024 3600 600 "
          "86400 60");
  }
  SECTION("TXT, several strings and records") {
    message_builder m;
    m.header(0, 1, 2, 0).question("example.test", 16);
    m.rr("example.test", 16, 60).text("v=spf1 -all").end_rr();
    m.rr("example.test", 16, 60).text("say \"hi\"").text("two").end_rr();
    const auto a = convert_answer(m.bytes, record_type::txt, ares_success);
    REQUIRE(a.records.size() == 2);
    CHECK(to_zone_line(a.records[0]) == "example.test. 60 IN TXT \"v=spf1 -all\"");
    CHECK(to_presentation(a.records[1].data) == "\"say \\\"hi\\\"\" \"two\"");
  }
}

TEST_CASE("NXDOMAIN and NODATA carry the RFC 2308 negative TTL", "[unit]") {
  message_builder nx;
  nx.header(3, 1, 0, 1).question("nx.example.test", 1).soa("example.test", 300, 40);
  const auto a = convert_answer(nx.bytes, record_type::a, ares_enotfound);
  CHECK(a.error == errc::nxdomain);
  CHECK(a.negative_ttl == 40u);

  message_builder nodata;  // a name with only a CNAME chain that ends nowhere for MX
  nodata.header(0, 1, 1, 1).question("alias.example.test", 15);
  nodata.rr("alias.example.test", 5, 60).name("target.example.test").end_rr();
  nodata.soa("example.test", 25, 600);
  const auto b = convert_answer(nodata.bytes, record_type::mx, ares_success);
  CHECK(b.error == errc::nodata);
  CHECK(b.negative_ttl == 25u);
  CHECK(b.records.empty());
}

TEST_CASE("failures without a message and malformed answers", "[unit]") {
  const auto t = convert_answer({}, record_type::a, ares_etimeout);
  CHECK(t.error == errc::timeout);
  CHECK_FALSE(t.negative_ttl);
  CHECK(t.error.message() == "Timeout while contacting DNS servers");
  CHECK(std::string(t.error.category().name()) == "corofetch.dns");

  message_builder m;
  m.header(0, 1, 1, 0).question("a.test", 1);
  m.rr("a.test", 1, 60).raw({1, 2, 3, 4}).end_rr();
  m.bytes.pop_back();
  CHECK(convert_answer(m.bytes, record_type::a, ares_success).error == errc::malformed_answer);
  CHECK(convert_answer({}, record_type::a, ares_success).error == errc::malformed_answer);
}

namespace {

// An answer whose owners are compression pointers to the question (offset 12), as servers
// write them: `question` is spelt as given, two A records.
message_builder pointed_answer(std::string_view question) {
  message_builder m;
  m.header(0, 1, 2, 0).question(question, 1);
  m.u16(0xc00c).u16(1).u16(1).u32(300).u16(4).raw({127, 0, 0, 1});
  m.u16(0xc00c).u16(1).u16(1).u32(200).u16(4).raw({127, 0, 0, 2});
  return m;
}

// convert_answer() given the name asked (with its wire form and its storage to take).
answer convert_asked(const message_builder& m, std::string asked, std::string& storage) {
  std::string wire;
  if (!plain_wire_name(wire, asked)) wire.clear();
  storage = std::move(asked);
  message_view scratch;
  return convert_answer(m.bytes, record_type::a, ares_success, scratch, storage, wire, &storage);
}

}  // namespace

TEST_CASE("owners pointing at the question take the name asked, as the message spells it",
          "[unit]") {
  const auto m = pointed_answer("h00042.Bench.test");
  const auto plain = convert_answer(m.bytes, record_type::a, ares_success);
  REQUIRE(plain.records.size() == 2);
  CHECK(plain.records[0].name == "h00042.Bench.test");
  CHECK(plain.records[1].name == "h00042.Bench.test");

  SECTION("the same name asked, with or without its dot: taken, not decoded") {
    for (const std::string asked : {"h00042.Bench.test", "h00042.Bench.test."}) {
      std::string storage;
      const auto a = convert_asked(m, asked, storage);
      REQUIRE(a.records.size() == 2);
      CHECK(a.records[0].name == "h00042.Bench.test");
      CHECK(a.records[1].name == "h00042.Bench.test");
      CHECK(a.records[0].ttl == 300);
      CHECK(a.records[1].ttl == 200);
      CHECK(to_zone_line(a.records[1]) == "h00042.Bench.test. 200 IN A 127.0.0.2");
      CHECK(a.min_ttl == plain.min_ttl);
    }
  }
  SECTION("another case or another name asked: the message's own spelling") {
    for (const std::string asked : {"h00042.bench.test", "other.test", "h00042\\.Bench.test", ""}) {
      std::string storage;
      const auto a = convert_asked(m, asked, storage);
      REQUIRE(a.records.size() == 2);
      CHECK(a.records[0].name == "h00042.Bench.test");
      CHECK(a.records[1].name == "h00042.Bench.test");
    }
  }
}

TEST_CASE("owners that are not the question keep their own names with a name asked", "[unit]") {
  message_builder m;
  m.header(0, 1, 2, 0).question("www.example.test", 1);
  m.u16(0xc00c).u16(5).u16(1).u32(30);  // www -> web, the target written out
  m.u16(18).name("web.example.test");
  m.u16(0xc000 | 46).u16(1).u16(1).u32(90).u16(4).raw({10, 0, 0, 7});  // owner: that target
  std::string storage;
  const auto a = convert_asked(m, "www.example.test", storage);
  REQUIRE_FALSE(a.error);
  REQUIRE(a.records.size() == 1);
  CHECK(a.records[0].name == "web.example.test");
  CHECK(a.records[0].ttl == 90);
  CHECK(a.min_ttl == 30);
  const auto cname = convert_answer(m.bytes, record_type::cname, ares_success);
  REQUIRE(cname.records.size() == 1);
  CHECK(to_zone_line(cname.records[0]) == "www.example.test. 30 IN CNAME web.example.test.");
}

TEST_CASE("a reused message view reads each message afresh", "[unit]") {
  message_view scratch;
  const auto first = pointed_answer("first.test");
  REQUIRE(convert_answer(first.bytes, record_type::a, ares_success, scratch).records.size() == 2);
  message_builder none;  // no question: owners are not taken from the last message's
  none.header(0, 0, 1, 0);
  none.u16(0xc00c).u16(1).u16(1).u32(60).u16(4).raw({1, 2, 3, 4});
  const auto fresh = convert_answer(none.bytes, record_type::a, ares_success);
  const auto reused = convert_answer(none.bytes, record_type::a, ares_success, scratch);
  CHECK(reused.error == fresh.error);
  CHECK(reused.records.size() == fresh.records.size());
}
