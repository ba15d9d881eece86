// client::cookie_jar against RFC 6265: Set-Cookie parsing (5.2), cookie dates (5.1.1), domain
// and path matching (5.1.3, 5.1.4), the storage model (5.3), the Cookie field (5.4), limits
// (6.1), and the Netscape cookie file curl reads and writes.
#include <corofetch/client/cookie_jar.hpp>
#include <corofetch/http/fields.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace client = corofetch::client;
using client::cookie_errc;
using client::cookie_jar;
using client::cookie_time;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

// Every test runs at a fixed time: 2024-01-15 12:00:00 UTC.
const sys_seconds t0 = sys_days{year{2024} / 1 / 15} + 12h;

corofetch::url::url url_of(std::string_view text) {
  auto u = corofetch::url::parse(text);
  if (!u) throw std::runtime_error("bad test URL " + std::string(text));
  return std::move(*u);
}

cookie_time date(int y, unsigned m, unsigned d, int h = 0, int min = 0, int s = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min} + seconds{s};
}

// Stores `text` as received for `url` at `now`, and returns the error (none when stored).
std::error_code store(cookie_jar& jar, std::string_view text, std::string_view url,
                      sys_seconds now = t0) {
  return jar.store(text, url_of(url), now);
}

std::string header(cookie_jar& jar, std::string_view url, sys_seconds now = t0) {
  return jar.cookie_header(url_of(url), now);
}

}  // namespace

TEST_CASE("cookie dates: the RFC 6265 5.1.1 algorithm", "[unit]") {
  const auto rfc1123 = client::parse_cookie_date("Sun, 06 Nov 1994 08:49:37 GMT");
  REQUIRE(rfc1123);
  CHECK(*rfc1123 == date(1994, 11, 6, 8, 49, 37));
  // RFC 850 with a two-digit year, asctime, and what servers write in the wild.
  CHECK(*client::parse_cookie_date("Sunday, 06-Nov-94 08:49:37 GMT") ==
        date(1994, 11, 6, 8, 49, 37));
  CHECK(*client::parse_cookie_date("Sun Nov  6 08:49:37 1994") == date(1994, 11, 6, 8, 49, 37));
  CHECK(*client::parse_cookie_date("Thu, 01-Jan-1970 00:00:01 GMT") == date(1970, 1, 1, 0, 0, 1));
  CHECK(*client::parse_cookie_date("6 november 2024 8:4:3") == date(2024, 11, 6, 8, 4, 3));
  CHECK(*client::parse_cookie_date("Wed, 31 Dec 9999 23:59:59 GMT") ==
        date(9999, 12, 31, 23, 59, 59));
  // Two-digit years: 70-99 are 19xx, 00-69 are 20xx.
  CHECK(*client::parse_cookie_date("Wed, 09-Jun-69 10:18:14 GMT") == date(2069, 6, 9, 10, 18, 14));
  CHECK(*client::parse_cookie_date("Wed, 09-Jun-70 10:18:14 GMT") == date(1970, 6, 9, 10, 18, 14));
  CHECK(*client::parse_cookie_date("Wed, 09-Jun-00 10:18:14 GMT") == date(2000, 6, 9, 10, 18, 14));

  for (const char* bad :
       {"", "Sun, 06 Nov 1994", "06 Nov 1994 08:49", "Sun, 30 Feb 2023 00:00:00 GMT",
        "Sun, 32 Jan 2023 00:00:00 GMT", "Sun, 00 Jan 2023 00:00:00 GMT",
        "Sun, 06 Nov 1600 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:60 GMT",
        "Sun, 06 Nov 1994 008:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 5 08:49:37 GMT", "Sun, 06 Nov 12345 08:49:37 GMT"}) {
    INFO(bad);
    CHECK_FALSE(client::parse_cookie_date(bad));
  }
}

