#pragma once
// The control connection of a line protocol (FTP RFC 959, SMTP RFC 5321, NNTP RFC 3977): lines
// ending in CRLF, each at most a bounded length, read and written before one deadline that the
// protocol code moves at each phase (as Beast's basic_stream::expires_after).

#include "textproto/bounded_io.hpp"

#include <corofetch/net/stream.hpp>
#include <corofetch/result.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <system_error>

#include <asio/awaitable.hpp>

namespace corofetch::textproto {

/// The errors a session reports, in its caller's module category.
struct session_errors {
  std::error_code timeout;        ///< the deadline passed
  std::error_code closed;         ///< the peer closed the connection in the middle of a reply
  std::error_code line_too_long;  ///< a line longer than max_line without its CRLF
};

class line_session {
 public:
  line_session(net::stream stream, session_errors errors, std::size_t max_line = 8192);

  [[nodiscard]] net::stream& stream() noexcept { return stream_; }
  /// Every following read and write must end within `d` from now (zero: no bound).
  void expires_after(std::chrono::milliseconds d) noexcept { deadline_ = deadline_after(d); }
  [[nodiscard]] clock::time_point deadline() const noexcept { return deadline_; }

  /// The next line without its line ending. A bare LF ends a line too (servers that send one
  /// are common); a CR before it is dropped. Errors: the session_errors, system errors.
  asio::awaitable<result<std::string>> read_line();
  /// Writes all of `bytes`.
  asio::awaitable<std::error_code> write(std::string bytes);

  /// True when bytes past the last line were received: after a reply that must end the
  /// server's turn (STARTTLS's 220), such bytes are an injection attack (RFC 3207 6,
  /// CVE-2011-0411).
  [[nodiscard]] bool has_buffered() const noexcept { return begin_ < buffer_.size(); }
  /// Replaces the stream (after a TLS handshake on the same socket); the buffer must be empty.
  void replace_stream(net::stream stream) noexcept { stream_ = std::move(stream); }
  /// Closes the connection at once.
  void close() noexcept { stream_.close(); }

 private:
  net::stream stream_;
  session_errors errors_;
  std::size_t max_line_;
  std::string buffer_;
  std::size_t begin_ = 0;
  clock::time_point deadline_ = clock::time_point::max();
};

}  // namespace corofetch::textproto
