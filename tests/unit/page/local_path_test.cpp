// page::local_path: where page::save puts a URL's body (wget -p's layout), never outside the
// folder it is given, never a name over 255 bytes; page::relative_link between saved files.
#include <corofetch/page/save.hpp>
#include <corofetch/url/url.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

namespace {

std::string path_of(const std::string& text) {
  auto u = corofetch::url::parse(text);
  REQUIRE(u);
  return corofetch::page::local_path(*u).generic_string();
}

}  // namespace

TEST_CASE("local_path lays a URL out as host, folders, file", "[unit]") {
  CHECK(path_of("http://example.test/") == "example.test/index.html");
  CHECK(path_of("http://example.test") == "example.test/index.html");
  CHECK(path_of("http://example.test/img/a.png") == "example.test/img/a.png");
  CHECK(path_of("http://example.test/dir/") == "example.test/dir/index.html");
  CHECK(path_of("http://example.test:8080/a/b/c.png") == "example.test:8080/a/b/c.png");
  CHECK(path_of("https://example.test:443/x.png") == "example.test/x.png");  // default port
  CHECK(path_of("http://EXAMPLE.test/A.PNG") == "example.test/A.PNG");
  CHECK(path_of("http://127.0.0.1:9/p.png#frag") == "127.0.0.1:9/p.png");
  CHECK(path_of("http://[::1]:8080/x") == "[::1]:8080/x");
}

TEST_CASE("local_path decodes segments and keeps the query", "[unit]") {
  CHECK(path_of("http://h.test/a%20b/c%20d.png") == "h.test/a b/c d.png");
  CHECK(path_of("http://h.test/p.png?v=2") == "h.test/p.png?v=2");
  CHECK(path_of("http://h.test/?page=1") == "h.test/index.html?page=1");
}

TEST_CASE("local_path never leaves the folder", "[unit]") {
  // The URL parser removes dot segments; encoded ones and separators are renamed here.
  CHECK(path_of("http://h.test/a/../../../etc/passwd") == "h.test/etc/passwd");
  CHECK(path_of("http://h.test/%2e%2e/x.png") == "h.test/x.png");
  CHECK(path_of("http://h.test/a%2F..%2Fb/c.png") == "h.test/a_.._b/c.png");
  CHECK(path_of("http://h.test/%2e%2e%2F%2e%2e%2Fx") == "h.test/.._.._x");
  CHECK(path_of("http://h.test/a%00b.png") == "h.test/a_b.png");
  CHECK(path_of("http://h.test/q.png?a=../../b") == "h.test/q.png?a=.._.._b");
  for (const char* bad : {"http://h.test/%2e%2e/", "http://h.test/x/%2e%2e", "http://h.test/%2e"}) {
    INFO(bad);
    const std::string p = path_of(bad);
    CHECK(p.find("/../") == std::string::npos);
    CHECK(p.rfind("..", 0) != 0);
    CHECK(p.find("/..") != p.size() - 3);
  }
}

TEST_CASE("local_path shortens a name over 255 bytes, stably and distinctly", "[unit]") {
  const std::string a = path_of("http://h.test/p.png?" + std::string(300, 'q'));
  const std::string b = path_of("http://h.test/p.png?" + std::string(300, 'q') + "r");
  const std::string dir = path_of("http://h.test/" + std::string(256, 'd') + "/x.png");
  CHECK(a != b);
  CHECK(a == path_of("http://h.test/p.png?" + std::string(300, 'q')));
  for (const std::string& p : {a, b, dir}) {
    INFO(p);
    std::size_t at = 0;
    while (at <= p.size()) {
      const std::size_t slash = std::min(p.find('/', at), p.size());
      CHECK(slash - at <= corofetch::page::max_name_bytes);
      at = slash + 1;
    }
  }
  CHECK(a.rfind("h.test/p.png?qqq", 0) == 0);
  CHECK(a.size() == std::string("h.test/").size() + 200 + 1 + 16);
  CHECK(a[a.size() - 17] == '~');
  CHECK(path_of("http://h.test/" + std::string(255, 'n')) == "h.test/" + std::string(255, 'n'));
  // A cut never splits a UTF-8 character: 150 two-byte characters, then the fingerprint.
  std::string accented;
  for (int i = 0; i < 150; ++i) accented += "%C3%A9";
  const std::string u = path_of("http://h.test/" + accented);
  CHECK(u.size() == std::string("h.test/").size() + 200 + 1 + 16);
}

TEST_CASE("relative_link points from one saved file to another", "[unit]") {
  using corofetch::page::relative_link;
  CHECK(relative_link("h:8080/index.html", "h:8080/img/a.png") == "img/a.png");
  CHECK(relative_link("h:8080/css/main.css", "h:8080/img/a.png") == "../img/a.png");
  CHECK(relative_link("h:8080/index.html", "h:8080/p.png?v=2") == "p.png%3Fv=2");
  CHECK(relative_link("h:8080/index.html", "h:8080/a b#c%.png") == "a%20b%23c%25.png");
  CHECK(relative_link("h:8080/index.html", "other:81/x.png") == "../other:81/x.png");
  CHECK(relative_link("index.html", "other:81/x.png") == "./other:81/x.png");
  CHECK(relative_link("h/index.html", "h/index.html") == "index.html");
}
