#include <corofetch/net/stream.hpp>

#include "support/net/run.hpp"
#include "support/net/scripted_server.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <string>

#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

using namespace std::chrono_literals;
using asio::ip::tcp;
using corofetch::net::errc;
using corofetch::net::io_result;
using corofetch::net::stream;
using corofetch::test::run_coro;
using corofetch::test::script;
using corofetch::test::scripted_server;

namespace {

// A stream connected through its own async_connect, with no deadline.
asio::awaitable<stream> connect_to(const scripted_server& server) {
  stream s(co_await asio::this_coro::executor);
  const std::array<tcp::endpoint, 1> endpoints{server.endpoint()};
  const std::error_code ec = co_await s.async_connect(endpoints, {});
  REQUIRE_FALSE(ec);
  co_return s;
}

struct read_outcome {
  std::error_code error;
  std::error_code expired;
  std::string data;
};

asio::awaitable<read_outcome> read_once(stream& s) {
  std::array<char, 64> buffer{};
  const io_result r = co_await s.async_read_some(asio::buffer(buffer));
  co_return read_outcome{r.error, s.expired(), std::string(buffer.data(), r.bytes)};
}

}  // namespace

TEST_CASE("a read past the stream's deadline fails with stream_timeout", "[integration]") {
  scripted_server server({script().stall()});
  const auto out = run_coro([&]() -> asio::awaitable<read_outcome> {
    stream s = co_await connect_to(server);
    s.expires_after(50ms);
    co_return co_await read_once(s);
  });
  CHECK(out.error == errc::stream_timeout);
  CHECK(out.expired == errc::stream_timeout);
  CHECK(out.error.message() == "stream deadline passed");
}

TEST_CASE("the deadline's reason is the error the cancelled read gives", "[integration]") {
  scripted_server server({script().stall()});
  const auto out = run_coro([&]() -> asio::awaitable<read_outcome> {
    stream s = co_await connect_to(server);
    s.expires_after(30ms, std::make_error_code(std::errc::timed_out));
    co_return co_await read_once(s);
  });
  CHECK(out.error == std::errc::timed_out);
  CHECK(out.expired == std::errc::timed_out);
}

TEST_CASE("a deadline moved later does not cancel a read at the earlier time", "[integration]") {
  // The timer stays armed at the first deadline (no re-arm when a deadline moves later); when it
  // fires early it must re-arm, not cancel.
  scripted_server server({script().delay(150ms).send("late").close()});
  const auto out = run_coro([&]() -> asio::awaitable<read_outcome> {
    stream s = co_await connect_to(server);
    s.expires_after(20ms);
    s.expires_after(5s);
    co_return co_await read_once(s);
  });
  CHECK_FALSE(out.error);
  CHECK_FALSE(out.expired);
  CHECK(out.data == "late");
}

TEST_CASE("expires_never lifts a deadline", "[integration]") {
  scripted_server server({script().delay(100ms).send("ok").close()});
  const auto out = run_coro([&]() -> asio::awaitable<read_outcome> {
    stream s = co_await connect_to(server);
    s.expires_after(20ms);
    s.expires_never();
    co_return co_await read_once(s);
  });
  CHECK_FALSE(out.error);
  CHECK(out.data == "ok");
}

TEST_CASE("a deadline moved earlier re-arms the timer", "[integration]") {
  scripted_server server({script().stall()});
  const auto out = run_coro([&]() -> asio::awaitable<read_outcome> {
    stream s = co_await connect_to(server);
    s.expires_after(60s);
    s.expires_after(40ms, std::make_error_code(std::errc::timed_out));
    co_return co_await read_once(s);
  });
  CHECK(out.error == std::errc::timed_out);
}

