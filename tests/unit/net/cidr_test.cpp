#include <corofetch/net/cidr.hpp>

#include <catch2/catch.hpp>

using corofetch::net::cidr;
using corofetch::net::errc;
using corofetch::net::ip_address;
using corofetch::net::parse_address;
using corofetch::net::parse_cidr;

namespace {

ip_address addr(std::string_view text) {
  auto a = parse_address(text);
  REQUIRE(a);
  return a.value();
}

cidr block(std::string_view text) {
  auto c = parse_cidr(text);
  REQUIRE(c);
  return c.value();
}

}  // namespace

TEST_CASE("10.11.12.13/24: the seed's example", "[unit]") {
  const cidr c = block("10.11.12.13/24");
  CHECK(c.address() == addr("10.11.12.13"));
  CHECK(c.prefix_length() == 24);
  CHECK(c.network() == addr("10.11.12.0"));
  CHECK(c.broadcast() == addr("10.11.12.255"));
  CHECK(c.netmask() == addr("255.255.255.0"));
  CHECK(c.hostmask() == addr("0.0.0.255"));
  CHECK(c.last() == addr("10.11.12.255"));
  CHECK(c.to_string() == "10.11.12.13/24");
  CHECK(c.contains(addr("10.11.12.0")));
  CHECK(c.contains(addr("10.11.12.200")));
  CHECK_FALSE(c.contains(addr("10.11.13.1")));
  CHECK_FALSE(c.contains(addr("10.11.11.255")));
}

TEST_CASE("a dotted netmask is the same block as its prefix length", "[unit]") {
  CHECK(block("10.11.12.13/255.255.255.0") == block("10.11.12.13/24"));
  CHECK(block("10.0.0.0/255.0.0.0").prefix_length() == 8);
  CHECK(block("10.0.0.0/255.255.255.255").prefix_length() == 32);
  CHECK(block("10.0.0.0/0.0.0.0").prefix_length() == 0);
  CHECK(block("172.16.5.4/255.240.0.0").network() == addr("172.16.0.0"));
  CHECK(block("192.168.1.77/255.255.255.192").broadcast() == addr("192.168.1.127"));
  CHECK(block("2001:db8::1/ffff:ffff::").prefix_length() == 32);
}

TEST_CASE("prefix boundaries give exact network and broadcast addresses", "[unit]") {
  const cidr any = block("10.1.2.3/0");
  CHECK(any.network() == addr("0.0.0.0"));
  CHECK(any.broadcast() == addr("255.255.255.255"));
  CHECK(any.contains(addr("203.0.113.9")));

  const cidr odd = block("10.1.2.3/13");
  CHECK(odd.network() == addr("10.0.0.0"));
  CHECK(odd.broadcast() == addr("10.7.255.255"));
  CHECK(odd.netmask() == addr("255.248.0.0"));

  const cidr p30 = block("192.0.2.5/30");
  CHECK(p30.network() == addr("192.0.2.4"));
  CHECK(p30.broadcast() == addr("192.0.2.7"));

  const cidr p31 = block("192.0.2.5/31");  // RFC 3021 point-to-point: no broadcast
  CHECK(p31.network() == addr("192.0.2.4"));
  CHECK_FALSE(p31.broadcast().has_value());
  CHECK(p31.last() == addr("192.0.2.5"));

  const cidr host = block("192.0.2.5/32");
  CHECK(host.network() == addr("192.0.2.5"));
  CHECK_FALSE(host.broadcast().has_value());
  CHECK(host.contains(addr("192.0.2.5")));
  CHECK_FALSE(host.contains(addr("192.0.2.4")));
}

