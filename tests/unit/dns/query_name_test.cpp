#include <corofetch/dns/cache.hpp>
#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/detail/query_name.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

using namespace corofetch::dns;
using corofetch::dns::detail::plain_wire_name;
using corofetch::dns::detail::scan_query_name;
using corofetch::dns::detail::wire_buffer;

namespace {

// The checks the resolver made before scan_query_name() did them in one pass: RFC 1035 2.3.4 /
// RFC 1123 2.1, escaped names left to c-ares.
bool reference_valid(std::string_view name) {
  if (name == ".") return true;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  if (name.find('\\') != std::string_view::npos) return true;
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (++label > 63) {
      return false;
    }
  }
  return label > 0;
}

// scan_query_name() must agree with the reference check, cache::make_key() (with the relative
// mark) and plain_wire_name() on every name.
void check_against_reference(std::string_view name, record_type type, bool mark) {
  INFO("name: " << std::string(name) << " mark " << mark);
  std::string key;
  wire_buffer wire;
  const bool valid = scan_query_name(name, type, mark, key, wire);
  REQUIRE(valid == reference_valid(name));
  if (!valid) return;
  std::string cache_name(name);
  if (mark && !name.empty() && name.back() != '.') cache_name += ' ';
  std::string expected_key;
  cache::make_key(expected_key, cache_name, type);
  CHECK(key == expected_key);
  std::string expected_wire;
  if (!plain_wire_name(expected_wire, name)) expected_wire.clear();
  CHECK(wire.view() == expected_wire);
}

}  // namespace

TEST_CASE("scan_query_name builds the cache key and the wire form, checking labels", "[unit]") {
  std::string key;
  wire_buffer wire;
  REQUIRE(scan_query_name("H00042.Bench.Test", record_type::a, false, key, wire));
  CHECK(key == std::string("\0\1h00042.bench.test", 19));
  CHECK(wire.view() == std::string("\6H00042\5Bench\4Test\0", 19));

  REQUIRE(scan_query_name("www.example.", record_type::aaaa, true, key, wire));
  CHECK(key == std::string("\0\x1cwww.example", 13));  // absolute: no relative mark
  CHECK(wire.view() == std::string("\3www\7example\0", 13));

  REQUIRE(scan_query_name("www", record_type::mx, true, key, wire));
  CHECK(key == std::string("\0\x0fwww ", 6));  // relative, searched: marked

  REQUIRE(scan_query_name(".", record_type::ns, false, key, wire));
  CHECK(key == std::string("\0\2", 2));
  CHECK(wire.view() == std::string("\0", 1));

  // Escapes are c-ares' to judge, and have no plain wire form.
  REQUIRE(scan_query_name("a\\.b..c", record_type::a, false, key, wire));
  CHECK(wire.view().empty());
  REQUIRE(scan_query_name("two words.test", record_type::a, false, key, wire));
  CHECK(wire.view().empty());  // a space prints as \032

  CHECK_FALSE(scan_query_name("", record_type::a, false, key, wire));
  CHECK_FALSE(scan_query_name("..", record_type::a, false, key, wire));
  CHECK_FALSE(scan_query_name("a..b", record_type::a, false, key, wire));
  CHECK_FALSE(scan_query_name(".a", record_type::a, false, key, wire));
  CHECK_FALSE(scan_query_name(std::string(64, 'x') + ".test", record_type::a, false, key, wire));
  CHECK(scan_query_name(std::string(63, 'x') + ".test", record_type::a, false, key, wire));
  CHECK(wire.size == 1 + 63 + 1 + 4 + 1);
}

TEST_CASE("scan_query_name agrees with the reference checks on edge and random names", "[unit]") {
  const std::string l63(63, 'a');
  const std::string edge[] = {
      "a",
      "A.",
      "a.b",
      "a.b.",
      "-.-",
      "x..",
      l63,
      l63 + "b",
      l63 + "." + l63 + "." + l63,
      l63 + "." + l63 + "." + l63 + "." + std::string(61, 'c'),  // 253 characters
      l63 + "." + l63 + "." + l63 + "." + std::string(62, 'c'),  // 254
      l63 + "." + l63 + "." + l63 + "." + std::string(61, 'c') + ".",
      std::string(16, 'Q') + "." + std::string(15, 'r'),  // labels across 16-byte blocks
      std::string("caf\xc3\xa9.test"),
      std::string("nul\0byte", 8),
      "back\\slash",
      "del\x7f"};
  for (const auto& name : edge) {
    for (const bool mark : {false, true}) check_against_reference(name, record_type::a, mark);
  }
  std::mt19937 rng(20261125);
  const std::string alphabet = "aZ09-_.\\ \x80\xff";
  for (int i = 0; i < 3000; ++i) {
    const auto size = std::uniform_int_distribution<std::size_t>(0, 260)(rng);
    std::string name;
    for (std::size_t k = 0; k < size; ++k) {
      // Mostly letters, so labels are long enough to pass now and then.
      const auto pick = std::uniform_int_distribution<int>(0, 40)(rng);
      name += pick < static_cast<int>(alphabet.size()) ? alphabet[static_cast<std::size_t>(pick)]
                                                       : static_cast<char>('a' + pick % 26);
    }
    check_against_reference(name, record_type::txt, i % 2 == 0);
  }
}

TEST_CASE("plain_wire_name writes length-prefixed labels for names printed as they are", "[unit]") {
  std::string wire;
  REQUIRE(plain_wire_name(wire, "mail.example.test."));
  CHECK(wire == std::string("\4mail\7example\4test\0", 19));
  REQUIRE(plain_wire_name(wire, ""));
  CHECK(wire == std::string("\0", 1));
  CHECK_FALSE(plain_wire_name(wire, "a\\.b"));
  CHECK_FALSE(plain_wire_name(wire, "tab\t.test"));
  CHECK_FALSE(plain_wire_name(wire, "a..b"));
  CHECK_FALSE(plain_wire_name(wire, std::string(64, 'x')));
}
