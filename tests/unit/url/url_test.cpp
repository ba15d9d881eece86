// The url module as its users see it: the seed's five example URLs component by component,
// relative references, error codes and messages, local_file_name, and hostile inputs.
#include <corofetch/url/url.hpp>

#include <catch2/catch.hpp>

#include <string>

using corofetch::url::errc;
using corofetch::url::host_kind;
using corofetch::url::parse;

namespace {

corofetch::url::url must_parse(std::string_view input) {
  auto u = parse(input);
  INFO("input: " << input << " error: " << u.error().message());
  REQUIRE(u.has_value());
  return *u;
}

corofetch::url::url must_resolve(std::string_view input, std::string_view base) {
  const auto b = must_parse(base);
  auto u = parse(input, b);
  INFO("input: " << input << " base: " << base << " error: " << u.error().message());
  REQUIRE(u.has_value());
  return *u;
}

}  // namespace

TEST_CASE("seed 1-2: http URL with user, password and the default port", "[unit]") {
  const auto u = must_parse("http://user:password@www.cyber.co.kr:80/dir/file.html");
  CHECK(u.href() == "http://user:password@www.cyber.co.kr/dir/file.html");
  CHECK(u.scheme() == "http");
  CHECK(u.username() == "user");
  CHECK(u.password() == "password");
  CHECK(u.hostname() == "www.cyber.co.kr");
  CHECK(u.host() == "www.cyber.co.kr");
  CHECK(u.host_type() == host_kind::domain);
  CHECK_FALSE(u.port().has_value());  // 80 is http's default, so it is dropped
  CHECK(u.effective_port() == 80);
  CHECK(u.pathname() == "/dir/file.html");
  CHECK_FALSE(u.query().has_value());
  CHECK_FALSE(u.fragment().has_value());
  CHECK(u.path_and_query() == "/dir/file.html");
  CHECK(u.origin() == "http://www.cyber.co.kr");
  CHECK(u.is_special());
  CHECK(u.has_credentials());
  CHECK_FALSE(u.has_opaque_path());
}

TEST_CASE("seed 1-2: ftp URL with user, password and port 21", "[unit]") {
  const auto u = must_parse("ftp://user:password@ftp.cyber.co.kr:21/dir/file1.html");
  CHECK(u.href() == "ftp://user:password@ftp.cyber.co.kr/dir/file1.html");
  CHECK(u.scheme() == "ftp");
  CHECK(u.username() == "user");
  CHECK(u.password() == "password");
  CHECK(u.hostname() == "ftp.cyber.co.kr");
  CHECK_FALSE(u.port().has_value());
  CHECK(u.effective_port() == 21);
  CHECK(u.pathname() == "/dir/file1.html");
  CHECK(u.origin() == "ftp://ftp.cyber.co.kr");
}

TEST_CASE("seed 1-2: file URL with localhost and a drive letter", "[unit]") {
  const auto u = must_parse("file://localhost/c:/path/file1/zip");
  CHECK(u.href() == "file:///c:/path/file1/zip");
  CHECK(u.scheme() == "file");
  CHECK(u.username().empty());
  CHECK(u.password().empty());
  CHECK(u.hostname().empty());  // "localhost" is the empty host for file:
  CHECK(u.host_type() == host_kind::empty);
  CHECK_FALSE(u.port().has_value());
  CHECK_FALSE(u.effective_port().has_value());
  CHECK(u.pathname() == "/c:/path/file1/zip");
  CHECK(u.origin() == "null");
  CHECK(corofetch::url::local_file_name(u) == "zip");
}