TEST_CASE("Set-Cookie parsing: name, value and attributes (RFC 6265 5.2)", "[unit]") {
  auto c = client::parse_set_cookie(
      "  sid = a b=c ; path=/x ; DOMAIN=.Example.COM; secure; HTTPONLY; samesite=strict; "
      "Unknown=1; Max-Age=60",
      t0);
  REQUIRE(c);
  CHECK(c->name == "sid");
  CHECK(c->value == "a b=c");
  CHECK(c->path == "/x");
  CHECK(c->domain == "example.com");
  CHECK(c->secure);
  CHECK(c->http_only);
  CHECK(c->same_site == client::same_site_policy::strict);
  CHECK(c->expires == t0 + 60s);

  SECTION("an empty value, and no attributes") {
    auto e = client::parse_set_cookie("a=", t0);
    REQUIRE(e);
    CHECK(e->name == "a");
    CHECK(e->value.empty());
    CHECK_FALSE(e->expires);
    CHECK_FALSE(e->path);
    CHECK_FALSE(e->domain);
  }
  SECTION("ignored cookies: no '=', an empty name, control characters") {
    for (const char* bad : {"", "novalue", "=v", " =v; Path=/", "a=b\x01", "a\tb=1",
                            "a=1; Path=/\x7f", "a=1; Domain=x\x02.com"}) {
      INFO(bad);
      CHECK(client::parse_set_cookie(bad, t0).error() == cookie_errc::malformed);
    }
  }
  SECTION("the last attribute wins; a Path not starting with '/' is the default-path") {
    CHECK(client::parse_set_cookie("a=1; Path=/a; Path=/b", t0)->path == "/b");
    CHECK_FALSE(client::parse_set_cookie("a=1; Path=/a; Path=rel", t0)->path);
    CHECK_FALSE(client::parse_set_cookie("a=1; Path=", t0)->path);
    CHECK_FALSE(client::parse_set_cookie("a=1; Domain=", t0)->domain);
    CHECK(client::parse_set_cookie("a=1; SameSite=Lax; SameSite=bogus", t0)->same_site ==
          client::same_site_policy::unset);
    CHECK(client::parse_set_cookie("a=1; SameSite=none", t0)->same_site ==
          client::same_site_policy::none);
  }
  SECTION("Max-Age has precedence over Expires, in either order") {
    CHECK(client::parse_set_cookie("a=1; Max-Age=10; Expires=Fri, 01 Jan 2100 00:00:00 GMT", t0)
              ->expires == t0 + 10s);
    CHECK(client::parse_set_cookie("a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=10", t0)
              ->expires == t0 + 10s);
    CHECK(client::parse_set_cookie("a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT", t0)->expires ==
          date(2100, 1, 1));
    // An invalid Max-Age is ignored, an invalid Expires too.
    CHECK_FALSE(client::parse_set_cookie("a=1; Max-Age=12a", t0)->expires);
    CHECK_FALSE(client::parse_set_cookie("a=1; Max-Age=-", t0)->expires);
    CHECK_FALSE(client::parse_set_cookie("a=1; Expires=tomorrow", t0)->expires);
    // Zero or negative: the earliest time; huge: saturated, no overflow.
    CHECK(client::parse_set_cookie("a=1; Max-Age=0", t0)->expires < t0);
    CHECK(client::parse_set_cookie("a=1; Max-Age=-5", t0)->expires < t0);
    CHECK(client::parse_set_cookie("a=1; Max-Age=99999999999999999999999", t0)->expires ==
          date(9999, 12, 31, 23, 59, 59));
  }
}

