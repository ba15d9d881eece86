#include <corofetch/net/connect.hpp>
#include <corofetch/net/stream.hpp>

#include "support/net/run.hpp"
#include "support/net/scripted_server.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <string>

using namespace std::chrono_literals;
using asio::ip::tcp;
using corofetch::net::errc;
using corofetch::net::io_result;
using corofetch::net::stream;
using corofetch::test::run_coro;
using corofetch::test::script;
using corofetch::test::scripted_server;

namespace {

asio::awaitable<stream> open_plain(const scripted_server& server) {
  auto ex = co_await asio::this_coro::executor;
  const std::array<tcp::endpoint, 1> endpoints{server.endpoint()};
  auto socket = co_await corofetch::net::async_connect(ex, endpoints);
  REQUIRE(socket.has_value());
  co_return stream(std::move(socket.value()));
}

// Reads until an error; the bytes and the error that ended it.
asio::awaitable<std::pair<std::string, std::error_code>> read_all(stream& s) {
  std::string data;
  std::array<char, 7> buffer{};  // small on purpose: many reads
  for (;;) {
    const io_result r = co_await s.async_read_some(asio::buffer(buffer));
    data.append(buffer.data(), r.bytes);
    if (r.error) co_return std::pair{data, r.error};
  }
}

}  // namespace

TEST_CASE("a plain stream writes a gathered request and reads a split reply", "[integration]") {
  scripted_server server({script()
                              .expect_until("\r\n\r\n")
                              .expect_bytes(5)
                              .send_split("HTTP/1.1 200 OK\r\n\r\nhello", 4, 20ms)
                              .close()});
  const auto [data, end] =
      run_coro([&]() -> asio::awaitable<std::pair<std::string, std::error_code>> {
        stream s = co_await open_plain(server);
        CHECK(s.is_open());
        CHECK_FALSE(s.is_tls());
        // GCC 12 miscompiles co_await inside Catch's macros: results go through variables.
        const auto handshake = co_await s.async_handshake("localhost", 1s);  // a plain no-op
        CHECK_FALSE(handshake);
        const std::string head = "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n";
        const std::string body = "abcde";
        const std::array<asio::const_buffer, 2> pieces{asio::buffer(head), asio::buffer(body)};
        const io_result written = co_await s.async_write(pieces);
        CHECK_FALSE(written.error);
        CHECK(written.bytes == head.size() + body.size());
        co_return co_await read_all(s);
      });
  CHECK(data == "HTTP/1.1 200 OK\r\n\r\nhello");
  CHECK(end == asio::error::eof);
  CHECK(server.received(0) == "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde");
}

TEST_CASE("a reset mid-reply is an error, never a clean end", "[integration]") {
  scripted_server server({script()
                              .expect_until("\r\n\r\n")
                              .send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart")
                              .delay(50ms)
                              .reset()});
  const auto [data, end] =
      run_coro([&]() -> asio::awaitable<std::pair<std::string, std::error_code>> {
        stream s = co_await open_plain(server);
        const std::string request = "GET / HTTP/1.1\r\n\r\n";
        const io_result written = co_await s.async_write(asio::buffer(request));
        CHECK_FALSE(written.error);
        co_return co_await read_all(s);
      });
  CHECK(data.ends_with("part"));
  CHECK(end == asio::error::connection_reset);
}

TEST_CASE("a stream with no socket reports stream_not_open", "[integration]") {
  const auto errors = run_coro([]() -> asio::awaitable<std::array<std::error_code, 4>> {
    stream s;
    CHECK_FALSE(s.is_open());
    std::array<char, 4> buffer{};
    std::array<std::error_code, 4> out;
    out[0] = (co_await s.async_read_some(asio::buffer(buffer))).error;
    out[1] = (co_await s.async_write_some(asio::buffer(buffer))).error;
    out[2] = co_await s.async_handshake("localhost", 1s);
    out[3] = co_await s.async_shutdown(1s);
    co_return out;
  });
  for (const auto& ec : errors) CHECK(ec == errc::stream_not_open);
}

TEST_CASE("close() aborts a pending read and the stream reports closed", "[integration]") {
  scripted_server server({script().stall()});
  const auto ec = run_coro([&]() -> asio::awaitable<std::error_code> {
    stream s = co_await open_plain(server);
    asio::steady_timer timer(co_await asio::this_coro::executor, 50ms);
    timer.async_wait([&](std::error_code) { s.close(); });
    std::array<char, 16> buffer{};
    const io_result r = co_await s.async_read_some(asio::buffer(buffer));
    CHECK_FALSE(s.is_open());
    co_return r.error;
  });
  CHECK(ec == asio::error::operation_aborted);
}

TEST_CASE("a slow reader receives every byte, and shutdown ends cleanly", "[integration]") {
  constexpr std::size_t total = 256 * 1024;
  scripted_server server({script().read_slowly(32 * 1024, 5ms, total).close()});
  const auto written = run_coro([&]() -> asio::awaitable<io_result> {
    stream s = co_await open_plain(server);
    const std::string payload(total, 'x');
    const io_result r = co_await s.async_write(asio::buffer(payload));
    const auto shutdown = co_await s.async_shutdown(1s);
    CHECK_FALSE(shutdown);
    CHECK_FALSE(s.is_open());
    co_return r;
  });
  CHECK_FALSE(written.error);
  CHECK(written.bytes == total);
  REQUIRE(server.wait_finished(1, 5s));
  CHECK(server.received(0).size() == total);
}
