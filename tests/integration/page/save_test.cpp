// page::save with convert_links: the saved copy is laid out as wget -p lays it out, and every
// link of its HTML and CSS (attributes, srcset, <style>, style attributes, @import, url())
// points at a saved file, or at the absolute URL of what was not saved. Long names are saved
// under short, stable ones.
#include <corofetch/css/references.hpp>
#include <corofetch/html/references.hpp>
#include <corofetch/page/save.hpp>

#include "support/page/load.hpp"
#include "support/page/site_server.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
namespace page = corofetch::page;
namespace html = corofetch::html;
namespace css = corofetch::css;
namespace url = corofetch::url;
using corofetch::test::load_page;
using corofetch::test::site_server;
using route = site_server::route;

namespace {

route typed(std::string type, std::string body) {
  route r;
  r.content_type = std::move(type);
  r.body = std::move(body);
  return r;
}

fs::path fresh_dir() {
  std::string templ = (fs::temp_directory_path() / "cf_page_save_XXXXXX").string();
  REQUIRE(::mkdtemp(templ.data()) != nullptr);
  return templ;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The saved file a link resolves to: links are read against http://copy.test/<local path>, so a
// relative one lands on copy.test and maps back to a file under `dir`.
struct link_check {
  fs::path dir;
  std::string origin;  // the site's "http://127.0.0.1:PORT"
  std::set<std::string> allowed_absolute;
  std::size_t local_links = 0;

  void check(const url::url& location, const std::string& text) {
    INFO("link " << text);
    if (location.hostname() == "copy.test") {
      const fs::path file = dir / url::percent_decode(location.pathname().substr(1));
      INFO("file " << file);
      CHECK(fs::is_regular_file(file));
      ++local_links;
    } else {
      CHECK(allowed_absolute.count(std::string(location.href_without_fragment())) == 1);
      CHECK(text == location.href());
    }
  }

  void check_css(const std::string& text, const url::url& base, css::source_kind kind) {
    css::reference_options o;
    o.source = kind;
    auto refs = css::extract_css_references(text, base, o);
    REQUIRE(refs);
    for (const auto& r : refs->items) check(r.location, r.text);
  }

  void check_html(const fs::path& local) {
    auto base = url::parse("http://copy.test/" + local.generic_string());
    REQUIRE(base);
    html::reference_options o;
    o.include_styles = true;
    auto refs = html::extract_references(read(dir / local), *base, o);
    REQUIRE(refs);
    for (const auto& r : refs->items) check(r.location, r.text);
    for (const auto& s : refs->styles) {
      check_css(s.text, refs->base,
                s.attribute ? css::source_kind::style_attribute : css::source_kind::style_element);
    }
  }
};

}  // namespace

TEST_CASE("save with convert_links: every saved link resolves to a saved file", "[integration]") {
  route moved;
  moved.status = 302;
  moved.location = "/img/real.png";
  site_server site({
      {"/", typed("text/html", R"html(<title>Copy</title>
        <link rel="stylesheet" href="css/main.css"><script src="/js/app.js"></script>
        <style>body { background: url('/img/bg.png') }</style>
        <img src="img/a.png?v=2" srcset="img/a.png?v=2 1x, img/b%20c.png 2x">
        <img src="http://127.0.0.1:1/elsewhere.png">
        <div style="background-image: url(&quot;img/bg.png&quot;)"></div>
        <a href="other.html#top">elsewhere</a> <a href="#local">here</a>)html")},
      {"/css/main.css", typed("text/css", R"css(@import url("more.css") screen;
        .a { background: url(../img/moved.png) })css")},
      {"/css/more.css", typed("text/css", ".b { background: url('/img/a.png?v=2#x') }")},
      {"/js/app.js", typed("text/javascript", "1;")},
      {"/img/a.png?v=2", typed("image/png", "a")},
      {"/img/b%20c.png", typed("image/png", "bc")},
      {"/img/bg.png", typed("image/png", "bg")},
      {"/img/moved.png", moved},
      {"/img/real.png", typed("image/png", "real")},
  });
  page::load_options lo;
  lo.requisites = page::requisites::all;
  lo.keep_bodies = true;
  auto r = load_page(site.url("/"), lo);
  REQUIRE(r);
  const fs::path dir = fresh_dir();
  REQUIRE_FALSE(page::save(*r, dir, {true}));
  // wget -p's layout: "host:port" for a port that is not the scheme's default.
  const std::string host = "127.0.0.1:" + std::to_string(site.port());
  CHECK(fs::is_regular_file(dir / host / "index.html"));
  CHECK(read(dir / host / "img" / "a.png?v=2") == "a");
  CHECK(read(dir / host / "img" / "b c.png") == "bc");
  CHECK(read(dir / host / "img" / "real.png") == "real");

  link_check links{
      dir, site.url(""), {site.url("/other.html"), "http://127.0.0.1:1/elsewhere.png"}};
  links.check_html(fs::path(host) / "index.html");
  for (const char* sheet : {"css/main.css", "css/more.css"}) {
    INFO(sheet);
    const fs::path local = fs::path(host) / sheet;
    auto base = url::parse("http://copy.test/" + local.generic_string());
    REQUIRE(base);
    links.check_css(read(dir / local), *base, css::source_kind::stylesheet);
  }
  // link, script, <style>, img src, 2 srcset candidates, style attribute, #local, @import and
  // 2 url()s
  CHECK(links.local_links == 11);
  const std::string index = read(dir / host / "index.html");
  CHECK(index.find("src=\"img/a.png%3Fv=2\"") != std::string::npos);
  CHECK(index.find("href=\"" + site.url("/other.html#top") + "\"") != std::string::npos);
  CHECK(index.find("href=\"#local\"") != std::string::npos);
  CHECK(read(dir / host / "css" / "main.css").find("url(\"../img/real.png\")") !=
        std::string::npos);
  CHECK(read(dir / host / "css" / "more.css").find("url(\"../img/a.png%3Fv=2#x\")") !=
        std::string::npos);

  // Without convert_links the bytes are the server's.
  const fs::path plain = fresh_dir();
  REQUIRE_FALSE(page::save(*r, plain));
  CHECK(read(plain / host / "index.html") == r->document.body);
  fs::remove_all(dir);
  fs::remove_all(plain);
}

TEST_CASE("save: a name over 255 bytes gets a short, stable, unique one", "[integration]") {
  const std::string long_a = "/img.png?" + std::string(300, 'a');
  const std::string long_b = "/img.png?" + std::string(300, 'a') + "b";
  site_server site(
      {{"/", typed("text/html", "<img src=\"" + long_a + "\"><img src=\"" + long_b + "\">")},
       {long_a, typed("image/png", "A")},
       {long_b, typed("image/png", "B")}});
  page::load_options lo;
  lo.keep_bodies = true;
  auto r = load_page(site.url("/"), lo);
  REQUIRE(r);
  REQUIRE(r->failed() == 0);
  const fs::path dir = fresh_dir();
  REQUIRE_FALSE(page::save(*r, dir));
  std::set<std::string> contents;
  for (const auto& e : fs::directory_iterator(dir / ("127.0.0.1:" + std::to_string(site.port())))) {
    CHECK(e.path().filename().string().size() <= page::max_name_bytes);
    contents.insert(read(e.path()));
  }
  CHECK(contents == std::set<std::string>{"A", "B", r->document.body});
  auto a = url::parse(site.url(long_a));
  REQUIRE(a);
  CHECK(page::local_path(*a) == page::local_path(*a));
  CHECK(fs::is_regular_file(dir / page::local_path(*a)));
  fs::remove_all(dir);
}
