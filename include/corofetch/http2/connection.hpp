#pragma once

#include <corofetch/http/request.hpp>
#include <corofetch/http/response_parser.hpp>
#include <corofetch/http2/error.hpp>
#include <corofetch/http2/session.hpp>
#include <corofetch/http2/transport.hpp>
#include <corofetch/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <asio/awaitable.hpp>

namespace corofetch::http2 {

/// How a connection runs.
struct connection_options {
  session_settings settings;
  /// :scheme of every request: "https" over TLS, "http" for h2c.
  std::string scheme = "https";
  /// :authority of requests without a Host field ("host:port" or "host").
  std::string authority;
  /// Bound on the peer's connection preface (its SETTINGS) and on its acknowledgement of ours
  /// (RFC 9113 6.5.3: SETTINGS_TIMEOUT).
  std::chrono::milliseconds settings_timeout = std::chrono::seconds(10);
  /// After this long without a byte from the peer a PING is sent (zero: never) ...
  std::chrono::milliseconds ping_interval = std::chrono::seconds(30);
  /// ... which must be answered within this, or the connection fails with errc::ping_timeout.
  std::chrono::milliseconds ping_timeout = std::chrono::seconds(10);
};

/// Per-request bounds.
struct fetch_options {
  /// The request must complete by then, or its stream alone is reset (RST_STREAM CANCEL) and
  /// the fetch fails with errc::request_timeout; the connection's other streams go on.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// Response body bytes allowed; more resets the stream with errc::body_too_large.
  std::optional<std::uint64_t> max_body_bytes;
};

/// Receives a response as it arrives: async_fetch's streaming form, for a caller that decodes,
/// stores or bounds the body itself. Called on the connection's executor from its reader, in
/// wire order. An error returned resets the stream (RST_STREAM CANCEL; the connection's other
/// streams go on) and ends the fetch with that error.
class response_handler {
 public:
  using clock = std::chrono::steady_clock;
  /// A deadline and the error the fetch ends with when it passes.
  struct bound {
    clock::time_point deadline = clock::time_point::max();
    std::error_code error = errc::request_timeout;
  };

  response_handler() = default;
  virtual ~response_handler() = default;
  response_handler(const response_handler&) = delete;
  response_handler& operator=(const response_handler&) = delete;

  /// The request went to the session on a stream of its own (after any wait for a free
  /// stream); the connection's writer sends it next.
  virtual void on_submitted() noexcept {}
  /// A 1xx interim response (RFC 9110 15.2).
  virtual std::error_code on_interim(const http::response_head& head) = 0;
  /// The final response head (version 2.0, the standard reason phrase).
  virtual std::error_code on_head(const http::response_head& head) = 0;
  /// A piece of the body, as the DATA frames carried it.
  virtual std::error_code on_data(std::string_view piece) = 0;
  /// The trailer section, if the response has one (RFC 9113 8.1).
  virtual std::error_code on_trailers(const http::fields& trailers) = 0;
  /// The fetch's current bound, asked whenever a wait starts or ends: it may move as the
  /// response arrives (a bound on the head, then one on the silence between DATA frames).
  [[nodiscard]] virtual bound current_bound() const noexcept { return {}; }
};

/// One HTTP/2 client connection (RFC 9113) over a transport, driven by coroutines on the
/// transport's executor: one reader feeding the session, one writer flushing it, one watchdog
/// for the SETTINGS acknowledgement and idle PINGs. Requests are multiplexed on streams up to
/// the peer's SETTINGS_MAX_CONCURRENT_STREAMS; more wait for a stream to end. Use it from its
/// executor only (not thread-safe); it lives as long as a shared_ptr to it or a running fetch.
class connection {
 public:
  struct state;  // private, in lib/http2

  /// Starts HTTP/2 on a connected transport: sends the preface and our SETTINGS and waits for
  /// the peer's SETTINGS (RFC 9113 3.4). For TLS the caller has done the handshake with ALPN
  /// "h2". Errors: errc::preface_timeout (no SETTINGS within options.settings_timeout),
  /// errc::not_http2, a transport error (the peer closed). Cancellation: the awaiting
  /// coroutine's cancellation closes the transport.
  static asio::awaitable<result<std::shared_ptr<connection>>> async_start(
      std::unique_ptr<transport> t, connection_options options);
  /// async_start with the default options. (Not a defaulted argument: g++ 12 miscompiles a
  /// coroutine's defaulted class-type parameter.)
  static asio::awaitable<result<std::shared_ptr<connection>>> async_start(
      std::unique_ptr<transport> t) {
    return async_start(std::move(t), connection_options());
  }

  explicit connection(std::shared_ptr<state> s) noexcept;
  /// Closes the transport at once (see close()).
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Sends `req` on a new stream and collects the response: interim 1xx heads, the final head
  /// (version 2.0, the standard reason phrase), body, trailers. The target becomes :path, Host
  /// (or options' authority) :authority, the method :method; a memory or streamed body goes
  /// as DATA under flow control. Waits for a free stream when the peer's limit is reached.
  /// Errors: errc::invalid_request; errc::request_timeout and body_too_large (the stream is
  /// reset, the connection goes on); the peer's RST_STREAM codes (errc::refused_stream ...);
  /// errc::unprocessed and connection_closing after a GOAWAY (retry on a new connection,
  /// is_retryable()); errc::header_list_too_large; connection failures (errc::goaway,
  /// settings_timeout, ping_timeout, protocol_error, continuation_flood, connection_closed).
  /// Cancellation: the awaiting coroutine's cancellation resets the stream (CANCEL).
  asio::awaitable<result<http::response>> async_fetch(http::request req, fetch_options options);
  /// async_fetch delivering the response to `handler` as it arrives (see response_handler),
  /// bounded by the earlier of options.deadline and the handler's current bound (then the
  /// stream is reset and the fetch fails with the bound's error). Errors as async_fetch's and
  /// the handler's own. `handler` must outlive the fetch.
  asio::awaitable<std::error_code> async_fetch(http::request req, fetch_options options,
                                               response_handler& handler);
  /// async_fetch without a deadline or body bound.
  asio::awaitable<result<http::response>> async_fetch(http::request req) {
    return async_fetch(std::move(req), fetch_options());
  }

  /// Graceful end (RFC 9113 6.8): GOAWAY(NO_ERROR), no new streams, open streams complete, then
  /// the transport closes. Returns once it is closed or `limit` passed (then it closes at once).
  asio::awaitable<void> async_close(std::chrono::milliseconds limit);
  /// async_close within 5 seconds.
  asio::awaitable<void> async_close() { return async_close(std::chrono::seconds(5)); }
  /// Closes the transport at once; open and waiting fetches fail with errc::connection_closed.
  void close() noexcept;

  /// True while new streams may be started (no GOAWAY either way, transport open).
  [[nodiscard]] bool is_open() const noexcept;
  /// The error that ended the connection; none while it runs.
  [[nodiscard]] std::error_code error() const noexcept;
  /// Streams open now (submitted and not ended).
  [[nodiscard]] std::size_t active_streams() const noexcept;
  /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS.
  [[nodiscard]] std::uint32_t max_concurrent_streams() const noexcept;
  /// The most streams that were open at the same time on this connection.
  [[nodiscard]] std::size_t peak_streams() const noexcept;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace corofetch::http2
