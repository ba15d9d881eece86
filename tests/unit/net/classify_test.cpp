#include <corofetch/net/classify.hpp>

#include <catch2/catch.hpp>

using corofetch::net::address_class;
using corofetch::net::classify;
using corofetch::net::is_private_or_local;
using corofetch::net::parse_address;

namespace {

address_class class_of(std::string_view text) {
  auto a = parse_address(text);
  REQUIRE(a);
  return classify(a.value());
}

}  // namespace

TEST_CASE("IPv4 addresses are classified by the special-purpose registry", "[unit]") {
  struct row {
    const char* address;
    address_class expected;
  };
  const row rows[] = {
      {"0.0.0.0", address_class::unspecified},
      {"0.1.2.3", address_class::reserved},
      {"127.0.0.1", address_class::loopback},
      {"127.255.255.254", address_class::loopback},
      {"10.0.0.1", address_class::private_use},
      {"10.255.255.255", address_class::private_use},
      {"172.16.0.1", address_class::private_use},
      {"172.31.255.255", address_class::private_use},
      {"172.15.255.255", address_class::global},
      {"172.32.0.0", address_class::global},
      {"192.168.0.1", address_class::private_use},
      {"192.169.0.1", address_class::global},
      {"100.64.0.1", address_class::carrier_grade_nat},
      {"100.127.255.255", address_class::carrier_grade_nat},
      {"100.128.0.0", address_class::global},
      {"100.63.255.255", address_class::global},
      {"169.254.169.254", address_class::link_local},
      {"169.255.0.1", address_class::global},
      {"224.0.0.1", address_class::multicast},
      {"239.255.255.250", address_class::multicast},
      {"240.0.0.1", address_class::reserved},
      {"255.255.255.254", address_class::reserved},
      {"255.255.255.255", address_class::broadcast},
      {"192.0.0.8", address_class::reserved},
      {"192.0.2.1", address_class::documentation},
      {"198.51.100.7", address_class::documentation},
      {"203.0.113.250", address_class::documentation},
      {"192.88.99.1", address_class::reserved},
      {"198.18.0.1", address_class::benchmarking},
      {"198.19.255.255", address_class::benchmarking},
      {"198.20.0.1", address_class::global},
      {"8.8.8.8", address_class::global},
      {"1.1.1.1", address_class::global},
      {"93.184.216.34", address_class::global},
      {"223.255.255.255", address_class::global},
  };
  for (const auto& r : rows) {
    INFO(r.address);
    CHECK(class_of(r.address) == r.expected);
  }
}

TEST_CASE("IPv6 addresses are classified by the special-purpose registry", "[unit]") {
  struct row {
    const char* address;
    address_class expected;
  };
  const row rows[] = {
      {"::", address_class::unspecified},
      {"::1", address_class::loopback},
      {"::2", address_class::reserved},
      {"::10.0.0.1", address_class::reserved},  // deprecated IPv4-compatible
      {"fc00::1", address_class::private_use},
      {"fd12:3456:789a::1", address_class::private_use},
      {"fe80::1", address_class::link_local},
      {"febf:ffff::1", address_class::link_local},
      {"fec0::1", address_class::private_use},
      {"ff02::1", address_class::multicast},
      {"ff05::1:3", address_class::multicast},
      {"2001:db8::1", address_class::documentation},
      {"3fff:fff::1", address_class::documentation},
      {"3fff:1000::1", address_class::global},
      {"2001:2::1", address_class::benchmarking},
      {"2001:2:1::1", address_class::reserved},
      {"2001::1", address_class::reserved},  // Teredo
      {"2001:1ff::1", address_class::reserved},
      {"2001:200::1", address_class::global},
      {"100::1", address_class::reserved},
      {"64:ff9b:1::a00:1", address_class::private_use},
      {"4000::1", address_class::reserved},
      {"1fff::1", address_class::reserved},
      {"2606:4700:4700::1111", address_class::global},
      {"2a00:1450:4001::200e", address_class::global},
  };
  for (const auto& r : rows) {
    INFO(r.address);
    CHECK(class_of(r.address) == r.expected);
  }
}

TEST_CASE("addresses carrying IPv4 are classified as that IPv4 address", "[unit]") {
  CHECK(class_of("::ffff:127.0.0.1") == address_class::loopback);
  CHECK(class_of("::ffff:10.1.2.3") == address_class::private_use);
  CHECK(class_of("::ffff:169.254.169.254") == address_class::link_local);
  CHECK(class_of("::ffff:0.0.0.0") == address_class::unspecified);
  CHECK(class_of("::ffff:8.8.8.8") == address_class::global);
  CHECK(class_of("64:ff9b::192.168.1.1") == address_class::private_use);
  CHECK(class_of("64:ff9b::8.8.8.8") == address_class::global);
  CHECK(class_of("2002:7f00:1::") == address_class::loopback);
  CHECK(class_of("2002:a9fe:a9fe::1") == address_class::link_local);
  CHECK(class_of("2002:808:808::1") == address_class::global);
}

TEST_CASE("is_private_or_local is true for everything but public addresses", "[unit]") {
  for (const char* text : {"127.0.0.1",
                           "10.0.0.1",
                           "172.16.0.1",
                           "192.168.1.1",
                           "100.64.0.1",
                           "169.254.169.254",
                           "0.0.0.0",
                           "224.0.0.1",
                           "255.255.255.255",
                           "192.0.2.1",
                           "::",
                           "::1",
                           "fe80::1",
                           "fc00::1",
                           "ff02::1",
                           "::ffff:127.0.0.1",
                           "::ffff:192.168.0.1",
                           "2001:db8::1",
                           "64:ff9b::10.0.0.1",
                           "2002:c0a8:101::1"}) {
    INFO(text);
    CHECK(is_private_or_local(parse_address(text).value()));
  }
  for (const char* text :
       {"8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:1.1.1.1", "64:ff9b::1.1.1.1"}) {
    INFO(text);
    CHECK_FALSE(is_private_or_local(parse_address(text).value()));
  }
}

TEST_CASE("address classes have stable names", "[unit]") {
  CHECK(to_string(address_class::global) == "public");
  CHECK(to_string(address_class::private_use) == "private");
  CHECK(to_string(address_class::link_local) == "link-local");
  CHECK(to_string(address_class::carrier_grade_nat) == "carrier-grade-nat");
  CHECK(to_string(address_class::loopback) == "loopback");
}
