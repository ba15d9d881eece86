#pragma once
// The line between the client's policy and an application protocol. The policy (client.cpp)
// picks a connection, builds the request message once, and decides about redirects, retries,
// decoding and timing; an exchange (one class per protocol: HTTP/1.1 now, HTTP/2 next) owns its
// parser, buffers and request writing, carries requests on one connection, and hands each
// response, as it arrives, to a response_receiver. A protocol that multiplexes runs several
// exchanges on one connection at once: capacity() tells the pool how many.

#include <corofetch/client/error.hpp>
#include <corofetch/client/options.hpp>
#include <corofetch/client/request.hpp>
#include <corofetch/client/response.hpp>
#include <corofetch/http/content_decoder.hpp>
#include <corofetch/http/fields.hpp>
#include <corofetch/http/request.hpp>
#include <corofetch/http/response_parser.hpp>
#include <corofetch/http/serializer.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <asio/awaitable.hpp>

namespace corofetch::client {
class cookie_jar;
}

namespace corofetch::client::detail {

using clock = std::chrono::steady_clock;

/// How one exchange ended, for the policy's retry and reuse decisions.
struct exchange_outcome {
  std::error_code error;
  bool reusable = false;           // the connection may carry another request
  bool any_response_byte = false;  // a retry is only safe before the server answered
  /// The server said it did not process the request (HTTP/2 REFUSED_STREAM, or a stream above
  /// a GOAWAY's last id, RFC 9113 8.7): it may go again on a new connection, whatever its
  /// method.
  bool unprocessed = false;
};

/// A bound for one phase: the phase's own timeout, or what is left of the total when that
/// comes first; `code` says which one it is (the error the stream's deadline then gives).
struct phase_bound {
  clock::time_point deadline;
  errc code;
};
[[nodiscard]] phase_bound bound_phase(std::chrono::milliseconds phase, errc phase_code,
                                      clock::time_point total_deadline) noexcept;

/// The policy's side of a response, whatever the protocol: stores cookies from every head
/// (RFC 6265 5.3), drains rather than delivers the body of a redirect that will be followed,
/// decodes content codings (RFC 9110 8.4), delivers the body to response::body or the sink
/// within the limits, and records the timing of each step.
class response_receiver {
 public:
  /// `decode_scratch` is memory reused for decoded pieces; `jar` may be null (no cookies).
  response_receiver(response& out, const fetch_options& options, bool follow, cookie_jar* jar,
                    const url::url& request_url, std::string& decode_scratch) noexcept;

  /// The request is about to be written: the start of timing.sent.
  void mark_start() noexcept { mark_ = clock::now(); }
  /// The request is written: timing.sent.
  void mark_sent() noexcept;
  /// The first response byte arrived: timing.first_byte.
  void mark_first_byte() noexcept;
  /// The response is complete: timing.done.
  void mark_done() noexcept;

  /// The response head, once. Errors: a content coding that cannot be decoded; sink_failed.
  std::error_code on_head(const http::response_head& head);
  /// A piece of the body as framed on the wire (chunk framing removed). Errors: body_too_large,
  /// sink_failed, decoding errors.
  std::error_code on_body(std::string_view piece);
  /// The end of the response, with its trailer fields. Errors: a truncated coding; sink_failed.
  std::error_code on_end(const http::fields& trailers);

  [[nodiscard]] bool head_done() const noexcept { return head_done_; }
  /// A followed redirect's body too long to drain: closing the connection is cheaper.
  [[nodiscard]] bool abandoned() const noexcept { return abandoned_; }
  [[nodiscard]] response& out() noexcept { return out_; }

 private:
  std::error_code deliver(std::string_view data);

  response& out_;
  const fetch_options& options_;
  cookie_jar* jar_;
  const url::url& request_url_;
  std::string& decoded_;
  std::optional<http::content_decoder> decoder_;
  clock::time_point mark_;
  bool follow_;
  bool discard_ = false;
  bool abandoned_ = false;
  bool head_done_ = false;
};

/// One request as the policy hands it to an exchange.
struct exchange_request {
  const request& req;  // what the user asked for: method, body, Connection
  /// The message built by the policy (target, Host, credentials, cookies, the user's fields):
  /// valid only until the exchange's first suspension, so a protocol serializes or copies it
  /// before it awaits anything.
  const http::request& message;
  const http::serialize_options& serialize;  // User-Agent, Accept, Accept-Encoding defaults
  const fetch_options& options;
  clock::time_point total_deadline;
};

/// An application protocol on one connection. The connection (its net::stream) belongs to the
/// pooled connection; the exchange reads and writes it, and bounds every wait with the
/// stream's deadline (the phase's error code as its reason).
class exchange {
 public:
  exchange() = default;
  virtual ~exchange() = default;
  exchange(const exchange&) = delete;
  exchange& operator=(const exchange&) = delete;

  /// The protocol's ALPN name (RFC 7301): "http/1.1", "h2".
  [[nodiscard]] virtual std::string_view protocol() const noexcept = 0;
  /// How many exchanges the connection may carry at once: 1 for HTTP/1.1; for HTTP/2 the
  /// peer's SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 6.5.2), which can change.
  [[nodiscard]] virtual std::size_t capacity() const noexcept = 0;
  /// Sends `r` and receives its response into `rx`. The outcome's error is a timeout code of
  /// errc, an I/O error, or an error of the receiver; `reusable` says whether the connection
  /// may carry another request. Cancellation: the awaiting coroutine's cancellation slot,
  /// with asio::error::operation_aborted (the connection is then not reusable).
  virtual asio::awaitable<exchange_outcome> async_exchange(const exchange_request& r,
                                                           response_receiver& rx) = 0;
  /// Whether an idle connection was closed by the server or broke the protocol while idle, so
  /// it must not be reused; may cost a system call.
  [[nodiscard]] virtual bool broken_while_idle() noexcept = 0;
  /// Whether the connection may still carry requests.
  [[nodiscard]] virtual bool is_open() const noexcept = 0;
  /// Closes the connection at once; exchanges in progress fail.
  virtual void close() noexcept = 0;
};

}  // namespace corofetch::client::detail