TEST_CASE("seed 1-2: mailto and news URLs have opaque paths", "[unit]") {
  const auto mail = must_parse("mailto:tone@cyber.co.kr");
  CHECK(mail.href() == "mailto:tone@cyber.co.kr");
  CHECK(mail.scheme() == "mailto");
  CHECK(mail.username().empty());
  CHECK(mail.hostname().empty());
  CHECK(mail.host_type() == host_kind::none);
  CHECK(mail.pathname() == "tone@cyber.co.kr");
  CHECK(mail.has_opaque_path());
  CHECK_FALSE(mail.is_special());
  CHECK_FALSE(mail.effective_port().has_value());
  CHECK(mail.origin() == "null");

  const auto news = must_parse("news:comp.protocols.tcp-ip");
  CHECK(news.href() == "news:comp.protocols.tcp-ip");
  CHECK(news.scheme() == "news");
  CHECK(news.pathname() == "comp.protocols.tcp-ip");
  CHECK(news.host_type() == host_kind::none);
  CHECK(news.has_opaque_path());
}

TEST_CASE("ports: explicit, default, leading zeros, range", "[unit]") {
  CHECK(must_parse("http://h:8080/").port() == 8080);
  CHECK(must_parse("http://h:8080/").host() == "h:8080");
  CHECK(must_parse("https://h:0443/").href() == "https://h/");
  CHECK(must_parse("wss://h:443/").effective_port() == 443);
  CHECK(must_parse("ws://h/").effective_port() == 80);
  CHECK(must_parse("http://h:/").href() == "http://h/");
  CHECK(must_parse("http://h:65535/").port() == 65535);
  CHECK(must_parse("sc://h:80/").port() == 80);  // no default for a non-special scheme
  CHECK(corofetch::url::default_port("gopher") == std::nullopt);
  CHECK(parse("http://h:65536/").error() == errc::port_out_of_range);
  CHECK(parse("http://h:99999999999999999999/").error() == errc::port_out_of_range);
  CHECK(parse("http://h:8a/").error() == errc::port_invalid);
}

TEST_CASE("IPv4 in every form browsers accept", "[unit]") {
  for (const char* input :
       {"http://127.0.0.1/", "http://127.1/", "http://0x7f.0.0.1/", "http://2130706433/",
        "http://0177.0.0.1/", "http://0x7F000001/", "http://127.0.1/", "http://127.0.0.1./"}) {
    INFO(input);
    const auto u = must_parse(input);
    CHECK(u.hostname() == "127.0.0.1");
    CHECK(u.host_type() == host_kind::ipv4);
  }
  CHECK(parse("http://1.2.3.4.5/").error() == errc::ipv4_too_many_parts);
  CHECK(parse("http://256.0.0.1/").error() == errc::ipv4_out_of_range_part);
  CHECK(parse("http://4294967296/").error() == errc::ipv4_out_of_range_part);
  CHECK(parse("http://1.2.3.09/").error() == errc::ipv4_non_numeric_part);
  CHECK(must_parse("http://1.2.3.x/").host_type() == host_kind::domain);
}

TEST_CASE("IPv6 compressed and lowercased", "[unit]") {
  CHECK(must_parse("http://[0:0:0:0:0:0:0:1]/").hostname() == "[::1]");
  CHECK(must_parse("http://[2001:DB8:0:0:1:0:0:1]:8080/x").host() == "[2001:db8::1:0:0:1]:8080");
  CHECK(must_parse("http://[::ffff:192.168.0.1]/").hostname() == "[::ffff:c0a8:1]");
  CHECK(must_parse("http://[1:0::]/").hostname() == "[1::]");
  CHECK(must_parse("http://[::1]/").host_type() == host_kind::ipv6);
  CHECK(parse("http://[::1/").error() == errc::ipv6_unclosed);
  CHECK(parse("http://[1:2:3:4:5:6:7:8:9]/").error() == errc::ipv6_invalid);
  CHECK(parse("http://[1::2::3]/").error() == errc::ipv6_invalid);
  CHECK(parse("http://[::1.2.3]/").error() == errc::ipv4_in_ipv6_invalid);
}

