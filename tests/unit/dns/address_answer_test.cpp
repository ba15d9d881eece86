// detail::parse_addresses(): each rule of c-ares 1.18.1's ares_parse_a_reply /
// ares_parse_aaaa_reply, checked on the same bytes against c-ares itself, and the messages it
// leaves to c-ares.
#include "message_builder.hpp"

#include <corofetch/dns/detail/address_answer.hpp>
#include <corofetch/dns/detail/answer_conversion.hpp>
#include <corofetch/dns/detail/message.hpp>

#include <ares.h>
#include <arpa/inet.h>
#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace corofetch::dns;
using corofetch::dns::detail::address_ttl;
using corofetch::dns::detail::message_view;
using corofetch::dns::detail::parse_addresses;
using corofetch::dns::testing::message_builder;

namespace {

constexpr std::uint16_t t_a = 1;
constexpr std::uint16_t t_cname = 5;
constexpr std::uint16_t t_aaaa = 28;
const std::vector<std::uint8_t> v6_one = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                          0,    0,    0,    0,    0, 0, 0, 1};

// A status and the addresses with their TTLs, as text: what both sides are compared on.
struct outcome {
  int status = 0;
  std::vector<std::pair<std::string, std::uint32_t>> addresses;
  bool operator==(const outcome&) const = default;
};

std::string address_text(const std::uint8_t* bytes, record_type type) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  const int family = type == record_type::a ? AF_INET : AF_INET6;
  return inet_ntop(family, bytes, text.data(), text.size());
}

std::uint32_t to_ttl(int ttl) {
  return ttl < 0 ? 0U : static_cast<std::uint32_t>(ttl);
}

outcome cares(const std::vector<std::uint8_t>& m, record_type type, int capacity = 32) {
  outcome o;
  int n = capacity;
  const auto len = static_cast<int>(m.size());
  if (type == record_type::a) {
    std::vector<ares_addrttl> t(static_cast<std::size_t>(capacity));
    o.status = ares_parse_a_reply(m.data(), len, nullptr, t.data(), &n);
    for (int i = 0; i < n; ++i) {
      const auto& e = t[static_cast<std::size_t>(i)];
      std::array<std::uint8_t, 4> b{};
      std::memcpy(b.data(), &e.ipaddr, 4);
      o.addresses.emplace_back(address_text(b.data(), type), to_ttl(e.ttl));
    }
  } else {
    std::vector<ares_addr6ttl> t(static_cast<std::size_t>(capacity));
    o.status = ares_parse_aaaa_reply(m.data(), len, nullptr, t.data(), &n);
    for (int i = 0; i < n; ++i) {
      const auto& e = t[static_cast<std::size_t>(i)];
      std::array<std::uint8_t, 16> b{};
      std::memcpy(b.data(), &e.ip6addr, 16);
      o.addresses.emplace_back(address_text(b.data(), type), to_ttl(e.ttl));
    }
  }
  return o;
}

// Our reading; nullopt when it leaves the message to c-ares.
std::optional<outcome> ours(const std::vector<std::uint8_t>& m, record_type type,
                            std::size_t capacity = 32) {
  message_view view;
  if (!detail::read_message(m, detail::message_part::answers, view)) return std::nullopt;
  std::vector<address_ttl> out(capacity);
  std::size_t n = 0;
  const auto status = parse_addresses(m, view, type, out, n);
  if (!status) return std::nullopt;
  outcome o;
  o.status = *status;
  for (std::size_t i = 0; i < n; ++i)
    o.addresses.emplace_back(address_text(out[i].bytes.data(), type), out[i].ttl);
  return o;
}

// Read by us, with exactly c-ares' outcome, which is `expected`.
void check_read(const message_builder& m, record_type type, const outcome& expected) {
  const auto mine = ours(m.bytes, type);
  REQUIRE(mine.has_value());
  CHECK(*mine == cares(m.bytes, type));
  CHECK(*mine == expected);
}

