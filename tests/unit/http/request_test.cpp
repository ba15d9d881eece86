#include <corofetch/http/request.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/url/url.hpp>

#include <catch2/catch.hpp>

namespace http = corofetch::http;
namespace url = corofetch::url;
using http::errc;

namespace {

http::request from(std::string_view u, const http::method& m = http::method::get,
                   http::request_options opts = {}) {
  auto parsed = url::parse(u);
  REQUIRE(parsed);
  auto req = http::make_request(m, *parsed, opts);
  REQUIRE(req);
  return *req;
}

}  // namespace

TEST_CASE("origin-form: path and query, never the fragment or the userinfo", "[unit]") {
  const http::request r = from("http://www.example.com/dir/file.html?q=1#frag");
  CHECK(r.method() == http::method::get);
  CHECK(r.target() == "/dir/file.html?q=1");
  CHECK(r.version() == http::http_1_1);
  CHECK(r.fields().find("Host") == "www.example.com");
  CHECK_FALSE(r.fields().contains("Authorization"));
  CHECK(from("http://example.com").target() == "/");
  CHECK(from("http://example.com?x").target() == "/?x");
}

TEST_CASE("Host carries the port only when it is not the default", "[unit]") {
  CHECK(from("http://example.com:80/").fields().find("Host") == "example.com");
  CHECK(from("https://example.com:443/").fields().find("Host") == "example.com");
  CHECK(from("http://example.com:8080/").fields().find("Host") == "example.com:8080");
  CHECK(from("https://example.com:80/").fields().find("Host") == "example.com:80");
  CHECK(from("http://[::1]:8080/").fields().find("Host") == "[::1]:8080");
  CHECK(from("http://127.0.0.1/").fields().find("Host") == "127.0.0.1");
}

TEST_CASE("userinfo becomes Basic Authorization, percent-decoded", "[unit]") {
  const http::request r = from("http://Aladdin:open%20sesame@example.com/secret#x");
  CHECK(r.fields().find("Authorization") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  CHECK(r.target() == "/secret");
  CHECK(r.fields().find("Host") == "example.com");
  const http::request user_only = from("http://user@example.com/");
  CHECK(user_only.fields().find("Authorization") == "Basic " + http::base64_encode("user:"));

  http::request_options no_credentials;
  no_credentials.send_credentials = false;
  CHECK_FALSE(from("http://u:p@example.com/", http::method::get, no_credentials)
                  .fields()
                  .contains("Authorization"));
  auto bytes = http::serialize(r);
  REQUIRE(bytes);
  CHECK(bytes->find("Aladdin") == std::string::npos);
  CHECK(bytes->find("sesame") == std::string::npos);
}

TEST_CASE("authority-form for CONNECT, absolute-form through a proxy", "[unit]") {
  const http::request c = from("https://example.com/ignored?x", http::method::connect);
  CHECK(c.target() == "example.com:443");
  CHECK(c.fields().find("Host") == "example.com:443");
  CHECK(from("http://[::1]:8443/", http::method::connect).target() == "[::1]:8443");

  http::request_options proxy;
  proxy.via_proxy = true;
  const http::request p =
      from("http://user:pw@example.com:8080/a/b?c=d#frag", http::method::get, proxy);
  CHECK(p.target() == "http://example.com:8080/a/b?c=d");
  CHECK(p.fields().find("Host") == "example.com:8080");
  CHECK(p.fields().find("Authorization") == "Basic dXNlcjpwdw==");
  CHECK(from("http://example.com:80", http::method::get, proxy).target() == "http://example.com/");
}

TEST_CASE("HTTP/1.0 requests and the URLs that cannot be requested", "[unit]") {
  http::request_options v10;
  v10.version = http::http_1_0;
  auto bytes = http::serialize(from("http://example.com/x", http::method::get, v10));
  REQUIRE(bytes);
  CHECK(bytes->rfind("GET /x HTTP/1.0\r\nHost: example.com\r\n", 0) == 0);

  auto mailto = url::parse("mailto:someone@example.com");
  REQUIRE(mailto);
  CHECK(http::make_request(http::method::get, *mailto).error() ==
        make_error_code(errc::unsupported_scheme));
  auto ftp = url::parse("ftp://example.com/file");
  REQUIRE(ftp);
  CHECK(http::make_request(http::method::get, *ftp).error() ==
        make_error_code(errc::unsupported_scheme));
}

TEST_CASE("base64 and percent-decoding helpers", "[unit]") {
  CHECK(http::base64_encode("").empty());
  CHECK(http::base64_encode("f") == "Zg==");
  CHECK(http::base64_encode("fo") == "Zm8=");
  CHECK(http::base64_encode("foo") == "Zm9v");
  CHECK(http::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(http::base64_encode(std::string("\xff\x00\x80", 3)) == "/wCA");
  CHECK(http::percent_decode("a%20b%3A%zz%4") == "a b:%zz%4");
  CHECK(http::percent_decode("%C3%A9") == "\xc3\xa9");
}
