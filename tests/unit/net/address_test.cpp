#include <corofetch/net/address.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <unordered_set>

using corofetch::net::errc;
using corofetch::net::ip_address;
using corofetch::net::parse_address;
using corofetch::net::parse_ipv4;
using corofetch::net::parse_ipv6;

namespace {

std::string round_trip(std::string_view text) {
  auto a = parse_address(text);
  REQUIRE(a.has_value());
  return a.value().to_string();
}

std::error_code error_of(std::string_view text) {
  return parse_address(text).error();
}

}  // namespace

TEST_CASE("IPv4 dotted decimal parses to exact bytes", "[unit]") {
  auto a = parse_ipv4("10.11.12.13");
  REQUIRE(a);
  CHECK(a.value().is_v4());
  CHECK(a.value().to_v4_uint() == 0x0a0b0c0dU);
  CHECK(a.value().bit_width() == 32);
  CHECK(a.value().bytes().size() == 4);
  CHECK(a.value().to_string() == "10.11.12.13");
  CHECK(round_trip("0.0.0.0") == "0.0.0.0");
  CHECK(round_trip("255.255.255.255") == "255.255.255.255");
  CHECK(round_trip("192.168.100.9") == "192.168.100.9");
  CHECK(ip_address::v4(0x7f000001) == ip_address::v4({127, 0, 0, 1}));
}

TEST_CASE("IPv4 shorthands, leading zeros and junk are refused", "[unit]") {
  CHECK(error_of("") == errc::address_invalid);
  CHECK(error_of("127.1") == errc::ipv4_invalid);
  CHECK(error_of("2130706433") == errc::ipv4_invalid);
  CHECK(error_of("0x7f.0.0.1") == errc::ipv4_invalid);
  CHECK(error_of("1.2.3.4.5") == errc::ipv4_invalid);
  CHECK(error_of("256.0.0.1") == errc::ipv4_invalid);
  CHECK(error_of("1.2.3.1000") == errc::ipv4_invalid);
  CHECK(error_of("1.2.3.") == errc::ipv4_invalid);
  CHECK(error_of(".1.2.3") == errc::ipv4_invalid);
  CHECK(error_of("1..2.3") == errc::ipv4_invalid);
  CHECK(error_of(" 1.2.3.4") == errc::ipv4_invalid);
  CHECK(error_of("1.2.3.4 ") == errc::ipv4_invalid);
  CHECK(error_of("1.2.3.-4") == errc::ipv4_invalid);
  CHECK(error_of("010.0.0.1") == errc::ipv4_leading_zero);
  CHECK(error_of("10.0.0.01") == errc::ipv4_leading_zero);
  CHECK(error_of("localhost") == errc::ipv4_invalid);
}

TEST_CASE("IPv6 text forms parse and print in RFC 5952 form", "[unit]") {
  CHECK(round_trip("::") == "::");
  CHECK(round_trip("::1") == "::1");
  CHECK(round_trip("1::") == "1::");
  CHECK(round_trip("2001:DB8::1") == "2001:db8::1");
  CHECK(round_trip("2001:0db8:0000:0000:0000:0000:0000:0001") == "2001:db8::1");
  CHECK(round_trip("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");     // first run on a tie
  CHECK(round_trip("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");  // one zero group stays
  CHECK(round_trip("2001:0:0:1:0:0:0:1") == "2001:0:0:1::1");           // the longest run
  CHECK(round_trip("fe80::1:2") == "fe80::1:2");
  CHECK(round_trip("1:2:3:4:5:6:7:8") == "1:2:3:4:5:6:7:8");
  CHECK(round_trip("::ffff:1.2.3.4") == "::ffff:1.2.3.4");
  CHECK(round_trip("::ffff:0102:0304") == "::ffff:1.2.3.4");
  CHECK(round_trip("1:2:3:4:5:6:1.2.3.4") == "1:2:3:4:5:6:102:304");
  CHECK(round_trip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") ==
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

  auto a = parse_ipv6("2001:db8::ff00:42:8329");
  REQUIRE(a);
  const ip_address::v6_bytes expected{0x20, 0x01, 0x0d, 0xb8, 0, 0,    0,    0,
                                      0,    0,    0xff, 0x00, 0, 0x42, 0x83, 0x29};
  CHECK(a.value() == ip_address::v6(expected));
  CHECK(a.value().bit_width() == 128);
}

TEST_CASE("malformed IPv6 addresses are refused", "[unit]") {
  for (const char* text : {":", ":::", "1:2", "1:::2", "1::2::3", ":1::2", "1::2:", "12345::",
                           "1:2:3:4:5:6:7:8:9", "1::2:3:4:5:6:7:8", "g::1", "[::1]", "::1 ",
                           "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "1.2.3.4::", ":: 1"}) {
    INFO(text);
    auto r = parse_address(text);
    CHECK_FALSE(r);
  }
  CHECK(error_of("::1.2.3.256") == errc::ipv4_invalid);
  CHECK(error_of("::1.02.3.4") == errc::ipv4_leading_zero);
  CHECK(error_of("1::2::3") == errc::ipv6_invalid);
  CHECK(error_of("fe80::1%eth0") == errc::ipv6_zone_unsupported);
}

TEST_CASE("IPv4-mapped addresses map and unmap", "[unit]") {
  auto mapped = parse_address("::ffff:10.0.0.1");
  REQUIRE(mapped);
  CHECK(mapped.value().is_v4_mapped());
  CHECK(mapped.value().unmapped() == parse_address("10.0.0.1").value());
  CHECK(parse_address("10.0.0.1").value().to_v6_mapped() == mapped.value());
  CHECK_FALSE(parse_address("::10.0.0.1").value().is_v4_mapped());
  CHECK(parse_address("::1").value().unmapped() == parse_address("::1").value());
}

TEST_CASE("addresses order IPv4 first, compare by bytes and hash", "[unit]") {
  CHECK(parse_address("9.0.0.0").value() < parse_address("10.0.0.0").value());
  CHECK(parse_address("255.255.255.255").value() < parse_address("::").value());
  CHECK(parse_address("::1").value() != parse_address("::2").value());
  std::unordered_set<ip_address> set{parse_address("::1").value(),
                                     parse_address("127.0.0.1").value(),
                                     parse_address("::1").value()};
  CHECK(set.size() == 2);
  CHECK(ip_address{} == ip_address::v4(0));
}

TEST_CASE("addresses convert to and from asio", "[unit]") {
  for (const char* text : {"127.0.0.1", "::1", "2001:db8::5", "::ffff:1.2.3.4"}) {
    auto a = parse_address(text);
    REQUIRE(a);
    const auto asio_address = corofetch::net::to_asio(a.value());
    CHECK(asio_address.to_string() == a.value().to_string());
    CHECK(corofetch::net::from_asio(asio_address) == a.value());
  }
}

TEST_CASE("format_to writes the longest form within max_text_length", "[unit]") {
  auto a = parse_address("::ffff:255.255.255.255");
  REQUIRE(a);
  char buffer[ip_address::max_text_length];
  char* end = a.value().format_to(buffer);
  CHECK(std::string(buffer, end) == "::ffff:255.255.255.255");
  auto b = parse_address("1111:2222:3333:4444:5555:6666:255.255.255.255");
  REQUIRE(b);
  end = b.value().format_to(buffer);
  CHECK(static_cast<std::size_t>(end - buffer) <= ip_address::max_text_length);
  CHECK(std::string(buffer, end) == "1111:2222:3333:4444:5555:6666:ffff:ffff");
}
