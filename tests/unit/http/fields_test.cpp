#include <corofetch/http/fields.hpp>
#include <corofetch/http/syntax.hpp>

#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

namespace http = corofetch::http;

TEST_CASE("fields keep order and repeats, and look up names case-insensitively", "[unit]") {
  http::fields f;
  f.add("Set-Cookie", "a=1");
  f.add("Content-Type", "text/html");
  f.add("set-cookie", "b=2");
  REQUIRE(f.size() == 3);
  CHECK(f[0].name == "Set-Cookie");
  CHECK(f[2].name == "set-cookie");
  CHECK(f.find("SET-COOKIE") == "a=1");
  CHECK(f.find("x-missing") == std::nullopt);
  CHECK(f.find_all("Set-Cookie") == std::vector<std::string_view>{"a=1", "b=2"});
  CHECK(f.joined("set-cookie") == "a=1, b=2");
  CHECK(f.contains("content-type"));

  std::vector<std::string> names;
  for (const http::field x : f) names.emplace_back(x.name);
  CHECK(names == std::vector<std::string>{"Set-Cookie", "Content-Type", "set-cookie"});

  f.set("SET-COOKIE", "c=3");
  REQUIRE(f.size() == 2);
  CHECK(f[0].name == "SET-COOKIE");
  CHECK(f[0].value == "c=3");
  CHECK(f[1].name == "Content-Type");
  f.set("X-New", "1");
  CHECK(f[2].name == "X-New");
  CHECK(f.erase("content-type") == 1);
  CHECK(f.erase("content-type") == 0);
  CHECK(f.size() == 2);
  http::fields copy = f;
  CHECK(copy == f);
  f.clear();
  CHECK(f.empty());
  CHECK_FALSE(copy == f);
}

TEST_CASE("token, field value and target syntax (RFC 9110 5.6.2, 5.5)", "[unit]") {
  CHECK(http::is_token("Content-Type"));
  CHECK(http::is_token("!#$%&'*+-.^_`|~09azAZ"));
  CHECK_FALSE(http::is_token(""));
  CHECK_FALSE(http::is_token("a b"));
  CHECK_FALSE(http::is_token("a:b"));
  CHECK_FALSE(http::is_token("a\"b"));
  CHECK_FALSE(http::is_token("caf\xc3\xa9"));
  CHECK(http::is_field_value("text/html; q=0.9\tx"));
  CHECK(http::is_field_value("\x80\xff obs-text"));
  CHECK_FALSE(http::is_field_value("a\rb"));
  CHECK_FALSE(http::is_field_value("a\nb"));
  CHECK_FALSE(http::is_field_value(std::string("a\0b", 3)));
  CHECK_FALSE(http::is_field_value("a\x7f"));
  CHECK(http::is_request_target("/a?b=c"));
  CHECK_FALSE(http::is_request_target("/a b"));
  CHECK(http::iequals("Content-LENGTH", "content-length"));
  CHECK_FALSE(http::iequals("content-length", "content-lengtx"));
}

TEST_CASE("comma-separated lists: elements trimmed, empty ones kept (RFC 9110 5.6.1)", "[unit]") {
  std::string_view rest = " gzip ,\tchunked, , x,";
  std::vector<std::string_view> items;
  while (!rest.empty()) items.push_back(http::next_list_element(rest));
  CHECK(items == std::vector<std::string_view>{"gzip", "chunked", "", "x"});
  std::string_view one = "chunked";
  CHECK(http::next_list_element(one) == "chunked");
  CHECK(one.empty());
  std::string_view blank = " \t ";
  CHECK(http::next_list_element(blank).empty());
  CHECK(blank.empty());
}
