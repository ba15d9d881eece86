// The Public Suffix List through libpsl: public suffixes (ICANN and private sections) and
// registrable domains, as cookies (RFC 6265 5.3 step 5) and crawl scopes use them.
#include <corofetch/url/public_suffix.hpp>

#include <catch2/catch.hpp>

namespace url = corofetch::url;

TEST_CASE("registrable_domain: one label under the public suffix", "[unit]") {
  CHECK(url::registrable_domain("a.b.example.co.uk") == "example.co.uk");
  CHECK(url::registrable_domain("example.co.uk") == "example.co.uk");
  CHECK(url::registrable_domain("www.example.com") == "example.com");
  CHECK(url::registrable_domain("user.github.io") == "user.github.io");  // private section
  CHECK(url::registrable_domain("co.uk").empty());                       // a suffix itself
  CHECK(url::registrable_domain("127.0.0.1").empty());
  CHECK(url::registrable_domain("[::1]").empty());
  CHECK(url::registrable_domain("").empty());
}

TEST_CASE("is_public_suffix: ICANN and private suffixes, not the names below them", "[unit]") {
  CHECK(url::is_public_suffix("com"));
  CHECK(url::is_public_suffix("co.uk"));
  CHECK(url::is_public_suffix("github.io"));
  CHECK_FALSE(url::is_public_suffix("example.com"));
  CHECK_FALSE(url::is_public_suffix("example.co.uk"));
  CHECK_FALSE(url::is_public_suffix("user.github.io"));
}
