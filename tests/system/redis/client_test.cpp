// The Redis client against a real redis-server on a loopback port.
#include <corofetch/redis/client.hpp>
#include <corofetch/redis/error.hpp>

#include "support/net/run.hpp"
#include "support/redis/redis_server.hpp"

#include <catch2/catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <thread>

using namespace std::chrono_literals;
namespace redis = corofetch::redis;
using corofetch::test::redis_server;
using corofetch::test::run_coro;

namespace {

redis::client_options options_for(const std::string& url) {
  redis::client_options o;
  auto e = redis::parse_url(url);
  REQUIRE(e);
  o.server = *e;
  o.connect_timeout = 2s;
  o.command_timeout = 2s;
  return o;
}

asio::awaitable<std::string> set_get(redis::client& c, std::string key, std::string value) {
  std::vector<std::string> set{"SET", key, value};
  auto s = co_await c.async_command(std::move(set));
  if (!s) co_return "error: " + s.error().message();
  std::vector<std::string> get{"GET", key};
  auto g = co_await c.async_command(std::move(get));
  if (!g) co_return "error: " + g.error().message();
  co_return g->text;
}

}  // namespace

TEST_CASE("redis client: commands, binary values, pipelines and error replies", "[system]") {
  redis_server server;
  const auto o = options_for(server.url(2));
  run_coro([&]() -> asio::awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    redis::client c(executor, o);
    const std::string binary("a\0b\r\n c", 7);
    const std::string got = co_await set_get(c, "k", binary);
    CHECK(got == binary);
    CHECK(c.connected());

    std::vector<std::vector<std::string>> batch{{"INCR", "n"},
                                                {"INCR", "n"},
                                                {"HGET", "k", "f"},
                                                {"RPUSH", "l", "x", "y"},
                                                {"LRANGE", "l", "0", "-1"}};
    auto replies = co_await c.async_pipeline(std::move(batch));
    REQUIRE(replies);
    REQUIRE(replies->size() == 5);
    CHECK((*replies)[0].integer == 1);
    CHECK((*replies)[1].integer == 2);
    CHECK((*replies)[2].is_error());  // WRONGTYPE: k is a string
    CHECK((*replies)[3].integer == 2);
    REQUIRE((*replies)[4].elements.size() == 2);
    CHECK((*replies)[4].elements[1].text == "y");

    std::vector<std::string> wrong{"LPUSH", "k", "x"};
    auto e = co_await c.async_command(std::move(wrong));
    REQUIRE_FALSE(e);
    CHECK(e.error() == redis::errc::server_error);
    CHECK(c.error_detail().starts_with("WRONGTYPE"));

    std::vector<std::string> db{"CLIENT", "INFO"};
    auto info = co_await c.async_command(std::move(db));
    REQUIRE(info);
    CHECK(info->text.find(" db=2 ") != std::string::npos);
  });
}

TEST_CASE("redis client: an idle client leaves the event loop nothing to wait for", "[system]") {
  redis_server server;
  asio::io_context io(1);
  redis::client c(io.get_executor(), options_for(server.url()));  // outlives every run()
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    std::string got;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          got = co_await set_get(c, "idle", std::to_string(round));
          // Pipelined replies too: several arrive in one read.
          std::vector<std::vector<std::string>> batch{{"PING"}, {"PING"}, {"GET", "idle"}};
          auto replies = co_await c.async_pipeline(std::move(batch));
          if (!replies) got = "error: " + replies.error().message();
        },
        asio::detached);
    // run() returns once the commands are answered: no wait is left on the connection. When
    // one is, run_for() runs out its time and the loop is not stopped.
    io.run_for(10s);
    CHECK(io.stopped());
    CHECK(got == std::to_string(round));
    CHECK(c.connected());  // the same connection serves the next round
    io.restart();
  }
}

TEST_CASE("redis client: commands of many coroutines go out pipelined", "[system]") {
  redis_server server;
  const auto o = options_for(server.url());
  run_coro([&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    const auto executor = co_await asio::this_coro::executor;
    redis::client c(executor, o);
    const auto connected = co_await c.async_connect();
    REQUIRE_FALSE(connected);
    const auto before = c.stats();
    auto one = [&](int i) -> asio::awaitable<std::string> {
      co_return co_await set_get(c, "key" + std::to_string(i), std::to_string(i));
    };
    auto [a, b, d, e] = co_await (one(1) && one(2) && one(3) && one(4));
    CHECK(a == "1");
    CHECK(b == "2");
    CHECK(d == "3");
    CHECK(e == "4");
    const auto after = c.stats();
    CHECK(after.commands - before.commands == 8);
    // Eight commands, far fewer writes: those issued together went out together.
    CHECK(after.round_trips - before.round_trips <= 4);
  });
}

