// client::parse_resolve_override: curl's --resolve syntax, as cf-fetch and cf-page take it.
#include <corofetch/client/options.hpp>

#include <catch2/catch.hpp>

#include <system_error>

namespace client = corofetch::client;

TEST_CASE("parse_resolve_override reads HOST:PORT:ADDR", "[unit]") {
  auto v4 = client::parse_resolve_override("www.test:8080:127.0.0.1");
  REQUIRE(v4);
  CHECK(v4->host == "www.test");
  CHECK(v4->port == 8080);
  CHECK(v4->address == "127.0.0.1");

  auto v6 = client::parse_resolve_override("gallery.test:443:[::1]");
  REQUIRE(v6);
  CHECK(v6->port == 443);
  CHECK(v6->address == "[::1]");

  auto bare6 = client::parse_resolve_override("h:0:::1");
  REQUIRE(bare6);
  CHECK(bare6->port == 0);
  CHECK(bare6->address == "::1");

  CHECK(client::parse_resolve_override("h:65535:127.0.0.1"));
}

TEST_CASE("parse_resolve_override rejects what is not HOST:PORT:ADDR", "[unit]") {
  for (const char* bad : {"", "host", "host:80", "host:80:", ":80:127.0.0.1", "host::127.0.0.1",
                          "host:65536:127.0.0.1", "host:8x:127.0.0.1", "host:-1:127.0.0.1",
                          "host:123456:127.0.0.1"}) {
    INFO(bad);
    auto r = client::parse_resolve_override(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error() == std::errc::invalid_argument);
  }
}
