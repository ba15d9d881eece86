#include <corofetch/net/error.hpp>

#include <catch2/catch.hpp>

#include <string>

using corofetch::net::errc;

TEST_CASE("net errors have the corofetch.net category and a message each", "[unit]") {
  const std::error_code ec = errc::connect_timeout;
  CHECK(std::string(ec.category().name()) == "corofetch.net");
  CHECK(ec.message() == "connect timed out");
  CHECK(std::error_code(errc::tls_hostname_mismatch).message() ==
        "TLS certificate does not match the host name");
  for (int code = static_cast<int>(errc::ipv4_invalid);
       code <= static_cast<int>(errc::stream_timeout); ++code) {
    INFO(code);
    CHECK(std::error_code(code, corofetch::net::net_category()).message() !=
          "unknown corofetch.net error");
  }
  CHECK(std::error_code(999, corofetch::net::net_category()).message() ==
        "unknown corofetch.net error");
}