TEST_CASE("operations after the deadline passed fail at once until it is reset", "[integration]") {
  scripted_server server({script().expect_bytes(2).send("hi").stall()});
  const auto [first, second, third] =
      run_coro([&]() -> asio::awaitable<std::array<read_outcome, 3>> {
        stream s = co_await connect_to(server);
        s.expires_after(30ms);
        read_outcome a = co_await read_once(s);  // times out: nothing was asked
        const std::string ask = "go";
        const io_result w = co_await s.async_write(asio::buffer(ask));
        read_outcome b{w.error, s.expired(), {}};
        s.expires_after(5s);
        const io_result w2 = co_await s.async_write(asio::buffer(ask));
        REQUIRE_FALSE(w2.error);
        read_outcome c = co_await read_once(s);
        co_return std::array<read_outcome, 3>{a, b, c};
      });
  CHECK(first.error == errc::stream_timeout);
  CHECK(second.error == errc::stream_timeout);
  CHECK_FALSE(third.error);
  CHECK(third.data == "hi");
}

TEST_CASE("async_bounded stops another operation at the stream's deadline", "[integration]") {
  const auto [waited, expired] =
      run_coro([&]() -> asio::awaitable<std::pair<std::error_code, std::error_code>> {
        auto ex = co_await asio::this_coro::executor;
        stream s(ex);  // not connected: the deadline bounds the lookup phase already
        s.expires_after(40ms, std::make_error_code(std::errc::timed_out));
        auto wait = [](asio::any_io_executor e) -> asio::awaitable<std::error_code> {
          asio::steady_timer t(e, 30s);
          auto [ec] = co_await t.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
          co_return ec;
        };
        const std::error_code ec = co_await s.async_bounded(wait(ex));
        co_return std::pair{ec, s.expired()};
      });
  CHECK(waited == asio::error::operation_aborted);
  CHECK(expired == std::errc::timed_out);
}

TEST_CASE("async_bounded returns the operation's value before the deadline", "[integration]") {
  const int value = run_coro([&]() -> asio::awaitable<int> {
    stream s(co_await asio::this_coro::executor);
    s.expires_after(5s);
    auto answer = []() -> asio::awaitable<int> { co_return 42; };
    const int v = co_await s.async_bounded(answer());
    CHECK_FALSE(s.expired());
    co_return v;
  });
  CHECK(value == 42);
}

TEST_CASE("a connect past the stream's deadline fails with its reason", "[integration]") {
  corofetch::test::blackhole_listener hole;
  const auto ec = run_coro([&]() -> asio::awaitable<std::error_code> {
    stream s(co_await asio::this_coro::executor);
    s.expires_after(50ms, std::make_error_code(std::errc::timed_out));
    const std::array<tcp::endpoint, 1> endpoints{hole.endpoint()};
    corofetch::net::connect_options options;
    options.timeout = 0ms;
    co_return co_await s.async_connect(endpoints, options);
  });
  CHECK(ec == std::errc::timed_out);
}

TEST_CASE("a stream made with an executor connects and carries bytes", "[integration]") {
  scripted_server server({script().expect_bytes(4).send("pong").close()});
  const auto out = run_coro([&]() -> asio::awaitable<read_outcome> {
    stream s = co_await connect_to(server);
    CHECK(s.is_open());
    CHECK_FALSE(s.is_tls());
    s.socket().non_blocking(true);  // the write is tried at once, then completed async
    const std::string ping = "ping";
    const io_result w = co_await s.async_write(asio::buffer(ping));
    REQUIRE_FALSE(w.error);
    CHECK(w.bytes == 4);
    co_return co_await read_once(s);
  });
  CHECK(out.data == "pong");
}

TEST_CASE("a closed stream keeps no timer: the event loop returns", "[integration]") {
  scripted_server server({script().stall()});
  asio::io_context io(1);
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        stream s = co_await connect_to(server);
        s.expires_after(60s);
        s.close();
        done = true;
      },
      asio::detached);
  io.run_for(10s);
  CHECK(done);
  CHECK(io.stopped());  // ran out of work: the 60 s timer is gone with the close
}
