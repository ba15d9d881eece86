// The page loader's fault suite (issue 16): one image of a page served by a broken server, the
// other images by a healthy one. The broken image fails with its own error within its bound,
// every other image of the page arrives whole, the page is loaded, and the process then holds
// exactly the file descriptors it held before.
#include <corofetch/client/client.hpp>
#include <corofetch/client/error.hpp>
#include <corofetch/http/error.hpp>
#include <corofetch/page/loader.hpp>

#include "common/descriptors.hpp"
#include "support/client/loopback_options.hpp"
#include "support/net/run.hpp"
#include "support/net/scripted_server.hpp"
#include "support/page/site_server.hpp"

#include <catch2/catch.hpp>

#include <asio/error.hpp>

#include <map>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace client = corofetch::client;
namespace http = corofetch::http;
namespace page = corofetch::page;
using corofetch::test::run_coro;
using corofetch::test::script;
using corofetch::test::scripted_server;
using corofetch::test::site_server;

using corofetch::test::open_descriptors;

namespace {

struct loaded {
  std::error_code error;
  page::page_result page;
};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // g++ 12's false report on Asio's frames
asio::awaitable<loaded> load_page(std::string url, client::client_options co,
                                  page::load_options lo) {
  client::client c(co_await asio::this_coro::executor, co);
  page::loader l(c, lo);
  auto r = co_await l.async_load(url);
  loaded out;
  if (r) {
    out.page = std::move(*r);
  } else {
    out.error = r.error();
  }
  co_return out;
}
#pragma GCC diagnostic pop

}  // namespace

TEST_CASE("page faults: one broken image fails alone, the rest of the page arrives, no leak",
          "[integration]") {
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 10\r\n\r\n";
  const struct {
    const char* name;
    script broken;
    std::error_code expected;
  } faults[] = {
      {"accepts and never answers", script().expect_until().stall(),
       client::errc::response_head_timeout},
      {"stalls mid-body", script().expect_until().send(head + "0123").stall(),
       client::errc::body_idle_timeout},
      {"resets mid-body", script().expect_until().send(head + "0123").reset(),
       asio::error::connection_reset},
      {"closes mid-body", script().expect_until().send(head + "0123").close(),
       http::errc::truncated},
      {"garbage", script().expect_until().send("\x16\x03\x01 garbage\r\n\r\n"),
       http::errc::invalid_status_line},
  };
  for (const auto& f : faults) {
    INFO(f.name);
    const std::size_t before = open_descriptors();
    {
      scripted_server bad({f.broken});
      const std::string bad_url = "http://127.0.0.1:" + std::to_string(bad.port()) + "/bad.png";
      std::map<std::string, site_server::route> routes;
      std::string body = "<html><body>";
      for (int i = 0; i < 8; ++i) {
        const std::string path = "/i" + std::to_string(i) + ".png";
        site_server::route r;
        r.content_type = "image/png";
        r.body = std::string(static_cast<std::size_t>(1000 + i), static_cast<char>('a' + i));
        routes[path] = r;
        body += "<img src=\"" + path.substr(1) + "\">";
        if (i == 3) body += "<img src=\"" + bad_url + "\">";
      }
      body += "</body></html>";
      site_server::route index;
      index.content_type = "text/html";
      index.body = body;
      routes["/"] = index;
      site_server site(routes);

      auto co = corofetch::test::loopback_client_options();
      co.timeouts.response_head = 400ms;
      co.timeouts.body_idle = 300ms;
      page::load_options lo;
      lo.images.timeouts = co.timeouts;
      lo.document.timeouts = co.timeouts;
      const auto start = std::chrono::steady_clock::now();
      const auto r = run_coro([&] { return load_page(site.url("/"), co, lo); }, 30s);
      CHECK(std::chrono::steady_clock::now() - start < 4 * 400ms + 3s);
      REQUIRE_FALSE(r.error);
      REQUIRE(r.page.images.size() == 9);
      CHECK(r.page.failed() == 1);
      for (const auto& img : r.page.images) {
        if (img.url == bad_url) {
          INFO(img.error.message());
          CHECK(img.error == f.expected);
          continue;
        }
        CHECK(img.status == 200);
        CHECK(img.bytes >= 1000);
      }
    }
    CHECK(open_descriptors() == before);
  }
}