TEST_CASE("domain-match, default-path and path-match (RFC 6265 5.1.3, 5.1.4)", "[unit]") {
  CHECK(client::domain_match("example.com", "example.com"));
  CHECK(client::domain_match("www.example.com", "example.com"));
  CHECK(client::domain_match("a.b.example.com", "example.com"));
  CHECK_FALSE(client::domain_match("badexample.com", "example.com"));
  CHECK_FALSE(client::domain_match("example.com", "www.example.com"));
  CHECK_FALSE(client::domain_match("example.com", ""));
  // IP addresses never domain-match a suffix.
  CHECK(client::domain_match("192.168.0.1", "192.168.0.1"));
  CHECK_FALSE(client::domain_match("192.168.0.1", "168.0.1"));
  CHECK_FALSE(client::domain_match("192.168.0.1", "0.1"));

  CHECK(client::default_path("") == "/");
  CHECK(client::default_path("x") == "/");
  CHECK(client::default_path("/") == "/");
  CHECK(client::default_path("/page") == "/");
  CHECK(client::default_path("/dir/page") == "/dir");
  CHECK(client::default_path("/dir/sub/") == "/dir/sub");

  CHECK(client::path_match("/docs", "/docs"));
  CHECK(client::path_match("/docs/a", "/docs"));
  CHECK(client::path_match("/docs/a", "/docs/"));
  CHECK(client::path_match("/anything", "/"));
  CHECK_FALSE(client::path_match("/docsx", "/docs"));
  CHECK_FALSE(client::path_match("/doc", "/docs"));
  CHECK_FALSE(client::path_match("/", "/docs"));
  CHECK_FALSE(client::path_match("/Docs", "/docs"));
}

TEST_CASE("host-only and domain cookies (RFC 6265 5.3 steps 4-6)", "[unit]") {
  cookie_jar jar;
  REQUIRE_FALSE(store(jar, "host=1", "http://www.example.com/"));
  REQUIRE_FALSE(store(jar, "dom=2; Domain=.Example.com", "http://www.example.com/"));
  CHECK(header(jar, "http://www.example.com/") == "host=1; dom=2");
  CHECK(header(jar, "http://example.com/") == "dom=2");
  CHECK(header(jar, "http://a.b.example.com/") == "dom=2");
  CHECK(header(jar, "http://a.www.example.com/") == "dom=2");  // host-only: not subdomains
  CHECK(header(jar, "http://badexample.com/").empty());
  CHECK(header(jar, "http://www.example.org/").empty());

  const auto all = jar.cookies(t0);
  REQUIRE(all.size() == 2);
  CHECK(all[0].domain == "example.com");
  CHECK_FALSE(all[0].host_only);
  CHECK(all[1].domain == "www.example.com");
  CHECK(all[1].host_only);

  SECTION("a Domain the host does not domain-match is refused") {
    CHECK(store(jar, "x=1; Domain=other.com", "http://www.example.com/") ==
          cookie_errc::domain_mismatch);
    CHECK(store(jar, "x=1; Domain=sub.www.example.com", "http://www.example.com/") ==
          cookie_errc::domain_mismatch);
    CHECK(store(jar, "x=1; Domain=ample.com", "http://www.example.com/") ==
          cookie_errc::domain_mismatch);
    CHECK(jar.size() == 2);
  }
  SECTION("a Domain equal to the host makes a domain cookie") {
    REQUIRE_FALSE(store(jar, "d=3; Domain=www.example.com", "http://www.example.com/"));
    CHECK(header(jar, "http://a.www.example.com/") == "dom=2; d=3");
  }
  SECTION("IP addresses: only the address itself") {
    REQUIRE_FALSE(store(jar, "ip=1", "http://127.0.0.1:8080/"));
    CHECK(store(jar, "ip=2; Domain=0.0.1", "http://127.0.0.1/") == cookie_errc::domain_mismatch);
    REQUIRE_FALSE(store(jar, "ip=3; Domain=127.0.0.1; Path=/x", "http://127.0.0.1/"));
    CHECK(header(jar, "http://127.0.0.1/x") == "ip=3; ip=1");  // cookies ignore the port
    CHECK(header(jar, "http://127.0.0.2/x").empty());
    REQUIRE_FALSE(store(jar, "v6=1", "http://[::1]:81/"));
    CHECK(header(jar, "http://[::1]/") == "v6=1");
    CHECK(jar.cookies(t0).front().domain == "127.0.0.1");
  }
  SECTION("only http and https URLs") {
    CHECK(store(jar, "a=1", "ftp://www.example.com/") == cookie_errc::not_http);
    CHECK(header(jar, "ftp://www.example.com/").empty());
  }
}

