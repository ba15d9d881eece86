#pragma once

#include <corofetch/ftp/error.hpp>
#include <corofetch/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <asio/ip/address_v4.hpp>

namespace corofetch::ftp {

/// One reply of an FTP server (RFC 959 4.2): a three-digit code and its text, the lines of a
/// multi-line reply joined by '\n' (each without its code prefix on the first and last line).
struct reply {
  int code = 0;
  std::string text;

  /// 1 to 5: preliminary, completion, intermediate, transient and permanent negative (4.2.1).
  [[nodiscard]] int kind() const noexcept { return code / 100; }
  /// "550 No such file" (a multi-line reply's first line only), for messages.
  [[nodiscard]] std::string summary() const;
};

/// Assembles replies from the lines of the control connection, strictly as RFC 959 4.2 writes
/// them: "NNN text" is a whole reply; "NNN-text" starts a multi-line reply that goes on, with
/// lines of any content, until a line that starts with the same code and a space. The code's
/// first digit is 1 to 5 (4.2.1). Bounded: at most max_lines lines in one reply.
class reply_reader {
 public:
  explicit reply_reader(std::size_t max_lines = 1000) noexcept : max_lines_(max_lines) {}

  /// Takes one line (without CRLF). Gives the reply once it is complete, nullopt while a
  /// multi-line reply goes on. Errors: errc::malformed_reply, errc::reply_too_long; the reader
  /// is then reset.
  result<std::optional<reply>> feed(std::string_view line);

 private:
  std::size_t max_lines_;
  std::size_t lines_ = 0;
  reply partial_;
};

/// The port of an EPSV reply (RFC 2428 3): "229 Entering Extended Passive Mode (|||6446|)", the
/// delimiter being any printable character the server chose. Errors: errc::malformed_reply.
result<std::uint16_t> parse_epsv(const reply& r);

/// The address and port of a PASV reply (RFC 959 4.1.2, 227): "h1,h2,h3,h4,p1,p2" anywhere in
/// the text. Errors: errc::malformed_reply.
struct pasv_endpoint {
  asio::ip::address_v4 address;
  std::uint16_t port = 0;
};
result<pasv_endpoint> parse_pasv(const reply& r);

/// The size of a SIZE reply (RFC 3659 4.2): "213 12345". Errors: errc::malformed_reply.
result<std::uint64_t> parse_size(const reply& r);

}  // namespace corofetch::ftp
