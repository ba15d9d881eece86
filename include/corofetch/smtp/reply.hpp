#pragma once

#include <corofetch/result.hpp>
#include <corofetch/smtp/error.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::smtp {

/// One SMTP reply (RFC 5321 4.2): a code and one or more lines of text.
struct reply {
  int code = 0;
  std::vector<std::string> lines;  ///< the text of each line, without "NNN-" / "NNN "

  /// 2 positive completion, 3 intermediate, 4 transient and 5 permanent negative (4.2.1).
  [[nodiscard]] int kind() const noexcept { return code / 100; }
  /// "451 4.3.0 Try again later" (the first line), for messages.
  [[nodiscard]] std::string summary() const;
  /// True when an EHLO reply lists the service extension `keyword` (RFC 5321 4.1.1.1: every
  /// line after the first starts with a keyword, compared without regard to case).
  [[nodiscard]] bool has_extension(std::string_view keyword) const;
};

/// Assembles replies from lines, strictly as RFC 5321 4.2 writes them: every line is the same
/// three-digit code (first digit 2 to 5) followed by '-' (more lines follow) or by a space or
/// the end of the line (the last line). Bounded: at most max_lines lines.
class reply_reader {
 public:
  explicit reply_reader(std::size_t max_lines = 200) noexcept : max_lines_(max_lines) {}

  /// Takes one line (without CRLF): the reply once complete, nullopt while it goes on.
  /// Errors: errc::malformed_reply (also a line whose code differs from the first line's),
  /// errc::reply_too_long; the reader is reset.
  result<std::optional<reply>> feed(std::string_view line);

 private:
  std::size_t max_lines_;
  reply partial_;
};

/// The DATA of a message (RFC 5321 4.5.2 and 2.3.8): line endings made CRLF (a bare LF or CR
/// too), a last line ended, lines starting with '.' dot-stuffed, and the ".\r\n" terminator.
[[nodiscard]] std::string encode_data(std::string_view message);

}  // namespace corofetch::smtp