TEST_CASE("IPv6 prefixes", "[unit]") {
  const cidr c = block("2001:db8::/32");
  CHECK(c.prefix_length() == 32);
  CHECK(c.network() == addr("2001:db8::"));
  CHECK(c.netmask() == addr("ffff:ffff::"));
  CHECK(c.last() == addr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  CHECK_FALSE(c.broadcast().has_value());
  CHECK(c.contains(addr("2001:db8:1234::1")));
  CHECK_FALSE(c.contains(addr("2001:db9::1")));
  CHECK_FALSE(c.contains(addr("10.0.0.1")));

  const cidr ll = block("fe80::1:2:3:4/10");
  CHECK(ll.network() == addr("fe80::"));
  CHECK(ll.contains(addr("febf::1")));
  CHECK_FALSE(ll.contains(addr("fec0::1")));
  CHECK(block("2001:db8:abcd:12::1/60").network() == addr("2001:db8:abcd:10::"));
  CHECK(block("::1").prefix_length() == 128);
  CHECK(block("::/0").contains(addr("ffff::1")));
}

TEST_CASE("IPv4-mapped addresses are checked as their IPv4 address", "[unit]") {
  CHECK(block("10.0.0.0/8").contains(addr("::ffff:10.9.8.7")));
  CHECK_FALSE(block("10.0.0.0/8").contains(addr("::ffff:11.0.0.1")));
  CHECK(block("::ffff:0:0/96").contains(addr("1.2.3.4")));
  CHECK_FALSE(block("2001:db8::/32").contains(addr("1.2.3.4")));
}

TEST_CASE("block containment", "[unit]") {
  CHECK(block("10.0.0.0/8").contains(block("10.20.0.0/16")));
  CHECK(block("10.0.0.0/8").contains(block("10.0.0.0/8")));
  CHECK_FALSE(block("10.20.0.0/16").contains(block("10.0.0.0/8")));
  CHECK_FALSE(block("10.0.0.0/8").contains(block("11.0.0.0/16")));
  CHECK_FALSE(block("::/0").contains(block("10.0.0.0/8")));
}

TEST_CASE("a bare address is its own block", "[unit]") {
  CHECK(block("192.0.2.1") == block("192.0.2.1/32"));
  CHECK(block("2001:db8::1").prefix_length() == 128);
}

TEST_CASE("bad prefixes and netmasks are refused with their reason", "[unit]") {
  CHECK(parse_cidr("10.0.0.0/33").error() == errc::prefix_length_out_of_range);
  CHECK(parse_cidr("10.0.0.0/999").error() == errc::prefix_length_out_of_range);
  CHECK(parse_cidr("2001:db8::/129").error() == errc::prefix_length_out_of_range);
  CHECK(parse_cidr("10.0.0.0/").error() == errc::prefix_length_invalid);
  CHECK(parse_cidr("10.0.0.0/08").error() == errc::prefix_length_invalid);
  CHECK(parse_cidr("10.0.0.0/+8").error() == errc::prefix_length_invalid);
  CHECK(parse_cidr("10.0.0.0/-1").error() == errc::prefix_length_invalid);
  CHECK(parse_cidr("10.0.0.0/8 ").error() == errc::prefix_length_invalid);
  CHECK(parse_cidr("10.0.0.0/1000").error() == errc::prefix_length_invalid);
  CHECK(parse_cidr("10.0.0.0/8/8").error() == errc::prefix_length_invalid);
  CHECK(parse_cidr("10.0.0.0/24x").error() == errc::prefix_length_invalid);
  CHECK(parse_cidr("10.0.0.0/255.0.255.0").error() == errc::netmask_non_contiguous);
  CHECK(parse_cidr("10.0.0.0/0.0.0.255").error() == errc::netmask_non_contiguous);
  CHECK(parse_cidr("10.0.0.0/255.255.253.0").error() == errc::netmask_non_contiguous);
  CHECK(parse_cidr("10.0.0.0/255.255.0").error() == errc::prefix_length_invalid);
  CHECK(parse_cidr("10.0.0.0/ffff::").error() == errc::netmask_family_mismatch);
  CHECK(parse_cidr("2001:db8::/255.255.0.0").error() == errc::netmask_family_mismatch);
  CHECK(parse_cidr("10.0.0/8").error() == errc::ipv4_invalid);
  CHECK(parse_cidr("/8").error() == errc::address_invalid);
  CHECK(parse_cidr("").error() == errc::address_invalid);
  CHECK(parse_cidr("junk").error() == errc::ipv4_invalid);
}

TEST_CASE("cidr::make bounds the prefix length", "[unit]") {
  CHECK(cidr::make(addr("1.2.3.4"), 32));
  CHECK(cidr::make(addr("1.2.3.4"), 33).error() == errc::prefix_length_out_of_range);
  CHECK(cidr::make(addr("::"), 128));
  CHECK(cidr::make(addr("::"), 129).error() == errc::prefix_length_out_of_range);
  CHECK(cidr{}.to_string() == "0.0.0.0/0");
}

TEST_CASE("netmask_prefix_length", "[unit]") {
  CHECK(corofetch::net::netmask_prefix_length(addr("255.255.254.0")).value() == 23);
  CHECK(corofetch::net::netmask_prefix_length(addr("ffff:ffff:ffff:ff80::")).value() == 57);
  CHECK(corofetch::net::netmask_prefix_length(addr("255.255.255.1")).error() ==
        errc::netmask_non_contiguous);
}