TEST_CASE("public suffixes are refused as Domain (RFC 6265 5.3 step 5, libpsl)", "[unit]") {
  cookie_jar jar;
  CHECK(store(jar, "a=1; Domain=co.uk", "http://foo.co.uk/") == cookie_errc::public_suffix);
  CHECK(store(jar, "a=1; Domain=.co.uk", "http://foo.co.uk/") == cookie_errc::public_suffix);
  CHECK(store(jar, "a=1; Domain=com", "http://example.com/") == cookie_errc::public_suffix);
  CHECK(store(jar, "a=1; Domain=github.io", "https://me.github.io/") ==
        cookie_errc::public_suffix);  // a private-section suffix
  CHECK(store(jar, "a=1; Domain=test", "http://www.example.test/") == cookie_errc::public_suffix);
  CHECK(jar.size() == 0);
  // A registrable domain below a suffix is fine.
  REQUIRE_FALSE(store(jar, "b=2; Domain=foo.co.uk", "http://www.foo.co.uk/"));
  CHECK(header(jar, "http://foo.co.uk/") == "b=2");
  CHECK(header(jar, "http://bar.co.uk/").empty());
  // A Domain that is the request host itself gives a host-only cookie.
  REQUIRE_FALSE(store(jar, "c=3; Domain=co.uk", "http://co.uk/"));
  CHECK(header(jar, "http://co.uk/") == "c=3");
  CHECK(header(jar, "http://foo.co.uk/") == "b=2");
  REQUIRE_FALSE(store(jar, "l=4; Domain=localhost", "http://localhost:8080/"));
  CHECK(header(jar, "http://localhost/") == "l=4");
}

TEST_CASE("paths: the default-path and Path (RFC 6265 5.1.4, 5.2.4)", "[unit]") {
  cookie_jar jar;
  REQUIRE_FALSE(store(jar, "d=1", "http://h.test/dir/page?q=/x"));
  REQUIRE_FALSE(store(jar, "r=2; Path=/", "http://h.test/dir/page"));
  REQUIRE_FALSE(store(jar, "a=3; Path=/admin", "http://h.test/dir/page"));
  REQUIRE_FALSE(store(jar, "rel=4; Path=relative", "http://h.test/dir/page"));
  CHECK(header(jar, "http://h.test/dir") == "d=1; rel=4; r=2");
  CHECK(header(jar, "http://h.test/dir/x/y") == "d=1; rel=4; r=2");
  CHECK(header(jar, "http://h.test/directory") == "r=2");
  CHECK(header(jar, "http://h.test/admin/users") == "a=3; r=2");
  CHECK(header(jar, "http://h.test/") == "r=2");
}