TEST_CASE("hosts: lowercase, percent-decoding, IDNA, forbidden code points", "[unit]") {
  CHECK(must_parse("HTTP://WWW.Example.COM/").href() == "http://www.example.com/");
  CHECK(must_parse("http://%77ww.example.com/").hostname() == "www.example.com");
  CHECK(must_parse("http://b\xC3\xBC"
                   "cher.de/")
            .hostname() == "xn--bcher-kva.de");
  CHECK(must_parse("http://fa\xC3\x9F.de/").hostname() == "xn--fa-hia.de");
  CHECK(parse("http://a b/").error() == errc::host_invalid_code_point);
  CHECK(parse("http://a%20b/").error() == errc::domain_invalid_code_point);
  CHECK(parse("http://a%00b/").error() == errc::domain_invalid_code_point);
  CHECK(parse("http://a<b/").error() == errc::host_invalid_code_point);
  CHECK(must_parse("http:///x").href() == "http://x/");  // extra slashes are skipped
  CHECK(parse("http://:80/").error() == errc::host_missing);
  CHECK(parse("http://").error() == errc::host_missing);
  CHECK(parse("http://user@/x").error() == errc::host_missing);
  CHECK(parse("http://\xEF\xBF\xBD/").error() == errc::domain_to_ascii);
  CHECK(parse("http://\xC3/").error() == errc::domain_to_ascii);   // not UTF-8
  CHECK(must_parse("sc://Ex%41mple/").hostname() == "Ex%41mple");  // opaque host: kept
}

TEST_CASE("relative references against a base", "[unit]") {
  const char* base = "http://h/dir/page.html?q#f";
  CHECK(must_resolve("../img/a.png", base).href() == "http://h/img/a.png");
  CHECK(must_resolve("b.png", base).href() == "http://h/dir/b.png");
  CHECK(must_resolve("/root", base).href() == "http://h/root");
  CHECK(must_resolve("//other/x", base).href() == "http://other/x");
  CHECK(must_resolve("?z", base).href() == "http://h/dir/page.html?z");
  CHECK(must_resolve("#g", base).href() == "http://h/dir/page.html?q#g");
  CHECK(must_resolve("", base).href() == "http://h/dir/page.html?q");
  CHECK(must_resolve("https:x", base).href() == "https://x/");
  CHECK(must_resolve("a/%2e%2E/./b", base).href() == "http://h/dir/b");
  CHECK(must_resolve("..\\..\\x", base).href() == "http://h/x");
  CHECK(must_resolve("#frag", "mailto:a@b").href() == "mailto:a@b#frag");
  CHECK(parse("x", must_parse("mailto:a@b")).error() == errc::missing_scheme_non_relative_url);
  CHECK(parse("/x").error() == errc::missing_scheme_non_relative_url);
}

TEST_CASE("percent-encoding, tabs, newlines and surrounding spaces", "[unit]") {
  const auto u = must_parse("  \thttp://h/a b\n/c\"d?e f'g#h i`\r\n ");
  CHECK(u.href() == "http://h/a%20b/c%22d?e%20f%27g#h%20i%60");
  CHECK(u.query() == "e%20f%27g");
  CHECK(u.fragment() == "h%20i%60");
  CHECK(u.search() == "?e%20f%27g");
  CHECK(u.hash() == "#h%20i%60");
  CHECK(u.href_without_fragment() == "http://h/a%20b/c%22d?e%20f%27g");
  CHECK(must_parse("sc://h/?'").query() == "'");  // ' is encoded in special queries only
  CHECK(must_parse("http://h/?").query() == "");
  CHECK(must_parse("http://h/?").search().empty());
  CHECK(must_parse("http://u@s:p@h/").username() == "u%40s");
  CHECK(must_parse("http://\xC3\xA9:p@h/\xC3\xA9").href() == "http://%C3%A9:p@h/%C3%A9");
}

TEST_CASE("NUL bytes in the input are encoded or rejected, never truncate", "[unit]") {
  using namespace std::string_literals;
  const auto u = must_parse("http://h/a\0b?c\0#d\0e\0"s);  // the trailing NUL is stripped
  CHECK(u.href() == "http://h/a%00b?c%00#d%00e");
  CHECK(parse("http://h\0x/"s).error() == errc::host_invalid_code_point);
  CHECK(parse("\0"s).error() == errc::missing_scheme_non_relative_url);
}

