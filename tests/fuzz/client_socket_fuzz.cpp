// Fuzzes the whole client with what a hostile HTTP/1.1 server sends: a loopback server answers
// every request with the input's bytes (written in pieces whose sizes the second byte seeds)
// and closes; the client fetches twice with one pool, so that leftovers of the first answer meet
// the second request (RFC 9112 9.3: a connection with bytes nobody asked for is never reused).
// The first byte picks the method (GET or HEAD) and whether content decoding is on. The
// oracles: no crash, leak or sanitizer finding; both fetches end within their bounds; a fetch
// that succeeds has a status from 100 to 999 and at most max_body_bytes of body.
#include <corofetch/client/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/this_coro.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

namespace client = corofetch::client;
namespace http = corofetch::http;
using namespace std::chrono_literals;

constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::uint64_t max_body = 1U << 20U;

void check(bool ok) {
  if (!ok) std::abort();
}

// Answers each connection's first request head with `reply`, in pieces, then closes.
asio::awaitable<void> serve(asio::ip::tcp::acceptor& acceptor, std::string reply,
                            std::uint32_t seed) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec) co_return;
    asio::streambuf head(64 * 1024);
    auto [rec, n] = co_await asio::async_read_until(socket, head, "\r\n\r\n", use_tuple);
    (void)n;
    if (rec) continue;
    std::size_t at = 0;
    while (at < reply.size()) {
      seed = seed * 1103515245U + 12345U;
      const std::size_t step = std::min<std::size_t>(reply.size() - at, 1 + (seed >> 16U) % 97);
      auto [wec, w] =
          co_await asio::async_write(socket, asio::buffer(reply.data() + at, step), use_tuple);
      (void)w;
      if (wec) break;
      at += step;
    }
    std::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }
}

asio::awaitable<void> fetch_twice(asio::ip::tcp::acceptor& acceptor, std::uint8_t flags) {
  client::client_options o;
  o.resolver.hosts_file = "";
  o.resolver.servers = {"127.0.0.1:9"};  // never used: the URL's host is an address
  o.http_version = client::http_version_choice::http1_1;
  o.timeouts.response_head = 300ms;
  o.timeouts.body_idle = 300ms;
  o.timeouts.total = 1s;
  client::client c(co_await asio::this_coro::executor, o);
  const std::string url =
      "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/fuzz";
  const http::method& method = (flags & 1U) != 0 ? http::method::head : http::method::get;
  client::fetch_options fo = client::default_fetch_options(o);
  fo.decode_content = (flags & 2U) != 0;
  fo.max_body_bytes = max_body;
  fo.max_decoded_bytes = max_body;
  for (int i = 0; i < 2; ++i) {
    auto req = client::request::make(method, url);
    check(req.has_value());
    client::response out;
    const auto start = std::chrono::steady_clock::now();
    const std::error_code ec = co_await c.async_fetch_into(*req, out, fo);
    // Its own bound (1 s), and some slack for a sanitizer build on a busy machine.
    check(std::chrono::steady_clock::now() - start < 10s);
    if (!ec) {
      check(out.status >= 100 && out.status <= 999);
      check(out.body.size() <= max_body);
    }
  }
  acceptor.close();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // NOLINTNEXTLINE: the fuzzer's bytes as chars
  std::string reply(reinterpret_cast<const char*>(data + 2), size - 2);
  asio::io_context io(1);
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  asio::co_spawn(io, serve(acceptor, std::move(reply), data[1] + 1U), asio::detached);
  asio::co_spawn(io, fetch_twice(acceptor, data[0]), asio::detached);
  io.run();
  return 0;
}
