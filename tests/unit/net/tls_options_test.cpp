#include <corofetch/net/tls.hpp>

#include <catch2/catch.hpp>

#include <string>

using corofetch::net::errc;
using corofetch::net::tls_context;
using corofetch::net::tls_options;

TEST_CASE("ALPN is off by default and takes protocol names of 1 to 255 bytes", "[unit]") {
  CHECK(tls_options{}.alpn.empty());
  tls_options o;
  o.insecure_skip_verify = true;  // no CA store needed
  o.alpn = {"h2", "http/1.1"};
  auto ok = tls_context::create(o);
  REQUIRE(ok.has_value());
  CHECK(ok->options().alpn.size() == 2);

  std::string why;
  o.alpn = {"h2", ""};
  auto empty = tls_context::create(o, &why);
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error() == errc::tls_context_failed);
  CHECK(why == "ALPN protocol name must be 1 to 255 bytes: \"\"");

  o.alpn = {std::string(256, 'x')};
  auto long_name = tls_context::create(o, &why);
  REQUIRE_FALSE(long_name.has_value());
  CHECK(long_name.error() == errc::tls_context_failed);
}
