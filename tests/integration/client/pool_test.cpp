#include <corofetch/client/client.hpp>
#include <corofetch/http/error.hpp>

#include "harness.hpp"

#include <catch2/catch.hpp>

#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>

#include <vector>

using namespace cf_client_test;
using namespace asio::experimental::awaitable_operators;
using corofetch::http::method;

namespace {

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
}

// Fetches `url` and records the order in which fetches finished.
asio::awaitable<void> fetch_and_log(client::client& c, std::string url, int id,
                                    std::vector<int>& done, std::vector<std::string>& bodies) {
  client::response out;
  auto ec = co_await c.async_fetch_into(make(method::get, url), out, {});
  done.push_back(id);
  bodies.push_back(ec ? ec.message() : out.body);
}

}  // namespace

TEST_CASE("the per-host limit queues fetches and serves them in order on one connection",
          "[integration]") {
  script s;
  for (int i = 0; i < 3; ++i) s.expect_until().delay(30ms).send(ok("r"));
  scripted_server server({s});
  auto [done, bodies, stats] = run_coro(
      [&]() -> asio::awaitable<
                std::tuple<std::vector<int>, std::vector<std::string>, client::pool_stats>> {
        auto o = loopback_options();
        o.pool.max_per_host = 1;
        client::client c(co_await asio::this_coro::executor, o);
        std::vector<int> order;
        std::vector<std::string> got;
        const auto u = url_of(server);
        co_await (fetch_and_log(c, u, 0, order, got) && fetch_and_log(c, u, 1, order, got) &&
                  fetch_and_log(c, u, 2, order, got));
        co_return std::tuple{order, got, c.stats()};
      });
  CHECK(done == std::vector<int>{0, 1, 2});
  CHECK(bodies == std::vector<std::string>{"r", "r", "r"});
  CHECK(server.accepted() == 1);
  CHECK(stats.reuses == 2);
  CHECK(stats.open == 1);
}

TEST_CASE("the global limit: a fetch to another host waits, then replaces an idle connection",
          "[integration]") {
  scripted_server a({script().expect_until().delay(150ms).send(ok("a")).stall()});
  scripted_server b({script().expect_until().send(ok("b"))});
  auto [bodies, stats, queued_ms] = run_coro(
      [&]()
          -> asio::awaitable<std::tuple<std::vector<std::string>, client::pool_stats, long long>> {
        auto o = loopback_options();
        o.pool.max_total = 1;
        client::client c(co_await asio::this_coro::executor, o);
        std::vector<std::string> got(2);
        long long queued = 0;
        auto fetch_a = [&]() -> asio::awaitable<void> {
          auto r = co_await c.async_get(url_of(a));
          got[0] = r ? r->body : r.error().message();
        };
        auto fetch_b = [&]() -> asio::awaitable<void> {
          co_await sleep_for(20ms);  // a holds the only slot by now
          auto r = co_await c.async_get(url_of(b));
          got[1] = r ? r->body : r.error().message();
          if (r) {
            queued =
                std::chrono::duration_cast<std::chrono::milliseconds>(r->timing.queued).count();
          }
        };
        co_await (fetch_a() && fetch_b());
        co_return std::tuple{got, c.stats(), queued};
      });
  CHECK(bodies == std::vector<std::string>{"a", "b"});
  CHECK(queued_ms >= 100);
  CHECK(stats.open == 1);  // a's idle connection was closed to make room for b's
  CHECK(a.wait_finished(1, 2s));
}

TEST_CASE("a connection the server closed while idle is detected before it is reused",
          "[integration]") {
  // GET checks connections idle for idle_check_after (0 here); POST always checks.
  const bool post = GENERATE(false, true);
  scripted_server server(
      {script().expect_until().send(ok("one")).close(), script().expect_until().send(ok("two"))});
  auto [bodies,
        stats] = run_coro([&]() -> asio::awaitable<std::pair<std::string, client::pool_stats>> {
    auto o = loopback_options();
    o.pool.idle_check_after = post ? 1h : 0ms;
    client::client c(co_await asio::this_coro::executor, o);
    auto a = co_await c.async_get(url_of(server));
    co_await sleep_for(100ms);  // the server's FIN arrives
    const std::string u = url_of(server);
    // Not a ?: of two co_awaits: g++ 12 miscompiles co_await inside a conditional expression.
    corofetch::result<client::response> b = std::error_code(client::errc::client_closed);
    if (post) {
      b = co_await c.async_post(u, "p", "text/plain", {});
    } else {
      b = co_await c.async_get(u);
    }
    co_return std::pair{(a ? a->body : "?") + "," + (b ? b->body : b.error().message()), c.stats()};
  });
  CHECK(bodies == "one,two");
  CHECK(stats.closed_while_idle == 1);
  CHECK(stats.retries == 0);
  CHECK(server.accepted() == 2);
}

