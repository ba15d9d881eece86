// page::loader against loopback web sites written for the tests (support/page/site_server):
// what it fetches and in which order, its concurrency and per-host bounds, failures of images
// and of the page, redirects, cancellation, progress and saving.
#include <corofetch/client/client.hpp>
#include <corofetch/page/loader.hpp>
#include <corofetch/page/save.hpp>

#include "support/client/loopback_options.hpp"
#include "support/net/run.hpp"
#include "support/page/site_server.hpp"

#include <catch2/catch.hpp>

#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace client = corofetch::client;
namespace page = corofetch::page;
using corofetch::test::run_coro;
using corofetch::test::site_server;
using route = site_server::route;

namespace {

route html(std::string body) {
  route r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  return r;
}

route png(std::string body, std::chrono::milliseconds delay = 0ms) {
  route r;
  r.content_type = "image/png";
  r.body = std::move(body);
  r.delay = delay;
  return r;
}

client::client_options loopback_options() {
  return corofetch::test::loopback_client_options();
}

// A load's outcome as a test looks at it (run_coro needs a default-constructible value).
struct loaded {
  std::error_code error;
  page::page_result page;
  explicit operator bool() const noexcept { return !error; }
  const page::page_result* operator->() const noexcept { return &page; }
  const page::page_result& operator*() const noexcept { return page; }
};

// Loads `url` with a fresh client and loader.
loaded load(const std::string& url, page::load_options lo = {},
            client::client_options co = loopback_options()) {
  return run_coro([&]() -> asio::awaitable<loaded> {
    client::client c(co_await asio::this_coro::executor, co);
    page::loader l(c, lo);
    auto r = co_await l.async_load(url);
    c.close_idle();
    loaded out;
    if (r) {
      out.page = std::move(*r);
    } else {
      out.error = r.error();
    }
    co_return out;
  });
}

std::vector<std::string> urls_of(const page::page_result& p) {
  std::vector<std::string> out;
  for (const auto& r : p.images) out.push_back(r.url);
  return out;
}

// A page naming `n` images /img/0.png ... in order.
std::string gallery_html(std::size_t n, const std::string& prefix = "/img/") {
  std::string body = "<html><head><title> A  gallery </title></head><body>";
  for (std::size_t i = 0; i < n; ++i)
    body += "<img src=\"" + prefix + std::to_string(i) + ".png\">";
  return body + "</body></html>";
}

}  // namespace

