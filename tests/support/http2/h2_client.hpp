#pragma once
// What the HTTP/2 tests share: connecting an http2::connection to a loopback port (h2c, or TLS
// with ALPN "h2"), building requests, and running many fetches at once on one connection.

#include <corofetch/http2/connection.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace corofetch::test {

using h2_connection_result = result<std::shared_ptr<http2::connection>>;

/// A TCP connection to 127.0.0.1:port; throws asio::system_error on failure.
inline asio::awaitable<asio::ip::tcp::socket> connect_loopback(std::uint16_t port) {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::socket socket(ex);
  co_await socket.async_connect({asio::ip::make_address("127.0.0.1"), port}, asio::use_awaitable);
  socket.set_option(asio::ip::tcp::no_delay(true));
  co_return socket;
}

/// HTTP/2 with prior knowledge (h2c, RFC 9113 3.3) on 127.0.0.1:port.
inline asio::awaitable<h2_connection_result> start_h2c(std::uint16_t port,
                                                       http2::connection_options options) {
  auto socket = co_await connect_loopback(port);
  options.scheme = "http";
  if (options.authority.empty()) options.authority = "127.0.0.1:" + std::to_string(port);
  auto t = http2::make_transport(std::move(socket));
  // Named first: g++ 12 mishandles a co_await whose operand is a call taking moved arguments.
  auto start = http2::connection::async_start(std::move(t), std::move(options));
  auto conn = co_await std::move(start);
  co_return conn;
}

/// start_h2c with the default options (a plain function: g++ 12 mishandles a coroutine's
/// defaulted class-type parameter).
inline asio::awaitable<h2_connection_result> start_h2c(std::uint16_t port) {
  return start_h2c(port, http2::connection_options());
}

/// A client TLS context trusting `ca_file` and offering ALPN "h2" only (RFC 7301).
inline std::shared_ptr<asio::ssl::context> h2_tls_context(const std::string& ca_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->load_verify_file(ca_file);
  ctx->set_verify_mode(asio::ssl::verify_peer);
  static const unsigned char alpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx->native_handle(), alpn, sizeof alpn);
  return ctx;
}

/// HTTPS with ALPN "h2" on 127.0.0.1:port; `alpn` receives what the server selected.
inline asio::awaitable<h2_connection_result> start_h2_tls(std::uint16_t port,
                                                          asio::ssl::context& ctx,
                                                          std::string& alpn,
                                                          http2::connection_options options) {
  auto socket = co_await connect_loopback(port);
  asio::ssl::stream<asio::ip::tcp::socket> tls(std::move(socket), ctx);
  tls.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  co_await tls.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  const unsigned char* selected = nullptr;
  unsigned int selected_len = 0;
  SSL_get0_alpn_selected(tls.native_handle(), &selected, &selected_len);
  alpn.assign(reinterpret_cast<const char*>(selected), selected_len);  // NOLINT: OpenSSL bytes
  options.scheme = "https";
  if (options.authority.empty()) options.authority = "127.0.0.1:" + std::to_string(port);
  auto t = http2::make_transport(std::move(tls));
  // Named first: g++ 12 mishandles a co_await whose operand is a call taking moved arguments.
  auto start = http2::connection::async_start(std::move(t), std::move(options));
  auto conn = co_await std::move(start);
  co_return conn;
}

/// A GET (or another method) of `path`.
inline http::request h2_request(std::string path, const http::method& m = http::method::get) {
  return {m, std::move(path)};
}

/// Runs every request at once on `conn` and gives their results in order.
inline asio::awaitable<std::vector<result<http::response>>> fetch_all(
    std::shared_ptr<http2::connection> conn, std::vector<http::request> requests,
    http2::fetch_options options) {
  auto ex = co_await asio::this_coro::executor;
  std::vector<std::optional<result<http::response>>> out(requests.size());
  std::size_t left = requests.size();
  asio::steady_timer done(ex, std::chrono::steady_clock::time_point::max());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    asio::co_spawn(
        ex,
        [&, i]() -> asio::awaitable<void> {
          auto r = co_await conn->async_fetch(requests[i], options);
          out[i] = std::move(r);
          if (--left == 0) done.cancel();
        },
        asio::detached);
  }
  if (left > 0) co_await done.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  std::vector<result<http::response>> results;
  for (auto& r : out) results.push_back(std::move(*r));
  co_return results;
}

/// fetch_all without per-request bounds.
inline asio::awaitable<std::vector<result<http::response>>> fetch_all(
    std::shared_ptr<http2::connection> conn, std::vector<http::request> requests) {
  return fetch_all(std::move(conn), std::move(requests), http2::fetch_options());
}

/// `n` bytes of the pattern h2_peer.py serves for /size/N.
inline std::string peer_pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i % 256);
  return s;
}

}  // namespace corofetch::test