TEST_CASE("bytes a server sends unasked after a response end that connection's reuse",
          "[integration]") {
  // The unsolicited bytes come after the response was read, while the connection is idle: a
  // reuse soon after must still notice them (RFC 9112 9.3), or they would be read as the next
  // request's response.
  scripted_server server(
      {script().expect_until().send(ok("one")).delay(50ms).send(ok("unasked")).stall(),
       script().expect_until().send(ok("two"))});
  auto bodies = run_coro([&]() -> asio::awaitable<std::string> {
    client::client c(co_await asio::this_coro::executor, loopback_options());
    auto a = co_await c.async_get(url_of(server));
    co_await sleep_for(200ms);  // the unasked response arrives meanwhile
    auto b = co_await c.async_get(url_of(server));
    co_return (a ? a->body : a.error().message()) + "," + (b ? b->body : b.error().message());
  });
  CHECK(bodies == "one,two");
  CHECK(server.accepted() == 2);
}

TEST_CASE("an idempotent request failing on a reused connection is retried once on a fresh one",
          "[integration]") {
  // The server reads the second request, then closes without a byte of response: the race of
  // a keep-alive close with a new request (RFC 9112 9.3.1).
  scripted_server server({script().expect_until().send(ok("one")).expect_until().close(),
                          script().expect_until().send(ok("two"))});
  auto [bodies,
        stats] = run_coro([&]() -> asio::awaitable<std::pair<std::string, client::pool_stats>> {
    client::client c(co_await asio::this_coro::executor, loopback_options());
    auto a = co_await c.async_get(url_of(server));
    auto b = co_await c.async_get(url_of(server));
    co_return std::pair{(a ? a->body : "?") + "," + (b ? b->body : b.error().message()), c.stats()};
  });
  CHECK(bodies == "one,two");
  CHECK(stats.retries == 1);
  CHECK(server.accepted() == 2);
}

TEST_CASE("a POST failing on a reused connection is never retried", "[integration]") {
  scripted_server server({script().expect_until().send(ok("one")).expect_until().close(),
                          script().expect_until().send(ok("two"))});
  auto [first, error, stats] = run_coro(
      [&]() -> asio::awaitable<std::tuple<std::string, std::error_code, client::pool_stats>> {
        client::client c(co_await asio::this_coro::executor, loopback_options());
        auto a = co_await c.async_get(url_of(server));
        auto b = co_await c.async_post(url_of(server), "data", "text/plain", {});
        co_return std::tuple{a ? a->body : "?", b ? std::error_code{} : b.error(), c.stats()};
      });
  CHECK(first == "one");
  CHECK(error == corofetch::http::errc::empty_response);
  CHECK(stats.retries == 0);
  CHECK(server.accepted() == 1);
}

TEST_CASE("an idle connection is closed after the idle timeout", "[integration]") {
  scripted_server server({serve_n(2, ok("x"))});
  auto [before, after] = run_coro([&]() -> asio::awaitable<std::pair<std::size_t, std::size_t>> {
    auto o = loopback_options();
    o.pool.idle_timeout = 100ms;
    client::client c(co_await asio::this_coro::executor, o);
    auto a = co_await c.async_get(url_of(server));
    const auto idle_now = c.stats().idle;
    co_await sleep_for(300ms);
    co_return std::pair{idle_now, c.stats().open};
  });
  CHECK(before == 1);
  CHECK(after == 0);
  CHECK(server.wait_finished(1, 2s));  // the server saw the close
}

TEST_CASE("cancelling fetches leaves the pool clean", "[integration]") {
  scripted_server stalled({script().expect_until().stall()});
  scripted_server fine({script().expect_until().send(ok("fine"))});
  auto [stats, body] =
      run_coro([&]() -> asio::awaitable<std::pair<client::pool_stats, std::string>> {
        auto o = loopback_options();
        o.pool.max_per_host = 1;
        client::client c(co_await asio::this_coro::executor, o);
        auto ex = co_await asio::this_coro::executor;
        // One fetch in flight on the stalled server, one queued behind it; both cancelled.
        auto in_flight = [&]() -> asio::awaitable<void> {
          asio::steady_timer t(ex, 200ms);
          co_await (c.async_get(url_of(stalled)) ||
                    t.async_wait(asio::experimental::as_tuple(asio::use_awaitable)));
        };
        auto queued = [&]() -> asio::awaitable<void> {
          co_await sleep_for(20ms);
          asio::steady_timer t(ex, 100ms);
          co_await (c.async_get(url_of(stalled)) ||
                    t.async_wait(asio::experimental::as_tuple(asio::use_awaitable)));
        };
        co_await (in_flight() && queued());
        auto s = c.stats();
        auto r = co_await c.async_get(url_of(fine));
        co_return std::pair{s, r ? r->body : r.error().message()};
      });
  CHECK(stats.open == 0);
  CHECK(stats.waiting == 0);
  CHECK(stats.idle == 0);
  CHECK(body == "fine");
  CHECK(stalled.wait_finished(1, 2s));  // the cancelled connection was closed
}
