#pragma once
// The FTP control connection (RFC 959 5.3): commands as Telnet lines, replies assembled by
// reply_reader, every reply awaited within fetch_options::reply_timeout, the dialogue logged.

#include "textproto/line_session.hpp"

#include <corofetch/ftp/client.hpp>
#include <corofetch/ftp/reply.hpp>
#include <corofetch/net/stream.hpp>
#include <corofetch/result.hpp>

#include <string>

#include <asio/awaitable.hpp>

namespace corofetch::ftp::detail {

class control {
 public:
  control(net::stream stream, const fetch_options& options);

  /// The next whole reply; remembers it as last_reply().
  asio::awaitable<result<reply>> read_reply();
  /// Sends "command\r\n" and reads its reply. `shown` replaces the command in the log (PASS).
  asio::awaitable<result<reply>> command(std::string line, std::string_view shown = {});

  [[nodiscard]] const std::string& last_reply() const noexcept { return last_reply_; }
  /// The verb of the last command sent ("CWD", "RETR"); "" before the first.
  [[nodiscard]] const std::string& last_command() const noexcept { return last_command_; }
  [[nodiscard]] net::stream& stream() noexcept { return session_.stream(); }
  void close() noexcept { session_.close(); }

 private:
  void log(std::string_view prefix, std::string_view text) const;

  textproto::line_session session_;
  const fetch_options& options_;
  reply_reader reader_;
  std::string last_reply_;
  std::string last_command_;
};

/// The error a negative or unexpected reply stands for: 421 service_unavailable, 530
/// login_failed, 550 file_unavailable, 425, 426 and 451 transfer_aborted, other codes
/// `otherwise`.
[[nodiscard]] std::error_code refusal(const reply& r, errc otherwise) noexcept;

}  // namespace corofetch::ftp::detail
