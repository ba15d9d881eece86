// page::loader with requisites::all against a loopback site using every requisite kind:
// stylesheets (linked, @imported, in a loop), scripts, icons, fonts, images named by HTML, by
// CSS, by <style> and by style attributes, a frame and what it names, redirects; each fetched
// once. Also the load's bounds (depth, count, same host), the scheduler at 10,000 images, and
// a document that loads but cannot be looked into.
#include <corofetch/page/loader.hpp>

#include "support/page/load.hpp"
#include "support/page/site_server.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace page = corofetch::page;
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

route html(std::string body) {
  return typed("text/html; charset=utf-8", std::move(body));
}
route css(std::string body) {
  return typed("text/css", std::move(body));
}
route png(std::string body) {
  return typed("image/png", std::move(body));
}

route redirect(std::string to) {
  route r;
  r.status = 302;
  r.location = std::move(to);
  return r;
}

// A site whose page uses every requisite kind.
std::map<std::string, route> full_site() {
  return {
      {"/", html(R"html(<!doctype html><html><head><title>Full</title>
        <link rel="stylesheet" href="/css/main.css">
        <link rel="alternate stylesheet" href="/css/alt.css" title="alt">
        <link rel="icon" href="/favicon.png">
        <link rel="preload" as="font" href="/fonts/f.woff2" crossorigin>
        <script src="/js/app.js"></script>
        <style>body { background: url("/img/style-element.png") }</style></head>
        <body><img src="/img/a.png"><img src="/img/a.png#again">
        <div style="background-image: url('/img/style-attr.png')"></div>
        <iframe src="/frame.html"></iframe>
        <a href="/other.html">a link, not a requisite</a>
        <video src="/movie.mp4"></video></body></html>)html")},
      {"/css/main.css", css(R"css(@import "more.css";
        @font-face { font-family: F; src: url(../fonts/f.woff2) format("woff2"); }
        .a { background: url(../img/a.png) } .m { background: url(/img/moved.png) })css")},
      {"/css/more.css",
       css(R"css(@import url(main.css); .d { background: url(/img/deep.png) })css")},
      {"/css/alt.css", css(".x{}")},
      {"/favicon.png", png("icon")},
      {"/fonts/f.woff2", typed("font/woff2", "font")},
      {"/js/app.js", typed("text/javascript", "void 0;")},
      {"/img/a.png", png("a")},
      {"/img/style-element.png", png("se")},
      {"/img/style-attr.png", png("sa")},
      {"/img/deep.png", png("deep")},
      {"/img/moved.png", redirect("/img/real.png")},
      {"/img/real.png", png("real")},
      {"/frame.html", html(R"(<img src="/img/framed.png">)")},
      {"/img/framed.png", png("framed")},
  };
}

std::set<std::string> paths_of(const page::page_result& p, const site_server& site) {
  std::set<std::string> out;
  for (const auto& r : p.images) out.insert(r.url.substr(site.url("").size()));
  return out;
}

const page::resource* find(const page::page_result& p, const std::string& url) {
  for (const auto& r : p.images) {
    if (r.url == url) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("requisites all: every kind, CSS recursion and a CSS loop, each fetched once",
          "[integration]") {
  site_server site(full_site());
  page::load_options lo;
  lo.requisites = page::requisites::all;
  auto r = load_page(site.url("/"), lo);
  REQUIRE(r);
  REQUIRE(r->document.ok());
  CHECK(r->title == "Full");
  const std::set<std::string> expected{
      "/css/main.css", "/css/more.css", "/favicon.png",           "/fonts/f.woff2",
      "/js/app.js",    "/img/a.png",    "/img/style-element.png", "/img/style-attr.png",
      "/frame.html",   "/img/deep.png", "/img/moved.png",         "/img/framed.png"};
  CHECK(paths_of(*r, site) == expected);
  CHECK(r->failed() == 0);
  for (const auto& [path, route] : full_site()) {
    INFO(path);
    const bool wanted = path == "/" || expected.count(path) != 0 || path == "/img/real.png";
    CHECK(site.hits(path) == (wanted ? 1U : 0U));
  }
  CHECK(site.hits("/other.html") == 0);
  CHECK(site.hits("/movie.mp4") == 0);

  const auto kind_of = [&](const std::string& path) {
    const page::resource* found = find(*r, site.url(path));
    REQUIRE(found != nullptr);
    return found->kind;
  };
  CHECK(kind_of("/css/main.css") == page::resource_kind::stylesheet);
  CHECK(kind_of("/css/more.css") == page::resource_kind::stylesheet);
  CHECK(kind_of("/js/app.js") == page::resource_kind::script);
  CHECK(kind_of("/favicon.png") == page::resource_kind::icon);
  CHECK(kind_of("/fonts/f.woff2") == page::resource_kind::font);
  CHECK(kind_of("/frame.html") == page::resource_kind::frame);
  CHECK(kind_of("/img/deep.png") == page::resource_kind::image);

  const page::resource* more = find(*r, site.url("/css/more.css"));
  CHECK(more->source == "css @import");
  CHECK(more->depth == 2);
  const page::resource* deep = find(*r, site.url("/img/deep.png"));
  CHECK(deep->depth == 3);
  CHECK(r->images[deep->parent].url == site.url("/css/more.css"));
  CHECK(find(*r, site.url("/img/style-attr.png"))->source == "style attribute background-image");
  CHECK(find(*r, site.url("/img/style-element.png"))->source == "style element background");
  const page::resource* moved = find(*r, site.url("/img/moved.png"));
  CHECK(moved->final_url == site.url("/img/real.png"));
  CHECK(moved->exchanges.size() == 2);
  bool alternate_listed = false;
  for (const auto& s : r->skipped) alternate_listed |= s.reason == "alternate stylesheet";
  CHECK(alternate_listed);
}

TEST_CASE("requisites images, the default, fetches images and icons only", "[integration]") {
  site_server site(full_site());
  auto r = load_page(site.url("/"));
  REQUIRE(r);
  CHECK(paths_of(*r, site) == std::set<std::string>{"/favicon.png", "/img/a.png"});
  CHECK(site.hits("/css/main.css") == 0);
}

TEST_CASE("same_host keeps to the page's host; the rest is listed", "[integration]") {
  site_server other({{"/x.png", png("x")}}, "127.0.0.2");
  site_server site({{"/", html("<img src=\"/a.png\"><img src=\"" + other.url("/x.png") + "\">")},
                    {"/a.png", png("a")}});
  page::load_options lo;
  lo.same_host = true;
  auto r = load_page(site.url("/"), lo);
  REQUIRE(r);
  REQUIRE(r->images.size() == 1);
  CHECK(other.hits("/x.png") == 0);
  REQUIRE(r->skipped.size() == 1);
  CHECK(r->skipped[0].reason == "other host");
  CHECK(r->skipped[0].reference == other.url("/x.png"));
}

TEST_CASE("the depth bound stops an @import chain", "[integration]") {
  site_server site({{"/", html(R"(<link rel="stylesheet" href="/1.css">)")},
                    {"/1.css", css("@import '2.css';")},
                    {"/2.css", css("@import '3.css';")},
                    {"/3.css", css("@import '4.css';")},
                    {"/4.css", css("")}});
  page::load_options lo;
  lo.requisites = page::requisites::all;
  lo.max_depth = 2;
  auto r = load_page(site.url("/"), lo);
  REQUIRE(r);
  CHECK(paths_of(*r, site) == std::set<std::string>{"/1.css", "/2.css"});
  CHECK(site.hits("/3.css") == 0);
  REQUIRE(r->skipped.size() == 1);
  CHECK(r->skipped[0].reason == "depth bound");
  CHECK(r->skipped[0].reference == site.url("/3.css"));
}

TEST_CASE("a limit on requisites is reported, with what it left out", "[integration]") {
  std::map<std::string, route> routes;
  std::string body;
  for (int i = 0; i < 5; ++i) {
    body += "<img src=\"/" + std::to_string(i) + ".png\">";
    routes["/" + std::to_string(i) + ".png"] = png("p");
  }
  routes["/"] = html(body);
  site_server site(routes);
  page::load_options lo;
  lo.max_resources = 3;
  auto r = load_page(site.url("/"), lo);
  REQUIRE(r);
  CHECK(r->images.size() == 3);
  CHECK(r->truncated);
  CHECK(r->dropped == 2);
  CHECK(site.hits("/3.png") == 0);

  auto all = load_page(site.url("/"));
  REQUIRE(all);
  CHECK_FALSE(all->truncated);
  CHECK(all->dropped == 0);
}

TEST_CASE("a page too deeply nested to look into is still reported as loaded", "[integration]") {
  std::string deep = "<img src=\"/a.png\">";
  for (int i = 0; i < 1500; ++i) deep = "<div>" + deep + "</div>";
  site_server site({{"/", html(deep)}, {"/a.png", png("a")}});
  auto r = load_page(site.url("/"));
  REQUIRE(r);
  CHECK(r->document.ok());
  CHECK(r->extraction_error);
  CHECK(r->images.empty());
  CHECK(site.hits("/a.png") == 0);
}

TEST_CASE("10,000 images at concurrency 1000: each fetched once, per-host bound kept",
          "[integration]") {
  // The scheduler used to scan every waiting image per take and wake every worker per release:
  // minutes of CPU here. The test's bound (run_coro's limit) catches a return of that.
  constexpr int count = 10'000;
  std::map<std::string, route> routes;
  std::string body;
  body.reserve(count * 24);
  for (int i = 0; i < count; ++i) {
    const std::string path = "/i/" + std::to_string(i) + ".png";
    body += "<img src=\"" + path + "\">";
    routes[path] = png("p");
  }
  routes["/"] = html(body);
  site_server site(routes);
  page::load_options lo;
  lo.concurrency = 1000;
  auto r = load_page(site.url("/"), lo, 90s);
  REQUIRE(r);
  CHECK(r->images.size() == count);
  CHECK(r->failed() == 0);
  CHECK_FALSE(r->truncated);
  CHECK(site.requests() == count + 1);
  CHECK(r->max_in_flight <= 6);
  CHECK(site.max_in_flight() <= 6);
}
