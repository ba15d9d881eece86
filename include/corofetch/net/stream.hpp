#pragma once

#include <corofetch/net/connect.hpp>
#include <corofetch/net/error.hpp>
#include <corofetch/net/tls.hpp>

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/buffer.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace corofetch::net {

/// The outcome of a read or a write: an error (none on success) and the bytes transferred,
/// which can be non-zero together with an error for a partial write.
struct io_result {
  std::error_code error;
  std::size_t bytes = 0;
};

/// What a TLS session agreed on, for logs (curl -v prints the same): all empty for a plain
/// stream or before the handshake.
struct tls_session_info {
  std::string version;  ///< the protocol, "TLSv1.3" or "TLSv1.2"
  std::string cipher;   ///< the cipher suite, OpenSSL's name ("TLS_AES_256_GCM_SHA384")
  std::string subject;  ///< the server certificate's subject, one line ("CN = localhost")
  std::string issuer;   ///< its issuer, the same way
  std::string alpn;     ///< the protocol agreed through ALPN (RFC 7301), "h2"; empty if none
};

/// A connected byte stream: a plain TCP socket, or a TLS client session over one (asio::ssl
/// and OpenSSL behind a pimpl, so this header pulls in no OpenSSL headers). The HTTP client
/// reads and writes through it without knowing which. Like every Asio I/O object it is not
/// thread-safe: at most one read and one write at a time, from the executor's thread(s) in turn.
/// Reads and writes allocate nothing beyond Asio's own recycled operation and coroutine frames.
///
/// A stream has one deadline (as Boost.Beast's basic_stream has), set with expires_at() or
/// expires_after() and kept until changed: when it passes, the pending operations (read, write,
/// handshake, connect, and whatever runs under async_bounded()) are cancelled and complete with
/// the reason given with the deadline (errc::stream_timeout by default), and so does every
/// operation started afterwards until the next expires_*() call. One timer per stream, re-armed
/// lazily: moving the deadline later costs no system call (the timer fires at the old time and
/// is re-armed then), so a deadline set per request on a busy connection is nearly free.
class stream {
 public:
  using clock = std::chrono::steady_clock;

  /// A stream with no connection: is_open() is false, operations give errc::stream_not_open.
  stream() noexcept;
  /// A stream not connected yet, on `executor`: async_connect() connects it, and its deadline
  /// already bounds whatever runs under async_bounded() (name resolution, for one).
  explicit stream(asio::any_io_executor executor);
  /// A plain TCP stream over a connected socket.
  explicit stream(asio::ip::tcp::socket socket);
  /// A TLS client stream over a connected socket; async_handshake() must complete first.
  stream(asio::ip::tcp::socket socket, const tls_context& tls);
  /// Moves the connection and its deadline; the moved-from stream is as stream().
  stream(stream&&) noexcept;
  stream& operator=(stream&&) noexcept;
  /// Closes the socket (no TLS close_notify: use async_shutdown() for a clean end).
  ~stream();

  /// True while the stream holds an open socket (false after close() and for stream()).
  [[nodiscard]] bool is_open() const noexcept;
  /// True for a TLS stream, whether or not its handshake has run.
  [[nodiscard]] bool is_tls() const noexcept;
  /// The TCP socket below, for its endpoints and options. Precondition: a socket was given.
  [[nodiscard]] asio::ip::tcp::socket& socket() noexcept;
  /// The socket's executor, where every operation completes. Precondition: a socket was given.
  [[nodiscard]] asio::any_io_executor get_executor() const noexcept;

  /// From now on, pending and later operations fail with `reason` once `when` passes (see the
  /// class comment). Replaces the previous deadline and clears expired(). Precondition: the
  /// stream was made with a socket or an executor.
  void expires_at(clock::time_point when, std::error_code reason = errc::stream_timeout);
  /// expires_at(now + `after`, reason).
  void expires_after(clock::duration after, std::error_code reason = errc::stream_timeout);
  /// No deadline: nothing is cancelled any more (a timer armed earlier fires and does nothing).
  void expires_never() noexcept;
  /// The reason of the deadline that passed, or none: operations that failed because of it
  /// returned this code. Cleared by expires_at() and expires_never().
  [[nodiscard]] std::error_code expired() const noexcept;

  /// Runs `op`, an operation on the stream's executor that is not I/O on the stream (a name
  /// lookup, say), bounded by the stream's deadline as the stream's own I/O is: when the
  /// deadline passes, `op` gets a terminal cancellation, and expired() then says why it ended
  /// (`op` itself ends as it does when cancelled, usually with asio::error::operation_aborted).
  /// The awaiting coroutine's own cancellation reaches `op` too. Exceptions of `op` propagate.
  template <typename T>
  asio::awaitable<T> async_bounded(asio::awaitable<T> op);

  /// Connects a stream made with an executor: Happy Eyeballs over `endpoints` as
  /// net::async_connect does (options.timeout still applies, with errc::connect_timeout; give
  /// zero to rely on the deadline alone), bounded by the stream's deadline (then the error is
  /// its reason). Errors: those of net::async_connect; errc::stream_not_open for a stream made
  /// without an executor. Cancellation as async_read_some. `endpoints` must stay valid until
  /// the co_await completes.
  asio::awaitable<std::error_code> async_connect(std::span<const asio::ip::tcp::endpoint> endpoints,
                                                 connect_options options);

  /// Turns a connected plain stream into a TLS client stream over the same socket, with its
  /// deadline kept; async_handshake() must complete next. Used after a proxy's CONNECT tunnel
  /// (RFC 9110 9.3.6). A no-op on a stream that is TLS already or holds no socket.
  void start_tls(const tls_context& tls);

  /// Runs the TLS client handshake (RFC 8446) for `host`: SNI (RFC 6066 3) unless host is an IP
  /// address literal (brackets allowed), then, unless insecure, certificate verification and
  /// the host name check against the certificate's DNS or IP SANs (RFC 6125 6, no partial
  /// wildcards). A no-op returning success on a plain stream. Errors:
  /// errc::tls_handshake_timeout when `timeout` (zero: none) passes first;
  /// tls_certificate_untrusted, tls_certificate_expired, tls_certificate_invalid,
  /// tls_hostname_mismatch, tls_handshake_failed, with OpenSSL's reason in tls_error_detail();
  /// a system error if the connection fails. Cancellation: the awaiting coroutine's
  /// cancellation slot aborts it with asio::error::operation_aborted; the stream should then
  /// be closed.
  asio::awaitable<std::error_code> async_handshake(std::string_view host,
                                                   std::chrono::milliseconds timeout);
  /// The TLS client handshake as above, bounded by the stream's deadline instead of a timeout
  /// of its own: when the deadline passes, the error is the deadline's reason. Offers the
  /// context's ALPN protocols (tls_options::alpn); alpn_protocol() gives the one agreed.
  asio::awaitable<std::error_code> async_handshake(std::string host);

  /// The application protocol the server chose through ALPN (RFC 7301 3.2), "h2" or
  /// "http/1.1", after a successful handshake; empty when none was offered or agreed, and for a
  /// plain stream.
  [[nodiscard]] std::string_view alpn_protocol() const noexcept;

  /// Reads what is available, at least one byte, into `buffer`. Errors: asio::error::eof when
  /// the peer closed cleanly; errc::tls_stream_truncated when a TLS peer closed without
  /// close_notify; errc::tls_protocol_error; system errors (reset); the deadline's reason.
  /// Cancellation: the awaiting coroutine's cancellation slot, with
  /// asio::error::operation_aborted.
  asio::awaitable<io_result> async_read_some(asio::mutable_buffer buffer);
  /// Writes some of `buffer`, at least one byte. Errors and cancellation as async_read_some.
  asio::awaitable<io_result> async_write_some(asio::const_buffer buffer);
  /// Writes all of `buffer`; bytes is what was written before an error. On a plain socket in
  /// non-blocking mode (socket().non_blocking(true)) the bytes are first sent at once, without
  /// a trip through the event loop when the socket buffer takes them all (a request head).
  asio::awaitable<io_result> async_write(asio::const_buffer buffer);
  /// Writes all of `buffers` in order, with one gathered write where the stream allows (a
  /// request head and its body). Errors and cancellation as async_write.
  asio::awaitable<io_result> async_write(std::span<const asio::const_buffer> buffers);

  /// Ends the session: for TLS a close_notify alert (RFC 8446 6.1), waiting at most `timeout`
  /// for the peer's, then the socket is closed in every case. Errors are reported but the
  /// stream is closed anyway. Cancellation as async_read_some.
  asio::awaitable<std::error_code> async_shutdown(std::chrono::milliseconds timeout);

  /// Closes the socket at once; pending operations complete with operation_aborted. The
  /// deadline is dropped (its timer cancelled).
  void close() noexcept;

  /// The negotiated TLS version and cipher and the server certificate's subject and issuer,
  /// after a successful handshake; empty strings otherwise.
  [[nodiscard]] tls_session_info tls_session() const;

  /// OpenSSL's reason for the last TLS failure on this stream ("self-signed certificate",
  /// "wrong version number"); empty when there was none.
  [[nodiscard]] std::string_view tls_error_detail() const noexcept;

 private:
  struct impl;
  // The signal the deadline emits for what runs under async_bounded().
  asio::cancellation_signal& expiry_signal() noexcept;
  // Shared with the deadline timer's handler, which holds it weakly.
  std::shared_ptr<impl> impl_;
};

template <typename T>
asio::awaitable<T> stream::async_bounded(asio::awaitable<T> op) {
  asio::cancellation_signal& signal = expiry_signal();
  // The awaiting coroutine's cancellation is forwarded to `op` through the same signal.
  asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
  asio::cancellation_slot parent = state.slot();
  if (parent.is_connected()) {
    parent.assign([&signal](asio::cancellation_type type) { signal.emit(type); });
  }
  // co_spawn needs a default-constructible result: T is carried in an optional.
  auto carry = [](asio::awaitable<T> inner) -> asio::awaitable<std::optional<T>> {
    co_return co_await std::move(inner);
  };
  auto token = asio::bind_cancellation_slot(signal.slot(),
                                            asio::experimental::as_tuple(asio::use_awaitable));
  auto spawned = asio::co_spawn(get_executor(), carry(std::move(op)), std::move(token));
  auto [error, value] = co_await std::move(spawned);
  signal.slot().clear();
  if (parent.is_connected()) parent.clear();
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}

}  // namespace corofetch::net
