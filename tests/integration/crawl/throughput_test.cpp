// How fast a generated 10,000-page loopback site is crawled, against the same URLs fetched by
// the bare client with the same concurrency (the most the server and the client can do
// together): the crawler's own work (robots-free frontier, HTML parsing, seen-set) should cost
// little beside it. Figures are printed, not asserted; what is asserted is that every page
// was fetched once.
#include <corofetch/client/client.hpp>

#include "integration/crawl/harness.hpp"
#include "support/crawl/generated_site.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>

#include <set>

using namespace std::chrono_literals;
namespace crawl = corofetch::crawl;
namespace client = corofetch::client;
using corofetch::test::crawl_server;
using corofetch::test::generated_site;

namespace {

constexpr std::size_t concurrency = 32;

// Fetches every URL with `concurrency` coroutines on one client; returns the seconds taken.
double fetch_all(const std::vector<std::string>& urls, const client::client_options& options) {
  return corofetch::test::run_coro(
      [&]() -> asio::awaitable<double> {
        client::client c(co_await asio::this_coro::executor, options);
        std::size_t next = 0;
        std::size_t running = concurrency;
        asio::steady_timer done(co_await asio::this_coro::executor,
                                std::chrono::steady_clock::time_point::max());
        const auto started = std::chrono::steady_clock::now();
        for (std::size_t w = 0; w < concurrency; ++w) {
          asio::co_spawn(
              c.get_executor(),
              [&]() -> asio::awaitable<void> {
                client::response response;
                const auto fetch = client::default_fetch_options(c.options());
                while (next < urls.size()) {
                  auto req = client::request::make(corofetch::http::method::get, urls[next++]);
                  REQUIRE(req);
                  const std::error_code ec = co_await c.async_fetch_into(*req, response, fetch);
                  REQUIRE_FALSE(ec);
                }
                if (--running == 0) done.cancel();
              },
              asio::detached);
        }
        co_await done.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        c.close_idle();
        co_return took.count();
      },
      60s);
}

}  // namespace

TEST_CASE("crawler: a 10,000-page site, against the bare client", "[integration]") {
  generated_site site;
  site.pages = 10'000;
  site.robots_obeyed = false;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  const std::string host = "site.test";
  crawl::crawl_options o;
  o.concurrency = concurrency;
  o.politeness.per_host = concurrency;
  o.politeness.delay = 0ms;
  o.obey_robots = false;
  // A handler that only counts, as an application writing JSONL costs little more.
  std::size_t reports = 0;
  const auto client_options = corofetch::test::client_options_for(server, {host});
  const double crawl_seconds = corofetch::test::run_coro(
      [&]() -> asio::awaitable<double> {
        crawl::crawler c(co_await asio::this_coro::executor, client_options, o);
        std::vector<std::string> seeds{server.url(host, "/p/0.html")};
        crawl::page_handler count = [&](crawl::crawl_page&, crawl::crawl_control&) { ++reports; };
        const auto started = std::chrono::steady_clock::now();
        auto r = co_await c.async_run(std::move(seeds), std::move(count));
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        REQUIRE(r);
        c.http_client().close_idle();
        co_return took.count();
      },
      60s);
  const std::set<std::string> expected = site.expected_paths();
  REQUIRE(server.requests() == expected.size());
  REQUIRE(reports == expected.size());

  std::vector<std::string> urls;
  for (const auto& p : expected) urls.push_back(server.url(host, p));
  const double bare_seconds = fetch_all(urls, corofetch::test::client_options_for(server, {host}));
  const double n = static_cast<double>(expected.size());
  WARN("crawl: " << expected.size() << " URLs in " << crawl_seconds << " s, " << n / crawl_seconds
                 << " pages/s; the bare client fetching the same URLs: " << n / bare_seconds
                 << " pages/s; crawler/client = " << bare_seconds / crawl_seconds);
}