TEST_CASE("expiry: Expires, Max-Age, deletion (RFC 6265 5.3)", "[unit]") {
  cookie_jar jar;
  REQUIRE_FALSE(store(jar, "s=1", "http://h.test/"));
  REQUIRE_FALSE(store(jar, "m=2; Max-Age=60", "http://h.test/"));
  REQUIRE_FALSE(store(jar, "e=3; Expires=Mon, 15 Jan 2024 13:00:00 GMT", "http://h.test/"));
  REQUIRE_FALSE(store(jar, "old=4; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "http://h.test/"));
  CHECK(header(jar, "http://h.test/") == "s=1; m=2; e=3");
  CHECK(header(jar, "http://h.test/", t0 + 59s) == "s=1; m=2; e=3");
  CHECK(header(jar, "http://h.test/", t0 + 60s) == "s=1; e=3");
  CHECK(header(jar, "http://h.test/", t0 + 1h) == "s=1");
  CHECK(jar.size() == 1);  // expired cookies are evicted when met

  SECTION("the session cookie has no expiry, and ends with the session") {
    const auto all = jar.cookies(t0);
    REQUIRE(all.size() == 1);
    CHECK_FALSE(all[0].expires);
    jar.end_session();
    CHECK(jar.size() == 0);
  }
  SECTION("Max-Age=0 and a past Expires delete the stored cookie") {
    REQUIRE_FALSE(store(jar, "p=5; Max-Age=3600", "http://h.test/"));
    REQUIRE_FALSE(store(jar, "s=x; Max-Age=0", "http://h.test/"));
    REQUIRE_FALSE(store(jar, "p=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "http://h.test/"));
    CHECK(header(jar, "http://h.test/").empty());
    CHECK(jar.size() == 0);
  }
  SECTION("Max-Age overrides Expires") {
    REQUIRE_FALSE(
        store(jar, "o=6; Max-Age=10; Expires=Fri, 01 Jan 2100 00:00:00 GMT", "http://h.test/"));
    REQUIRE_FALSE(
        store(jar, "k=7; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=10", "http://h.test/"));
    CHECK(header(jar, "http://h.test/", t0 + 9s) == "s=1; o=6; k=7");
    CHECK(header(jar, "http://h.test/", t0 + 10s) == "s=1");
  }
}

TEST_CASE("Secure, HttpOnly and SameSite (RFC 6265 5.2.5, 5.2.6, 5.4)", "[unit]") {
  cookie_jar jar;
  REQUIRE_FALSE(store(jar, "plain=1", "https://h.test/"));
  REQUIRE_FALSE(store(jar, "sec=2; Secure", "http://h.test/"));  // RFC 6265 allows it over http
  REQUIRE_FALSE(store(jar, "ho=3; HttpOnly; SameSite=Lax", "http://h.test/"));
  CHECK(header(jar, "http://h.test/") == "plain=1; ho=3");
  CHECK(header(jar, "https://h.test/") == "plain=1; sec=2; ho=3");

  const auto all = jar.cookies(t0);
  REQUIRE(all.size() == 3);
  CHECK(all[1].secure);
  CHECK(all[2].http_only);
  CHECK(all[2].same_site == client::same_site_policy::lax);
  CHECK(client::to_set_cookie(all[2]) == "ho=3; Path=/; HttpOnly; SameSite=Lax");
  client::cookie full = all[1];
  full.host_only = false;
  full.expires = date(2025, 3, 9, 7, 5, 1);
  full.same_site = client::same_site_policy::none;
  CHECK(
      client::to_set_cookie(full) ==
      "sec=2; Domain=h.test; Path=/; Expires=Sun, 09 Mar 2025 07:05:01 GMT; Secure; SameSite=None");
}

TEST_CASE("the Cookie field: longer paths first, then older (RFC 6265 5.4)", "[unit]") {
  cookie_jar jar;
  REQUIRE_FALSE(store(jar, "b=1; Path=/", "http://h.test/", t0));
  REQUIRE_FALSE(store(jar, "a=2; Path=/a/b", "http://h.test/", t0 + 1s));
  REQUIRE_FALSE(store(jar, "c=3; Path=/a", "http://h.test/", t0 + 2s));
  REQUIRE_FALSE(store(jar, "z=4; Path=/", "http://h.test/", t0 + 3s));
  REQUIRE_FALSE(store(jar, "y=5; Path=/", "http://h.test/", t0 + 3s));  // same second: order
  REQUIRE_FALSE(store(jar, "d=6; Domain=h.test; Path=/a", "http://www.h.test/", t0 + 4s));
  CHECK(header(jar, "http://h.test/a/b/c", t0 + 5s) == "a=2; c=3; d=6; b=1; z=4; y=5");

  SECTION("replacing a cookie keeps its creation time and so its place") {
    REQUIRE_FALSE(store(jar, "b=new; Path=/", "http://h.test/", t0 + 10s));
    CHECK(header(jar, "http://h.test/", t0 + 11s) == "b=new; z=4; y=5");
    const auto all = jar.cookies(t0 + 11s);
    const auto b =
        std::find_if(all.begin(), all.end(), [](const auto& c) { return c.name == "b"; });
    REQUIRE(b != all.end());
    CHECK(b->creation == t0);
    CHECK(b->last_access == t0 + 11s);
    CHECK(jar.size() == 6);
  }
  SECTION("the same name with another path is another cookie; same domain and path replace") {
    REQUIRE_FALSE(store(jar, "b=2; Path=/a", "http://h.test/", t0 + 10s));
    // Same name, domain and path as the host-only b=1: replaces it, as a domain cookie now.
    REQUIRE_FALSE(store(jar, "b=3; Domain=h.test", "http://h.test/", t0 + 11s));
    CHECK(header(jar, "http://h.test/a", t0 + 12s) == "c=3; d=6; b=2; b=3; z=4; y=5");
    CHECK(header(jar, "http://www.h.test/", t0 + 12s) == "b=3");
  }
  SECTION("a request without cookies leaves the output untouched") {
    std::string out = "kept";
    CHECK_FALSE(jar.append_cookie_header(url_of("http://other.test/"), t0, out));
    CHECK(out == "kept");
  }
}

TEST_CASE("store_all takes every Set-Cookie line of a response", "[unit]") {
  corofetch::http::fields f;
  f.add("Content-Type", "text/html");
  f.add("Set-Cookie", "a=1");
  f.add("set-cookie", "b=2; Path=/");
  f.add("Set-Cookie", "broken");
  f.add("Set-Cookie", "c=3; Domain=com");
  cookie_jar jar;
  CHECK(jar.store_all(f, url_of("http://h.com/"), t0) == 2);
  CHECK(header(jar, "http://h.com/") == "a=1; b=2");
}

TEST_CASE("limits: 4096 bytes, 50 per domain, 3000 in all (RFC 6265 6.1)", "[unit]") {
  SECTION("name and value over 4096 bytes are refused") {
    cookie_jar jar;
    CHECK_FALSE(store(jar, "n=" + std::string(4095, 'v'), "http://h.test/"));
    CHECK(store(jar, "n=" + std::string(4096, 'v'), "http://h.test/") == cookie_errc::too_large);
    CHECK(jar.size() == 1);
  }
  SECTION("the 51st cookie of a domain evicts the least recently used") {
    cookie_jar jar;
    for (int i = 0; i < 50; ++i) {
      REQUIRE_FALSE(store(jar, "c" + std::to_string(i) + "=1", "http://h.test/", t0 + seconds(i)));
    }
    REQUIRE_FALSE(store(jar, "c0=1", "http://h.test/", t0 + 100s));  // c0 refreshed: c1 is oldest
    REQUIRE_FALSE(store(jar, "new=1", "http://h.test/", t0 + 101s));
    CHECK(jar.size() == 50);
    const std::string sent = header(jar, "http://h.test/", t0 + 102s);
    CHECK(sent.find("c0=1") != std::string::npos);
    CHECK(sent.find("c1=1") == std::string::npos);
    CHECK(sent.find("new=1") != std::string::npos);
    // Another domain has its own share.
    REQUIRE_FALSE(store(jar, "x=1", "http://other.test/", t0 + 103s));
    CHECK(jar.size() == 51);
  }
  SECTION("expired cookies go before live ones") {
    cookie_jar jar(client::cookie_limits{4096, 3, 3000});
    REQUIRE_FALSE(store(jar, "a=1", "http://h.test/", t0));
    REQUIRE_FALSE(store(jar, "b=1; Max-Age=5", "http://h.test/", t0 + 1s));
    REQUIRE_FALSE(store(jar, "c=1", "http://h.test/", t0 + 2s));
    REQUIRE_FALSE(store(jar, "d=1", "http://h.test/", t0 + 10s));
    CHECK(header(jar, "http://h.test/", t0 + 11s) == "a=1; c=1; d=1");
  }
  SECTION("over the total, the least recently used of any domain goes") {
    cookie_jar jar(client::cookie_limits{4096, 50, 3});
    REQUIRE_FALSE(store(jar, "a=1", "http://a.test/", t0));
    REQUIRE_FALSE(store(jar, "b=1", "http://b.test/", t0 + 1s));
    REQUIRE_FALSE(store(jar, "c=1", "http://c.test/", t0 + 2s));
    CHECK(header(jar, "http://a.test/", t0 + 3s) == "a=1");  // a used: b is now the oldest
    REQUIRE_FALSE(store(jar, "d=1", "http://d.test/", t0 + 4s));
    CHECK(jar.size() == 3);
    CHECK(header(jar, "http://b.test/", t0 + 5s).empty());
    CHECK(header(jar, "http://a.test/", t0 + 5s) == "a=1");
  }
  SECTION("3000 by default") {
    cookie_jar jar;
    for (int i = 0; i < 3001; ++i) {
      const std::string host = "http://h" + std::to_string(i) + ".test/";
      REQUIRE_FALSE(store(jar, "a=1", host, t0 + seconds(i)));
    }
    CHECK(jar.size() == 3000);
    CHECK(header(jar, "http://h0.test/", t0 + 1h).empty());
    CHECK(header(jar, "http://h1.test/", t0 + 1h) == "a=1");
  }
}

TEST_CASE("the jar's clock", "[unit]") {
  sys_seconds now = t0;
  cookie_jar jar({}, [&now] { return cookie_jar::time_point(now); });
  CHECK(jar.now() == t0);
  REQUIRE_FALSE(jar.store("a=1; Max-Age=10", url_of("http://h.test/"), jar.now()));
  now += 10s;
  CHECK(jar.cookie_header(url_of("http://h.test/"), jar.now()).empty());
  cookie_jar system;
  const auto before = system_clock::now();
  CHECK(system.now() >= before);
}

TEST_CASE("Netscape cookie file: written as curl writes it, read back", "[unit]") {
  cookie_jar jar;
  REQUIRE_FALSE(store(jar, "host=1", "http://www.example.com/dir/page"));
  REQUIRE_FALSE(
      store(jar, "dom=2; Domain=example.com; Path=/; Secure", "https://www.example.com/"));
  REQUIRE_FALSE(store(jar, "ho=3; HttpOnly; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Path=/",
                      "http://www.example.com/"));
  REQUIRE_FALSE(store(jar, "gone=4; Max-Age=5", "http://www.example.com/"));
  const std::string text = jar.write_netscape(t0 + 10s);
  CHECK(text ==
        "# Netscape HTTP Cookie File\n"
        "# Written by corofetch: domain, include-subdomains, path, secure, expiry, name, value.\n"
        "\n"
        ".example.com\tTRUE\t/\tTRUE\t0\tdom\t2\n"
        "#HttpOnly_www.example.com\tFALSE\t/\tFALSE\t4102444800\tho\t3\n"
        "www.example.com\tFALSE\t/dir\tFALSE\t0\thost\t1\n");

  cookie_jar back;
  const auto report = back.read_netscape(text, t0);
  CHECK(report.loaded == 3);
  CHECK(report.problems.empty());
  CHECK(back.write_netscape(t0) == text);
  CHECK(back.cookie_header(url_of("https://www.example.com/dir/x"), t0) == "host=1; dom=2; ho=3");
  CHECK(back.cookie_header(url_of("http://a.example.com/"), t0).empty());  // dom is Secure
  CHECK(back.cookie_header(url_of("https://a.example.com/"), t0) == "dom=2");
  const auto all = back.cookies(t0);
  REQUIRE(all.size() == 3);
  CHECK(all[1].http_only);
  CHECK(all[1].expires == date(2100, 1, 1));
}

TEST_CASE("Netscape cookie file: what other tools write, and malformed lines", "[unit]") {
  const std::string text =
      "# Netscape HTTP Cookie File\r\n"
      "# https://curl.se/docs/http-cookies.html\r\n"
      "\r\n"
      ".Example.org\tTRUE\t/\tFALSE\t0\twget\t1\r\n"               // 4: a domain cookie
      "example.org\tFALSE\t/p\tFALSE\t0\tempty\r\n"                // 5: curl's 6 fields
      "example.org\tMAYBE\t/\tFALSE\t0\ta\tb\n"                    // 6: bad flag
      "example.org\tFALSE\t/\tFALSE\tsoon\ta\tb\n"                 // 7: bad expiry
      "example.org\tFALSE\t/\tFALSE\t0\n"                          // 8: too few fields
      "example.org\tFALSE\t/\tFALSE\t0\ta\tb\tc\n"                 // 9: too many
      "example.org\tFALSE\t/\tFALSE\t0\t\tb\n"                     // 10: empty name
      "\tFALSE\t/\tFALSE\t0\ta\tb\n"                               // 11: empty domain
      "example.org\tFALSE\tnoslash\tFALSE\t0\ta\tb\n"              // 12: relative path
      "example.org\tFALSE\t/\tYES\t0\ta\tb\n"                      // 13: bad secure flag
      "example.org\tFALSE\t/\tFALSE\t-1\ta\tb\n"                   // 14: negative expiry
      "example.org\tFALSE\t/\tFALSE\t100\told\tb\n"                // 15: expired
      "#HttpOnly_example.org\tFALSE\t/\tTRUE\t4102444800\th\tv\n"  // 16
      "   \n"                                                      // 17: blank
      "garbage";                                                   // 18
  cookie_jar jar;
  const auto report = jar.read_netscape(text, t0);
  CHECK(report.loaded == 3);
  CHECK(report.expired == 1);
  std::vector<std::size_t> lines;
  for (const auto& p : report.problems) {
    lines.push_back(p.line);
    CHECK_FALSE(p.reason.empty());
  }
  CHECK(lines == std::vector<std::size_t>{6, 7, 8, 9, 10, 11, 12, 13, 14, 18});
  CHECK(jar.cookie_header(url_of("https://example.org/p"), t0) == "empty=; wget=1; h=v");
  CHECK(jar.cookie_header(url_of("https://www.example.org/p"), t0) == "wget=1");
  CHECK(jar.cookie_header(url_of("http://example.org/"), t0) == "wget=1");

  SECTION("nothing but garbage never crashes") {
    cookie_jar other;
    // Lines of tabs only are blank; the others are malformed.
    static constexpr char raw[] = "\t\t\t\t\t\t\t\nx\t\t\t\t\t\t\t\n\x00\xff\n#HttpOnly_\n\n\t";
    const std::string junk(raw, sizeof raw - 1);
    const auto r = other.read_netscape(junk, t0);
    CHECK(r.loaded == 0);
    CHECK(r.problems.size() == 3);
    CHECK(other.read_netscape("", t0).loaded == 0);
  }
}

TEST_CASE("Netscape cookie file: save and load", "[unit]") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("cf-cookie-jar-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "jar.txt";
  cookie_jar jar;
  REQUIRE_FALSE(store(jar, "sid=abc; Max-Age=3600; HttpOnly", "http://h.test/"));
  REQUIRE_FALSE(jar.save(file, t0));
  CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);
  cookie_jar back;
  const auto report = back.load(file, t0 + 1s);
  REQUIRE(report);
  CHECK(report->loaded == 1);
  CHECK(back.cookie_header(url_of("http://h.test/x"), t0 + 1s) == "sid=abc");
  CHECK(back.load(dir / "missing.txt", t0).error() == std::errc::no_such_file_or_directory);
  CHECK(jar.save(dir / "no" / "such" / "dir.txt", t0) == std::errc::no_such_file_or_directory);
  std::filesystem::remove_all(dir);
}