TEST_CASE("a page's images are fetched once each, in the page's order", "[integration]") {
  site_server site({
      {"/", html(R"html(<html><head><title>Home</title><link rel="icon" href="/favicon.png"></head>
        <body><img src="a.png"><img src="b.png" srcset="b.png 1x, c.png 2x">
        <img src="./a.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
        <img src="javascript:alert(1)"><a href="/other.html">not an image</a></body></html>)html")},
      {"/favicon.png", png("icon")},
      {"/a.png", png("aaaa")},
      {"/b.png", png("bb")},
      {"/c.png", png("cccccc")},
  });
  auto r = load(site.url("/"));
  REQUIRE(r);
  CHECK(r->document.ok());
  CHECK(r->document.source == "document");
  CHECK(r->title == "Home");
  CHECK(urls_of(*r) == std::vector<std::string>{site.url("/favicon.png"), site.url("/a.png"),
                                                site.url("/b.png"), site.url("/c.png")});
  CHECK(r->images[0].source == "link icon");
  CHECK(r->images[1].source == "img src");
  CHECK(r->images[3].source == "img srcset");
  for (const auto& image : r->images) {
    CHECK(image.ok());
    CHECK(image.content_type == "image/png");
    CHECK(image.body.empty());  // not kept by default
  }
  CHECK(r->images[1].bytes == 4);
  CHECK(r->images[3].bytes == 6);
  CHECK(r->bytes() == r->document.bytes + 4 + 4 + 2 + 6);
  CHECK(r->inline_images == 1);
  REQUIRE(r->skipped.size() == 1);
  CHECK(r->skipped[0].reference == "javascript:alert(1)");
  CHECK(r->failed() == 0);
  CHECK(site.hits("/a.png") == 1);
  CHECK(site.hits("/other.html") == 0);
  CHECK(site.requests() == 5);
}

TEST_CASE("images are requested as a browser requests them: Accept and Referer", "[integration]") {
  site_server other({{"/x.png", png("x")}}, "127.0.0.2");
  site_server site({
      {"/dir/page.html?q=1", html("<img src=\"in.png\"><img src=\"" + other.url("/x.png") + "\">")},
      {"/dir/in.png", png("i")},
  });
  auto r = load(site.url("/dir/page.html?q=1"));
  REQUIRE(r);
  REQUIRE(r->failed() == 0);
  const std::string same = site.last_head("/dir/in.png");
  CHECK(same.find("Accept: image/") != std::string::npos);
  // Same origin: the whole URL; another origin: only the origin (strict-origin-when-cross-origin).
  CHECK(same.find("Referer: " + site.url("/dir/page.html?q=1") + "\r\n") != std::string::npos);
  CHECK(other.last_head("/x.png").find("Referer: " + site.url("/") + "\r\n") != std::string::npos);
  CHECK(site.last_head("/dir/page.html?q=1").find("Accept: text/html") != std::string::npos);
}

TEST_CASE("at most `concurrency` images are fetched at once", "[integration]") {
  std::map<std::string, route> routes{{"/", html(gallery_html(12))}};
  for (int i = 0; i < 12; ++i) routes["/img/" + std::to_string(i) + ".png"] = png("p", 60ms);
  site_server site(routes);
  page::load_options lo;
  lo.concurrency = 3;
  const auto start = std::chrono::steady_clock::now();
  auto r = load(site.url("/"), lo);
  const auto took = corofetch::test::elapsed_ms(start);
  REQUIRE(r);
  CHECK(r->failed() == 0);
  CHECK(r->images.size() == 12);
  CHECK(site.max_in_flight() == 3);
  CHECK(r->max_in_flight == 3);
  CHECK(took >= 4 * 60);  // 12 images, 3 at a time, 60 ms each
  CHECK(site.connections() <= 3 + 1);
}

TEST_CASE("the per-host bound, and a slow host does not hold up a fast one", "[integration]") {
  std::map<std::string, route> slow_routes;
  std::map<std::string, route> fast_routes;
  for (int i = 0; i < 6; ++i) {
    slow_routes["/s" + std::to_string(i) + ".png"] = png("slow", 150ms);
    fast_routes["/f" + std::to_string(i) + ".png"] = png("fast");
  }
  site_server slow(slow_routes, "127.0.0.2");
  site_server fast(fast_routes, "127.0.0.3");
  std::string body;
  for (int i = 0; i < 6; ++i)
    body += "<img src=\"" + slow.url("/s" + std::to_string(i) + ".png") + "\">";
  for (int i = 0; i < 6; ++i)
    body += "<img src=\"" + fast.url("/f" + std::to_string(i) + ".png") + "\">";
  site_server site({{"/", html(body)}});
  page::load_options lo;
  lo.concurrency = 8;
  lo.per_host = 2;
  auto r = load(site.url("/"), lo);
  REQUIRE(r);
  CHECK(r->failed() == 0);
  CHECK(slow.max_in_flight() == 2);
  CHECK(fast.max_in_flight() <= 2);
  // The fast host's images are all done before the first slow one: waiting for the slow host
  // left the other slots free for them.
  std::chrono::nanoseconds first_slow = std::chrono::hours(1);
  std::chrono::nanoseconds last_fast{0};
  for (const auto& image : r->images) {
    if (image.url.find("/s") != std::string::npos)
      first_slow = std::min(first_slow, image.finished);
    if (image.url.find("/f") != std::string::npos) last_fast = std::max(last_fast, image.finished);
  }
  CHECK(last_fast < first_slow);
}

TEST_CASE("a failing image is reported on its own; the others load", "[integration]") {
  route reset;
  reset.reset = true;
  site_server site({
      {"/", html(R"(<img src="/ok.png"><img src="/missing.png"><img src="/reset.png">
                    <img src="http://no-such-host.test/x.png"><img src="/ok2.png">)")},
      {"/ok.png", png("1")},
      {"/ok2.png", png("2")},
      {"/reset.png", reset},
  });
  auto r = load(site.url("/"));
  REQUIRE(r);
  REQUIRE(r->images.size() == 5);
  CHECK(r->images[0].ok());
  CHECK(r->images[1].status == 404);
  CHECK_FALSE(r->images[1].error);
  CHECK_FALSE(r->images[1].ok());
  CHECK(r->images[2].error);
  CHECK(r->images[2].status == 0);
  CHECK_FALSE(r->images[2].error_detail.empty());
  CHECK(r->images[3].error);  // the test resolver knows no name
  CHECK(r->images[4].ok());
  CHECK(r->failed() == 3);
}

TEST_CASE("a page that fails, or is not HTML, loads no image", "[integration]") {
  route text;
  text.body = "<img src=\"/a.png\">";  // text/plain: not looked into
  route missing;
  missing.status = 404;
  missing.content_type = "text/html";
  missing.body = "<img src=\"/a.png\">";
  site_server site({{"/text", text}, {"/missing", missing}, {"/a.png", png("a")}});

  auto t = load(site.url("/text"));
  REQUIRE(t);
  CHECK(t->document.ok());
  CHECK(t->images.empty());

  auto m = load(site.url("/missing"));
  REQUIRE(m);
  CHECK(m->document.status == 404);
  CHECK(m->images.empty());
  CHECK(site.hits("/a.png") == 0);

  // Nothing listens on port 9: the document has an error, the load itself does not.
  auto refused = load("http://127.0.0.1:9/");
  REQUIRE(refused);
  CHECK(refused->document.error);
  CHECK(refused->images.empty());

  auto bad = load("ftp://127.0.0.1/");
  CHECK_FALSE(bad);
}

TEST_CASE("images resolve against the page's final URL after redirects", "[integration]") {
  route moved;
  moved.status = 301;
  moved.location = "/new/page.html";
  site_server site({{"/old/page.html", moved},
                    {"/new/page.html", html("<img src=\"pic.png\">")},
                    {"/new/pic.png", png("p")}});
  auto r = load(site.url("/old/page.html"));
  REQUIRE(r);
  CHECK(r->document.ok());
  CHECK(r->document.redirects == 1);
  CHECK(r->document.final_url == site.url("/new/page.html"));
  REQUIRE(r->images.size() == 1);
  CHECK(r->images[0].url == site.url("/new/pic.png"));
  CHECK(r->images[0].ok());
  CHECK(site.hits("/old/pic.png") == 0);
}

TEST_CASE("cancelling a load stops every fetch in flight", "[integration]") {
  std::map<std::string, route> routes{{"/", html(gallery_html(8))}};
  for (int i = 0; i < 8; ++i) routes["/img/" + std::to_string(i) + ".png"] = png("p", 5s);
  site_server site(routes);
  using namespace asio::experimental::awaitable_operators;
  const auto start = std::chrono::steady_clock::now();
  auto outcome = run_coro([&]() -> asio::awaitable<std::error_code> {
    client::client c(co_await asio::this_coro::executor, loopback_options());
    page::loader l(c, {});
    asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
    const std::string url = site.url("/");
    auto first = co_await (l.async_load(url) || timer.async_wait(asio::use_awaitable));
    c.close_idle();
    if (first.index() == 0) co_return std::get<0>(first).error();
    co_return std::error_code(asio::error::timed_out);  // the timer won: the load was cancelled
  });
  CHECK(outcome == asio::error::timed_out);
  CHECK(corofetch::test::elapsed_ms(start) < 3000);
}

TEST_CASE("progress: on_resource sees the document, then every image", "[integration]") {
  site_server site({{"/", html(gallery_html(4))},
                    {"/img/0.png", png("0")},
                    {"/img/1.png", png("1")},
                    {"/img/2.png", png("2")},
                    {"/img/3.png", png("3")}});
  std::vector<std::string> seen;
  page::load_options lo;
  lo.on_resource = [&](const page::resource& r) { seen.push_back(r.source); };
  auto r = load(site.url("/"), lo);
  REQUIRE(r);
  REQUIRE(seen.size() == 5);
  CHECK(seen[0] == "document");
  CHECK(std::count(seen.begin(), seen.end(), "img src") == 4);
  CHECK(r->title == "A gallery");
}

TEST_CASE("keep_bodies and save write the page and its images to disk", "[integration]") {
  site_server site({{"/", html("<img src=\"/img/a%20b.png\"><img src=\"/deep/x/y.png?v=2\">")},
                    {"/img/a%20b.png", png("first")},
                    {"/deep/x/y.png?v=2", png("second")}});
  page::load_options lo;
  lo.keep_bodies = true;
  auto r = load(site.url("/"), lo);
  REQUIRE(r);
  REQUIRE(r->failed() == 0);
  CHECK(r->images[0].body == "first");
  std::string templ = (std::filesystem::temp_directory_path() / "cf_page_XXXXXX").string();
  REQUIRE(::mkdtemp(templ.data()) != nullptr);
  const std::filesystem::path dir = templ;
  REQUIRE_FALSE(page::save(*r, dir));
  const std::string host = "127.0.0.1:" + std::to_string(site.port());
  auto read = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  CHECK(read(dir / host / "index.html") == r->document.body);
  CHECK(read(dir / host / "img" / "a b.png") == "first");
  CHECK(read(dir / host / "deep" / "x" / "y.png?v=2") == "second");
  std::filesystem::remove_all(dir);
}
