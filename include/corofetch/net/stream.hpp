#pragma once

#include <corofetch/net/error.hpp>
#include <corofetch/net/tls.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>

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
};

/// A connected byte stream: a plain TCP socket, or a TLS client session over one (asio::ssl
/// and OpenSSL behind a pimpl, so this header pulls in no OpenSSL headers). The HTTP client
/// reads and writes through it without knowing which. Like every Asio I/O object it is not
/// thread-safe: at most one read and one write at a time, from the executor's thread(s) in turn.
/// Reads and writes allocate nothing beyond Asio's own recycled operation and coroutine frames.
class stream {
 public:
  /// A stream with no connection: is_open() is false, operations give errc::stream_not_open.
  stream() noexcept;
  /// A plain TCP stream over a connected socket.
  explicit stream(asio::ip::tcp::socket socket);
  /// A TLS client stream over a connected socket; async_handshake() must complete first.
  stream(asio::ip::tcp::socket socket, const tls_context& tls);
  /// Moves the connection; the moved-from stream is as stream().
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

  /// Reads what is available, at least one byte, into `buffer`. Errors: asio::error::eof when
  /// the peer closed cleanly; errc::tls_stream_truncated when a TLS peer closed without
  /// close_notify; errc::tls_protocol_error; system errors (reset). Cancellation: the awaiting
  /// coroutine's cancellation slot, with asio::error::operation_aborted.
  asio::awaitable<io_result> async_read_some(asio::mutable_buffer buffer);
  /// Writes some of `buffer`, at least one byte. Errors and cancellation as async_read_some.
  asio::awaitable<io_result> async_write_some(asio::const_buffer buffer);
  /// Writes all of `buffer`; bytes is what was written before an error.
  asio::awaitable<io_result> async_write(asio::const_buffer buffer);
  /// Writes all of `buffers` in order, with one gathered write where the stream allows (a
  /// request head and its body). Errors and cancellation as async_write.
  asio::awaitable<io_result> async_write(std::span<const asio::const_buffer> buffers);

  /// Ends the session: for TLS a close_notify alert (RFC 8446 6.1), waiting at most `timeout`
  /// for the peer's, then the socket is closed in every case. Errors are reported but the
  /// stream is closed anyway. Cancellation as async_read_some.
  asio::awaitable<std::error_code> async_shutdown(std::chrono::milliseconds timeout);

  /// Closes the socket at once; pending operations complete with operation_aborted.
  void close() noexcept;

  /// The negotiated TLS version and cipher and the server certificate's subject and issuer,
  /// after a successful handshake; empty strings otherwise.
  [[nodiscard]] tls_session_info tls_session() const;

  /// OpenSSL's reason for the last TLS failure on this stream ("self-signed certificate",
  /// "wrong version number"); empty when there was none.
  [[nodiscard]] std::string_view tls_error_detail() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace corofetch::net
