#include <corofetch/dns/error.hpp>
#include <corofetch/dns/record.hpp>
#include <corofetch/dns/reverse_name.hpp>

#include <catch2/catch.hpp>

using namespace corofetch::dns;

TEST_CASE("record types by name", "[unit]") {
  CHECK(parse_record_type("mx") == record_type::mx);
  CHECK(parse_record_type("AAAA") == record_type::aaaa);
  CHECK(parse_record_type("Srv") == record_type::srv);
  CHECK_FALSE(parse_record_type("AXFR"));
  CHECK_FALSE(parse_record_type(""));
  CHECK(to_string(record_type::ptr) == "PTR");
}

TEST_CASE("presentation form as zone files write it", "[unit]") {
  CHECK(fully_qualified("") == ".");
  CHECK(fully_qualified("a.test") == "a.test.");
  CHECK(fully_qualified("a.test.") == "a.test.");
  CHECK(fully_qualified("a\\.") == "a\\..");
  CHECK(to_presentation(txt_data{{std::string("a\\b\x01\xff", 5)}}) == "\"a\\\\b\\001\\255\"");
  CHECK(to_presentation(mx_data{0, ""}) == "0 .");
  const record r{"www.example.test", record_type::a, 42,
                 a_data{asio::ip::make_address_v4("192.0.2.1")}};
  CHECK(to_zone_line(r) == "www.example.test. 42 IN A 192.0.2.1");
}

TEST_CASE("reverse names for PTR lookups (RFC 1035 3.5, RFC 3596 2.5)", "[unit]") {
  CHECK(reverse_name(asio::ip::make_address("192.0.2.10")) == "10.2.0.192.in-addr.arpa");
  CHECK(reverse_name(asio::ip::make_address("2001:db8::567:89ab")) ==
        "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  auto text = reverse_name(std::string_view("127.0.0.1"));
  REQUIRE(text);
  CHECK(text.value() == "1.0.0.127.in-addr.arpa");
  auto bad = reverse_name(std::string_view("not-an-address"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == errc::bad_name);
}

TEST_CASE("error classification", "[unit]") {
  CHECK(is_negative(errc::nxdomain));
  CHECK(is_negative(errc::nodata));
  CHECK_FALSE(is_negative(errc::timeout));
  CHECK(is_transient(errc::timeout));
  CHECK(is_transient(errc::servfail));
  CHECK(is_transient(errc::refused));
  CHECK_FALSE(is_transient(errc::nxdomain));
  CHECK(std::error_code(errc::nxdomain).message() == "Domain name not found");
}