// Left to c-ares; the conversion still gives c-ares' addresses.
void check_left_to_cares(const message_builder& m, record_type type) {
  CHECK_FALSE(ours(m.bytes, type).has_value());
  const outcome theirs = cares(m.bytes, type);
  const answer a = detail::convert_answer(m.bytes, type, ARES_SUCCESS);
  std::vector<std::string> got;
  for (const auto& r : a.records) got.push_back(to_presentation(r.data));
  std::vector<std::string> want;
  if (theirs.status == ARES_SUCCESS)
    for (const auto& [address, ttl] : theirs.addresses) want.push_back(address);
  CHECK(got == want);
}

message_builder with_question(std::uint16_t answers, std::string_view name = "www.example.test",
                              std::uint16_t type = t_a) {
  message_builder m;
  m.header(0, 1, answers, 0).question(name, type);
  return m;
}

void add_aaaa(message_builder& m, std::string_view owner, std::uint32_t ttl) {
  m.rr(owner, t_aaaa, ttl);
  m.bytes.insert(m.bytes.end(), v6_one.begin(), v6_one.end());
  m.end_rr();
}

}  // namespace

TEST_CASE("addresses whose owner is the question name, in message order", "[unit]") {
  auto m = with_question(3);
  m.raw({0xc0, 0x0c}).u16(t_a).u16(1).u32(300).u16(4).raw({192, 0, 2, 1});
  m.rr("www.example.test", t_a, 200).raw({192, 0, 2, 2}).end_rr();
  m.rr("www.example.test", 16, 100).text("not an address").end_rr();  // other types skipped
  check_read(m, record_type::a, {ARES_SUCCESS, {{"192.0.2.1", 300}, {"192.0.2.2", 200}}});
}

TEST_CASE("owners compare ASCII case-insensitively", "[unit]") {
  auto m = with_question(2, "Www.Example.TEST");
  m.rr("wWW.EXAMPLE.test", t_a, 10).raw({10, 0, 0, 1}).end_rr();
  m.rr("www.example.tesu", t_a, 10).raw({10, 0, 0, 2}).end_rr();
  check_read(m, record_type::a, {ARES_SUCCESS, {{"10.0.0.1", 10}}});
}

TEST_CASE("an address of another RDLENGTH is skipped, not an error", "[unit]") {
  auto m = with_question(3);
  m.rr("www.example.test", t_a, 10).raw({1, 2, 3, 4, 5}).end_rr();
  m.rr("www.example.test", t_a, 10).raw({1, 2, 3}).end_rr();
  m.rr("www.example.test", t_a, 10).raw({9, 9, 9, 9}).end_rr();
  check_read(m, record_type::a, {ARES_SUCCESS, {{"9.9.9.9", 10}}});
  auto only_bad = with_question(1);
  only_bad.rr("www.example.test", t_a, 10).raw({1, 2, 3, 4, 5}).end_rr();
  check_read(only_bad, record_type::a, {ARES_ENODATA, {}});
}

TEST_CASE("records of other classes are skipped, CNAMEs too", "[unit]") {
  auto m = with_question(3);
  m.name("www.example.test").u16(t_a).u16(3).u32(10).u16(4).raw({1, 1, 1, 1});  // CH
  m.name("www.example.test").u16(t_cname).u16(3).u32(1).u16(5).raw({3, 'c', 'h', 'x', 0});
  m.rr("www.example.test", t_a, 10).raw({3, 3, 3, 3}).end_rr();
  check_read(m, record_type::a, {ARES_SUCCESS, {{"3.3.3.3", 10}}});
}

