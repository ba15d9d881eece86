// The crawler's fault suite (issue 16): one linked page served by a broken server, the rest of
// the site by a healthy one. The broken URL is tried as the retry policy says and reported
// with its own error; every other page is crawled; the crawl ends by itself within its bound;
// the process then holds exactly the file descriptors it held before.
#include <corofetch/client/error.hpp>
#include <corofetch/http/error.hpp>

#include "common/descriptors.hpp"
#include "harness.hpp"
#include "support/net/scripted_server.hpp"

#include <catch2/catch.hpp>

#include <asio/error.hpp>

#include <string>

using namespace std::chrono_literals;
namespace crawl = corofetch::crawl;
namespace http = corofetch::http;
using corofetch::test::crawl_outcome;
using corofetch::test::crawl_server;
using corofetch::test::script;
using corofetch::test::scripted_server;

using corofetch::test::open_descriptors;

TEST_CASE("crawl faults: a broken page is reported with its error, the rest is crawled",
          "[integration]") {
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 50\r\n\r\n";
  const struct {
    const char* name;
    script broken;  // every connection to the broken host plays it
    std::error_code expected;
  } faults[] = {
      {"accepts and never answers", script().expect_until().stall(),
       corofetch::client::errc::response_head_timeout},
      {"stalls mid-body", script().expect_until().send(head + "<html>").stall(),
       corofetch::client::errc::body_idle_timeout},
      {"resets mid-body", script().expect_until().send(head + "<html>").reset(),
       asio::error::connection_reset},
      {"closes mid-body", script().expect_until().send(head + "<html>").close(),
       http::errc::truncated},
      {"garbage", script().expect_until().send("\x16\x03\x01 garbage\r\n\r\n"),
       http::errc::invalid_status_line},
  };
  for (const auto& f : faults) {
    INFO(f.name);
    const std::size_t before = open_descriptors();
    {
      scripted_server bad({f.broken});
      const std::string bad_url = "http://bad.test:" + std::to_string(bad.port()) + "/broken.html";
      crawl_server site([&](const crawl_server::request& r) {
        crawl_server::reply reply;
        if (r.path == "/") {
          reply.body = "<a href=" + bad_url + ">b</a>";
          for (int i = 0; i < 6; ++i) reply.body += "<a href=/p" + std::to_string(i) + ">p</a>";
        } else {
          reply.body = "<html><title>" + r.path + "</title></html>";
        }
        return reply;
      });
      crawl::crawl_options o;
      o.obey_robots = false;
      o.scope.kind = crawl::scope_kind::any;
      o.politeness.delay = 0ms;
      o.retry.backoff = 10ms;
      o.fetch.timeouts.response_head = 300ms;
      o.fetch.timeouts.body_idle = 200ms;
      auto client_options = corofetch::test::client_options_for(site, {"good.test"});
      auto to_bad = corofetch::client::parse_resolve_override(
          "bad.test:" + std::to_string(bad.port()) + ":127.0.0.1");
      REQUIRE(to_bad);
      client_options.resolve_overrides.push_back(*to_bad);
      const auto out = corofetch::test::run_coro(
          [&]() -> asio::awaitable<crawl_outcome> {
            crawl::crawler c(co_await asio::this_coro::executor, client_options, o);
            crawl_outcome result;
            std::vector<std::string> seeds{site.url("good.test", "/")};
            crawl::page_handler handler = [&](crawl::crawl_page& p, crawl::crawl_control&) {
              result.pages.push_back(corofetch::test::copy_report(p));
            };
            const auto started = std::chrono::steady_clock::now();
            auto r = co_await c.async_run(std::move(seeds), std::move(handler));
            result.took = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started);
            if (r) result.summary = *r;
            c.http_client().close_idle();
            co_return result;
          },
          30s);
      const auto broken = out.of(bad_url);
      REQUIRE(broken.size() == 1);
      INFO(broken[0].error.message());
      CHECK(broken[0].error == f.expected);
      CHECK(broken[0].attempts >= 1);
      CHECK(out.summary.progress.failed == 1);
      for (int i = 0; i < 6; ++i) {
        const auto page = out.of(site.url("good.test", "/p" + std::to_string(i)));
        REQUIRE(page.size() == 1);
        CHECK(page[0].status == 200);
      }
      // Three attempts at most, each within its phase bound, and the backoffs between them.
      CHECK(out.took < 3 * 4 * 300ms + 3s);
    }
    CHECK(open_descriptors() == before);
  }
}
