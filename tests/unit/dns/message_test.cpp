#include "message_builder.hpp"

#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/error.hpp>

#include <catch2/catch.hpp>

using corofetch::dns::errc;
using corofetch::dns::detail::name_at;
using corofetch::dns::detail::negative_ttl;
using corofetch::dns::detail::read_message;
using corofetch::dns::detail::read_name;
using corofetch::dns::testing::message_builder;

TEST_CASE("read_message reads header, question, answers and authority", "[unit]") {
  message_builder m;
  m.header(0, 1, 2, 1).question("www.Example.test", 1);
  m.rr("www.Example.test", 1, 300).raw({127, 0, 0, 1}).end_rr();
  m.rr("www.Example.test", 1, 0x80000001U).raw({127, 0, 0, 2}).end_rr();
  m.soa("example.test", 120, 60);
  auto v = read_message(m.bytes);
  REQUIRE(v);
  CHECK(v.value().id == 0x1234);
  CHECK(v.value().rcode() == 0);
  CHECK_FALSE(v.value().truncated());
  CHECK(name_at(m.bytes, v.value().question_offset) == "www.Example.test");
  CHECK(v.value().question_type == 1);
  REQUIRE(v.value().answers.size() == 2);
  CHECK(v.value().answers[0].ttl == 300);
  CHECK(v.value().answers[1].ttl == 0);  // RFC 2181 8: top bit set reads as 0
  CHECK(v.value().answers[0].rdata_length == 4);
  CHECK(m.bytes[v.value().answers[0].rdata_offset + 3] == 1);
  REQUIRE(v.value().authority.size() == 1);
  CHECK(v.value().authority[0].type == 6);
  CHECK(negative_ttl(m.bytes, v.value()) == 60u);
}

TEST_CASE("negative TTL is min(SOA TTL, SOA MINIMUM) (RFC 2308 5)", "[unit]") {
  message_builder low_ttl;
  low_ttl.header(3, 1, 0, 1).question("nx.example.test", 1).soa("example.test", 30, 900);
  auto v = read_message(low_ttl.bytes);
  REQUIRE(v);
  CHECK(negative_ttl(low_ttl.bytes, v.value()) == 30u);

  message_builder none;
  none.header(3, 1, 0, 0).question("nx.example.test", 1);
  auto w = read_message(none.bytes);
  REQUIRE(w);
  CHECK_FALSE(negative_ttl(none.bytes, w.value()).has_value());

  message_builder short_soa;  // RDATA without its five numbers
  short_soa.header(3, 1, 0, 1).question("nx.example.test", 1);
  short_soa.rr("example.test", 6, 30).name("ns1.test").name("h.test").u32(1).end_rr();
  auto x = read_message(short_soa.bytes);
  REQUIRE(x);
  CHECK_FALSE(negative_ttl(short_soa.bytes, x.value()).has_value());
}

TEST_CASE("compressed names follow pointers backwards only", "[unit]") {
  message_builder m;
  m.header(0, 1, 1, 0).question("mail.example.test", 15);
  // owner: pointer to the question name at offset 12
  m.raw({0xc0, 12}).u16(15).u16(1).u32(60).u16(4).u16(10).raw({0xc0, 12});
  auto v = read_message(m.bytes);
  REQUIRE(v);
  REQUIRE(v.value().answers.size() == 1);
  CHECK(name_at(m.bytes, v.value().answers[0].name_offset) == "mail.example.test");
  std::size_t at = v.value().answers[0].rdata_offset + 2;
  CHECK(read_name(m.bytes, at) == std::optional<std::string>("mail.example.test"));
  CHECK(at == m.bytes.size());

  std::vector<std::uint8_t> loop{0xc0, 0x00};
  std::size_t zero = 0;
  CHECK_FALSE(read_name(loop, zero).has_value());  // points at itself

  std::vector<std::uint8_t> forward{0xc0, 0x02, 0x00};
  zero = 0;
  CHECK_FALSE(read_name(forward, zero).has_value());

  std::vector<std::uint8_t> reserved{0x40, 0x00};
  zero = 0;
  CHECK_FALSE(read_name(reserved, zero).has_value());
}

TEST_CASE("names are bounded and escaped", "[unit]") {
  message_builder too_long;
  for (int i = 0; i < 5; ++i) too_long.text(std::string(60, 'a'));
  too_long.u8(0);
  std::size_t at = 0;
  CHECK_FALSE(read_name(too_long.bytes, at).has_value());  // 5 * 61 + 1 > 255

  message_builder odd;
  odd.text(std::string("a.b\\c d", 7)).text("test").u8(0);
  at = 0;
  CHECK(read_name(odd.bytes, at) == std::optional<std::string>("a\\.b\\\\c\\032d.test"));

  std::vector<std::uint8_t> root{0};
  at = 0;
  CHECK(read_name(root, at) == std::optional<std::string>(""));
}

TEST_CASE("truncated or lying messages are malformed", "[unit]") {
  message_builder m;
  m.header(0, 1, 1, 0).question("a.test", 1);
  m.rr("a.test", 1, 60).raw({1, 2, 3, 4}).end_rr();
  for (std::size_t cut = 0; cut < m.bytes.size(); ++cut) {
    std::vector<std::uint8_t> part(m.bytes.begin(),
                                   m.bytes.begin() + static_cast<std::ptrdiff_t>(cut));
    auto v = read_message(part);
    CHECK_FALSE(v);
    if (!v) CHECK(v.error() == errc::malformed_answer);
  }
  message_builder lying;  // claims 65535 answers
  lying.header(0, 1, 0xffff, 0).question("a.test", 1);
  CHECK_FALSE(read_message(lying.bytes));
}