TEST_CASE("a CNAME chain: each target becomes the hostname, TTLs capped by the CNAMEs'", "[unit]") {
  auto m = with_question(4);
  m.rr("www.example.test", t_cname, 60).name("cdn.example.test").end_rr();
  m.rr("cdn.example.test", t_cname, 30).name("edge.example.net").end_rr();
  m.rr("cdn.example.test", t_a, 300).raw({192, 0, 2, 9}).end_rr();  // no longer the hostname
  m.rr("EDGE.example.net", t_a, 300).raw({192, 0, 2, 10}).end_rr();
  check_read(m, record_type::a, {ARES_SUCCESS, {{"192.0.2.10", 30}}});
}

TEST_CASE("a CNAME chain out of order: records before the CNAME match the old hostname", "[unit]") {
  auto m = with_question(3);
  m.rr("web.example.test", t_a, 50).raw({192, 0, 2, 2}).end_rr();
  m.rr("www.example.test", t_cname, 300).name("web.example.test").end_rr();
  m.rr("web.example.test", t_a, 400).raw({192, 0, 2, 3}).end_rr();
  check_read(m, record_type::a, {ARES_SUCCESS, {{"192.0.2.3", 300}}});
}

TEST_CASE("c-ares follows a CNAME whatever its owner, and every CNAME caps the TTLs", "[unit]") {
  auto m = with_question(3);
  m.rr("www.example.test", t_a, 500).raw({192, 0, 2, 1}).end_rr();
  m.rr("other.example.test", t_cname, 20).name("web.example.test").end_rr();
  m.rr("web.example.test", t_a, 300).raw({192, 0, 2, 4}).end_rr();
  check_read(m, record_type::a, {ARES_SUCCESS, {{"192.0.2.1", 20}, {"192.0.2.4", 20}}});
}

TEST_CASE("compressed CNAME targets and owners pointing into them", "[unit]") {
  auto m = with_question(2);
  // www.example.test CNAME cdn.<pointer to example.test in the question>
  m.raw({0xc0, 0x0c}).u16(t_cname).u16(1).u32(90).u16(6).raw({3, 'c', 'd', 'n', 0xc0, 0x10});
  const auto target = static_cast<std::uint8_t>(m.bytes.size() - 6);
  m.raw({0xc0, target}).u16(t_a).u16(1).u32(300).u16(4).raw({192, 0, 2, 5});
  check_read(m, record_type::a, {ARES_SUCCESS, {{"192.0.2.5", 90}}});
}

TEST_CASE("owners pointing into the middle of the question name", "[unit]") {
  auto m = with_question(2, "a.www.example.test");
  m.raw({0xc0, 0x0e}).u16(t_a).u16(1).u32(10).u16(4).raw({5, 5, 5, 5});  // www.example.test
  m.raw({1, 'A', 0xc0, 0x0e}).u16(t_a).u16(1).u32(10).u16(4).raw({6, 6, 6, 6});
  check_read(m, record_type::a, {ARES_SUCCESS, {{"6.6.6.6", 10}}});
}

TEST_CASE("AAAA, and the other family found still means success", "[unit]") {
  auto m = with_question(2, "v6.example.test", t_aaaa);
  add_aaaa(m, "v6.example.test", 60);
  m.rr("v6.example.test", t_a, 70).raw({1, 2, 3, 4}).end_rr();
  check_read(m, record_type::aaaa, {ARES_SUCCESS, {{"2001:db8::1", 60}}});
  check_read(m, record_type::a, {ARES_SUCCESS, {{"1.2.3.4", 70}}});
  auto only_v6 = with_question(1, "v6.example.test", t_aaaa);
  add_aaaa(only_v6, "v6.example.test", 60);
  check_read(only_v6, record_type::a, {ARES_SUCCESS, {}});
}

TEST_CASE("no address and no CNAME is ENODATA; a CNAME alone is success with none", "[unit]") {
  auto none = with_question(1);
  none.rr("other.example.test", t_a, 10).raw({1, 2, 3, 4}).end_rr();
  check_read(none, record_type::a, {ARES_ENODATA, {}});
  auto alias = with_question(1);
  alias.rr("www.example.test", t_cname, 10).name("web.example.test").end_rr();
  check_read(alias, record_type::a, {ARES_SUCCESS, {}});
}

