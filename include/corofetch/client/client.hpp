#pragma once

#include <corofetch/client/error.hpp>
#include <corofetch/client/options.hpp>
#include <corofetch/client/request.hpp>
#include <corofetch/client/response.hpp>
#include <corofetch/client/sink.hpp>
#include <corofetch/dns/resolver.hpp>
#include <corofetch/result.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

namespace corofetch::client {

/// What the pool holds right now and has done so far.
struct pool_stats {
  std::size_t open = 0;     ///< connections open (idle, in use or connecting)
  std::size_t idle = 0;     ///< of which idle, ready for reuse
  std::size_t waiting = 0;  ///< fetches queued for a slot
  std::uint64_t connections_opened = 0;
  std::uint64_t reuses = 0;   ///< exchanges run on a reused connection
  std::uint64_t retries = 0;  ///< idempotent requests resent after a reused connection failed
  std::uint64_t closed_while_idle = 0;  ///< idle connections the server closed (or sent on)
};

/// An HTTP client (RFC 9110; HTTP/1.1, RFC 9112, and HTTP/2, RFC 9113) driven by coroutines on
/// one executor: names resolved through a dns::resolver and its cache, Happy Eyeballs connects
/// (RFC 8305), TLS with verification on by default and ALPN choosing HTTP/2 where the server
/// agrees (client_options::http_version), a connection pool per origin with per-host and global
/// limits and FIFO waiters (an HTTP/2 connection carries many requests at once; a request the
/// server did not process after its GOAWAY goes again on a new one), redirects, gzip/deflate
/// decoding, forward proxies, and a bound on every wait, each with its own error code.
///
/// Threading: like dns::resolver, the executor must be single-threaded (an io_context run by
/// one thread) and every member used from that thread. Destroy the client after its fetches
/// have completed; idle connections are closed by the destructor. An idle pooled connection
/// keeps its idle timer pending on the executor, so io_context::run() returns only once the
/// client is destroyed, close_idle() is called, or the idle timeout has closed every connection.
class client {
 public:
  using executor_type = asio::any_io_executor;

  /// A client with a resolver of its own, made from options.resolver. Throws std::system_error
  /// when the resolver options are rejected (see dns::resolver).
  explicit client(executor_type executor, client_options options = {});
  /// A client sharing `resolver` (and its cache) with others; it must outlive the client.
  client(dns::resolver& resolver, client_options options = {});
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  [[nodiscard]] executor_type get_executor() const noexcept;
  [[nodiscard]] const client_options& options() const noexcept;

  /// Fetches `req` and returns the response, whatever its status. Errors: the phase timeouts
  /// and redirect errors of errc; corofetch.dns errors (nxdomain, ...); system errors of the
  /// connection (connection_refused, connection_reset); corofetch.net TLS errors
  /// (tls_certificate_untrusted, tls_hostname_mismatch, ...); corofetch.http errors for a
  /// malformed or truncated response (http::errc::truncated: a short body is never a success)
  /// or a bad content coding. Cancellation: the awaiting coroutine's cancellation slot stops
  /// every wait with asio::error::operation_aborted; the connection in use is closed and its
  /// pool slot freed. RFC 9110 15.4 for redirects, RFC 9112 9 for connection reuse.
  asio::awaitable<result<response>> async_fetch(request req, fetch_options options);
  /// async_fetch with the client's default options.
  asio::awaitable<result<response>> async_fetch(request req);

  /// Like async_fetch, but fills `out` (cleared first, its memory reused) and returns the error;
  /// after a failure, out.error_detail says what happened in words (the redirect chain of a
  /// loop, OpenSSL's reason) and out.redirects holds the hops followed so far.
  asio::awaitable<std::error_code> async_fetch_into(const request& req, response& out,
                                                    const fetch_options& options);

  /// GET `target` (a URL string). Errors: those of request::make and async_fetch.
  asio::awaitable<result<response>> async_get(std::string_view target, fetch_options options);
  asio::awaitable<result<response>> async_get(std::string_view target);
  /// HEAD `target`: the response has fields and no body.
  asio::awaitable<result<response>> async_head(std::string_view target, fetch_options options);
  /// POST `body` to `target` with `content_type`. Never retried.
  asio::awaitable<result<response>> async_post(std::string_view target, std::string body,
                                               std::string_view content_type,
                                               fetch_options options);

  /// The pool's state and counters.
  [[nodiscard]] pool_stats stats() const noexcept;
  /// Closes every idle connection now (in-use ones close when their fetch ends).
  void close_idle() noexcept;

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace corofetch::client