TEST_CASE("error codes have the corofetch.url category and clear messages", "[unit]") {
  const std::error_code ec = parse("http://h:99999/").error();
  CHECK(ec.category().name() == std::string("corofetch.url"));
  CHECK(ec.message() == "URL port is greater than 65535");
  CHECK(std::error_code(errc::missing_scheme_non_relative_url).message() ==
        "URL has no scheme and there is no base URL to resolve it against");
  for (int code = 1; code <= static_cast<int>(errc::input_too_long); ++code) {
    INFO(code);
    CHECK(std::error_code(code, corofetch::url::url_category()).message() != "unknown URL error");
  }
  CHECK_THROWS_AS(parse("nope").value(), std::system_error);
}

TEST_CASE("local_file_name: the seed's default document", "[unit]") {
  using corofetch::url::local_file_name;
  CHECK(local_file_name(must_parse("http://h/")) == "index.html");
  CHECK(local_file_name(must_parse("http://h")) == "index.html");
  CHECK(local_file_name(must_parse("http://h/dir/")) == "index.html");
  CHECK(local_file_name(must_parse("http://h/dir/file.html?x#y")) == "file.html");
  CHECK(local_file_name(must_parse("http://h/a%20b.png")) == "a b.png");
  CHECK(local_file_name(must_parse("http://h/a%2Fb")) == "a_b");
  CHECK(local_file_name(must_parse("http://h/a%00b")) == "a_b");
  CHECK(local_file_name(must_parse("http://h/%2e")) == "index.html");  // "." is removed
  CHECK(local_file_name(must_parse("http://h/x/%2e%2")) == ".%2");
  CHECK(local_file_name(must_parse("sc:/a/..%2E")) == "...");
  CHECK(local_file_name(must_parse("sc:%2e%2e")) == "index.html");
  CHECK(local_file_name(must_parse("news:comp.protocols.tcp-ip")) == "comp.protocols.tcp-ip");
}

TEST_CASE("hostile inputs of 1 MB parse in linear time", "[unit]") {
  const std::size_t n = 1 << 20;
  std::string dots = "http://h/";
  for (std::size_t i = 0; i < n / 3; ++i) dots += "../";
  CHECK(must_parse(dots).href() == "http://h/");

  const auto percents = must_parse("http://h/" + std::string(n, '%'));
  CHECK(percents.pathname().size() == n + 1);

  CHECK(parse("http://" + std::string(n, '[')).error() == errc::ipv6_unclosed);
  CHECK(parse("http://[" + std::string(n, ':') + "]/").error() == errc::ipv6_invalid);
  CHECK(must_parse("sc:" + std::string(n, ' ') + "x").pathname().size() == n + 1);
  CHECK(must_parse("http://h/" + std::string(n, '\t') + "x").href() == "http://h/x");
  CHECK(must_parse("http://" + std::string(n, '@') + "h/").username().size() == 3 * (n - 1));
  std::string labels;
  for (std::size_t i = 0; i < n / 2; ++i) labels += "a.";
  CHECK(must_parse("http://" + labels + "/").hostname().size() == n);
  CHECK(parse("http://" + std::string(n, '1') + "/").error() == errc::ipv4_out_of_range_part);
  std::string idn;
  for (std::size_t i = 0; i < n / 2; ++i) idn += "\xC3\xA9";
  CHECK(parse("http://" + idn + "/").error() == errc::domain_to_ascii);
}

TEST_CASE("percent_decode: %XY becomes a byte, any other '%' stays", "[unit]") {
  using corofetch::url::percent_decode;
  CHECK(percent_decode("a%20b") == "a b");
  CHECK(percent_decode("%2F%2f") == "//");
  CHECK(percent_decode("%41%") == "A%");
  CHECK(percent_decode("%4") == "%4");
  CHECK(percent_decode("%zz%4g") == "%zz%4g");
  CHECK(percent_decode("%00") == std::string(1, '\0'));
  CHECK(percent_decode("%E2%82%AC") == "\xE2\x82\xAC");
  CHECK(percent_decode("") == "");
}