TEST_CASE("redis client: scripts by SHA-1, loaded again after SCRIPT FLUSH", "[system]") {
  redis_server server;
  const auto o = options_for(server.url());
  run_coro([&]() -> asio::awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    redis::client c(executor, o);
    const redis::script s("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}");
    std::vector<std::string> keys{"counter"};
    std::vector<std::string> args{"hello"};
    auto r = co_await c.async_eval(s, keys, args);
    REQUIRE(r);
    REQUIRE(r->elements.size() == 3);
    CHECK(r->elements[0].text == "counter");
    CHECK(r->elements[1].text == "hello");
    CHECK(r->elements[2].integer == 1);
    CHECK(c.stats().noscript == 1);  // a new server: EVALSHA, NOSCRIPT, EVAL
    r = co_await c.async_eval(s, keys, args);
    REQUIRE(r);
    CHECK(r->elements[2].integer == 2);
    CHECK(c.stats().noscript == 1);  // cached now
    std::vector<std::string> flush{"SCRIPT", "FLUSH"};
    auto flushed = co_await c.async_command(std::move(flush));
    REQUIRE(flushed);
    r = co_await c.async_eval(s, keys, args);
    REQUIRE(r);
    CHECK(r->elements[2].integer == 3);
    CHECK(c.stats().noscript == 2);
    const redis::script broken("return redis.call('NOSUCHCOMMAND')");
    r = co_await c.async_eval(broken, keys, args);
    REQUIRE_FALSE(r);
    CHECK(r.error() == redis::errc::server_error);
  });
}

TEST_CASE("redis client: passwords, and a refused one", "[system]") {
  redis_server::options so;
  so.password = "s3cret";
  redis_server server(so);
  run_coro([&]() -> asio::awaitable<void> {
    const auto ex = co_await asio::this_coro::executor;
    redis::client good(ex, options_for(server.url()));
    const std::string got = co_await set_get(good, "a", "b");
    CHECK(got == "b");
    auto o = options_for(server.url());
    o.server.password = "wrong";
    redis::client bad(ex, o);
    const auto ec = co_await bad.async_connect();
    CHECK(ec == redis::errc::auth_failed);
    CHECK(bad.error_detail().find("AUTH") != std::string::npos);
    o.server.password.clear();
    redis::client none(ex, o);
    std::vector<std::string> ping{"GET", "a"};
    auto r = co_await none.async_command(std::move(ping));
    REQUIRE_FALSE(r);
    CHECK(r.error() == redis::errc::auth_failed);  // the greeting's PING was refused
    CHECK(none.error_detail().find("NOAUTH") != std::string::npos);
  });
}

TEST_CASE("redis client: a server that is not there is a clear error, at once", "[system]") {
  std::uint16_t port = 0;
  {
    redis_server gone;  // a port that was free a moment ago, now closed
    port = gone.port();
  }
  run_coro([&]() -> asio::awaitable<void> {
    auto o = options_for("redis://127.0.0.1:" + std::to_string(port) + "/0");
    const auto executor = co_await asio::this_coro::executor;
    redis::client c(executor, o);
    std::vector<std::string> ping{"PING"};
    auto r = co_await c.async_command(std::move(ping));
    REQUIRE_FALSE(r);
    CHECK(r.error() == redis::errc::connect_failed);
    CHECK(c.error_detail().find("refused") != std::string::npos);
    CHECK_FALSE(c.connected());
  });
}

TEST_CASE("redis client: a reply past its bound drops the link; the next command reconnects",
          "[system]") {
  redis_server server;
  auto o = options_for(server.url());
  o.command_timeout = 200ms;
  run_coro([&]() -> asio::awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    redis::client c(executor, o);
    std::vector<std::string> sleep{"DEBUG", "SLEEP", "0.6"};
    auto r = co_await c.async_command(std::move(sleep));
    REQUIRE_FALSE(r);
    CHECK(r.error() == redis::errc::timeout);
    CHECK_FALSE(c.connected());
    CHECK(c.stats().link_losses == 1);
    const std::string got = co_await set_get(c, "after", "timeout");
    CHECK(got == "timeout");
    CHECK(c.stats().connects == 2);
  });
}

TEST_CASE("redis client: Redis restarted, commands wait for it with reconnect_for", "[system]") {
  redis_server server;
  auto o = options_for(server.url());
  o.reconnect_for = 10s;
  o.backoff_initial = 20ms;
  o.backoff_max = 200ms;
  run_coro(
      [&]() -> asio::awaitable<void> {
        const auto ex = co_await asio::this_coro::executor;
        redis::client c(ex, o);
        const std::string first = co_await set_get(c, "x", "1");
        CHECK(first == "1");
        server.stop();
        std::thread restart([&] {
          std::this_thread::sleep_for(700ms);
          server.start();
        });
        // The link is gone and Redis is down: the command waits, reconnecting, until it is up.
        const std::string second = co_await set_get(c, "x", "2");
        restart.join();
        CHECK(second == "2");
        CHECK(c.stats().connects >= 2);

        // Without reconnect_for, the loss is the command's error.
        auto once = o;
        once.reconnect_for = 0ms;
        redis::client d(ex, once);
        const std::string third = co_await set_get(d, "y", "3");
        CHECK(third == "3");
        server.stop();
        std::vector<std::string> get{"GET", "y"};
        auto r = co_await d.async_command(std::move(get));
        REQUIRE_FALSE(r);
        CHECK(redis::is_link_error(r.error()));
        server.start();
        // And with a bound it cannot meet: errc::unavailable.
        auto brief = o;
        brief.reconnect_for = 300ms;
        redis::client e(ex, brief);
        const std::string fourth = co_await set_get(e, "z", "4");
        CHECK(fourth == "4");
        server.stop();
        std::vector<std::string> get_z{"GET", "z"};
        auto u = co_await e.async_command(std::move(get_z));
        REQUIRE_FALSE(u);
        CHECK(u.error() == redis::errc::unavailable);
      },
      30s);
}