TEST_CASE("a TTL with the top bit set reads as 0, as a CNAME cap too", "[unit]") {
  auto m = with_question(2);
  m.rr("www.example.test", t_a, 0x80000001U).raw({1, 2, 3, 4}).end_rr();
  m.rr("x.example.test", t_cname, 0x80000001U).name("y.example.test").end_rr();
  check_read(m, record_type::a, {ARES_SUCCESS, {{"1.2.3.4", 0}}});
}

TEST_CASE("at most the caller's number of addresses", "[unit]") {
  auto m = with_question(3);
  for (std::uint8_t i = 1; i <= 3; ++i)
    m.rr("www.example.test", t_a, 10).raw({10, 0, 0, i}).end_rr();
  const auto mine = ours(m.bytes, record_type::a, 2);
  REQUIRE(mine.has_value());
  CHECK(*mine == cares(m.bytes, record_type::a, 2));
  CHECK(mine->addresses.size() == 2);
}

TEST_CASE("messages not of the plain shape are left to c-ares", "[unit]") {
  SECTION("two questions (c-ares: EBADRESP)") {
    message_builder m;
    m.header(0, 2, 1, 0).question("www.example.test", t_a).question("www.example.test", t_a);
    m.rr("www.example.test", t_a, 10).raw({4, 4, 4, 4}).end_rr();
    check_left_to_cares(m, record_type::a);
  }
  SECTION("a question with a byte c-ares escapes") {
    auto m = with_question(1, "w w.example.test");
    m.rr("w w.example.test", t_a, 10).raw({4, 4, 4, 4}).end_rr();
    check_left_to_cares(m, record_type::a);
  }
  SECTION("a dot inside a label") {
    message_builder m;
    m.header(0, 1, 1, 0).raw({3, 'a', '.', 'b', 0}).u16(t_a).u16(1);
    m.raw({0xc0, 0x0c}).u16(t_a).u16(1).u32(10).u16(4).raw({8, 8, 8, 8});
    check_left_to_cares(m, record_type::a);
  }
  SECTION("the root") {
    auto m = with_question(1, "");
    m.rr("", t_a, 10).raw({4, 4, 4, 4}).end_rr();
    check_left_to_cares(m, record_type::a);
  }
  SECTION("a CNAME target c-ares' hostname check refuses (EBADRESP)") {
    auto m = with_question(2);
    m.rr("www.example.test", t_cname, 10).name("w*w.example.test").end_rr();
    m.rr("w*w.example.test", t_a, 10).raw({4, 4, 4, 4}).end_rr();
    check_left_to_cares(m, record_type::a);
    CHECK(cares(m.bytes, record_type::a).status == ARES_EBADRESP);
  }
  SECTION("an owner behind more compression pointers than c-ares follows (50)") {
    auto m = with_question(2);
    const std::size_t rdata = m.bytes.size() + 12;
    std::vector<std::uint8_t> chain;
    std::size_t previous = 12;
    for (std::size_t i = 0; i < 50; ++i) {
      const std::size_t here = rdata + chain.size();
      chain.push_back(static_cast<std::uint8_t>(0xc0U | (previous >> 8U)));
      chain.push_back(static_cast<std::uint8_t>(previous & 0xffU));
      previous = here;
    }
    m.raw({0xc0, 0x0c}).u16(16).u16(1).u32(10).u16(static_cast<std::uint16_t>(chain.size()));
    m.bytes.insert(m.bytes.end(), chain.begin(), chain.end());
    m.raw({static_cast<std::uint8_t>(0xc0U | (previous >> 8U)),
           static_cast<std::uint8_t>(previous & 0xffU)});
    m.u16(t_a).u16(1).u32(10).u16(4).raw({4, 4, 4, 4});
    check_left_to_cares(m, record_type::a);
    CHECK(cares(m.bytes, record_type::a).status == ARES_EBADRESP);
  }
}

namespace {

// Random answers of the plain shape: names from a few, in any case, written whole or as a
// pointer to a name written before; A, AAAA (right and wrong lengths), CNAMEs and other records
// in any order, a few of class CH, TTLs with the top bit set now and then.
class random_answer {
 public:
  explicit random_answer(std::uint32_t seed) : state_(seed) {}

  std::vector<std::uint8_t> make() {
    message_builder m;
    written_.clear();
    const auto count = static_cast<std::uint16_t>(next(8));
    m.header(0, 1, count, 0);
    write_name(m);
    m.u16(t_a).u16(1);
    for (std::uint16_t i = 0; i < count; ++i) write_record(m);
    return m.bytes;
  }

 private:
  std::uint32_t next(std::uint32_t bound) {
    state_ = state_ * 1664525U + 1013904223U;  // a linear congruential generator
    return (state_ >> 8U) % bound;
  }

  void write_name(message_builder& m) {
    static constexpr std::array<std::string_view, 5> names{
        "www.example.test", "web.example.test", "cdn.example.net", "x-y_z.test", "example.test"};
    if (!written_.empty() && next(2) == 0) {
      const std::size_t to = written_[next(static_cast<std::uint32_t>(written_.size()))];
      m.raw({static_cast<std::uint8_t>(0xc0U | (to >> 8U)), static_cast<std::uint8_t>(to)});
      return;
    }
    written_.push_back(m.bytes.size());
    std::string name(names[next(names.size())]);
    for (char& c : name) {
      if (c >= 'a' && c <= 'z' && next(4) == 0) c = static_cast<char>(c - 'a' + 'A');
    }
    m.name(name);
  }

  void write_record(message_builder& m) {
    write_name(m);
    static constexpr std::array<std::uint16_t, 5> types{t_a, t_a, t_aaaa, t_cname, 16};
    const std::uint16_t type = types[next(types.size())];
    const std::uint16_t rclass = next(8) == 0 ? 3 : 1;
    const std::uint32_t ttl = next(10) == 0 ? 0x80000000U + next(100) : next(1000);
    m.u16(type).u16(rclass).u32(ttl);
    const std::size_t length_at = m.bytes.size();
    m.u16(0);
    if (type == t_cname) {
      write_name(m);
    } else {
      std::size_t size = type == t_a ? 4 : 16;
      if (next(8) == 0) size = next(20);
      for (std::size_t i = 0; i < size; ++i) m.u8(static_cast<std::uint8_t>(next(256)));
    }
    const std::size_t length = m.bytes.size() - length_at - 2;
    m.bytes[length_at] = static_cast<std::uint8_t>(length >> 8U);
    m.bytes[length_at + 1] = static_cast<std::uint8_t>(length & 0xffU);
  }

  std::uint32_t state_;
  std::vector<std::size_t> written_;
};

}  // namespace

TEST_CASE("random answers of the plain shape: c-ares' outcome for each", "[unit]") {
  random_answer gen(20261125);
  int read = 0;
  std::array<int, 3> seen{};  // addresses found, success with none, ENODATA
  for (int i = 0; i < 20000; ++i) {
    const auto message = gen.make();
    for (const auto type : {record_type::a, record_type::aaaa}) {
      const auto mine = ours(message, type);
      if (!mine) continue;
      ++read;
      ++seen[!mine->addresses.empty() ? 0U : mine->status == ARES_SUCCESS ? 1U : 2U];
      const outcome theirs = cares(message, type);
      if (*mine != theirs) {
        INFO("message " << i);
        CHECK(mine->status == theirs.status);
        CHECK(mine->addresses == theirs.addresses);
      }
    }
  }
  CHECK(read == 40000);                      // every one is plain: none left to c-ares
  for (const int n : seen) CHECK(n > 5000);  // each outcome well represented
}
