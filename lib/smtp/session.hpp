#pragma once
// One SMTP transaction on one connection (RFC 5321 3.3): greeting, EHLO (HELO), STARTTLS,
// MAIL, RCPT, DATA, QUIT. The sender decides what a failure means for the next exchanger.

#include <corofetch/net/stream.hpp>
#include <corofetch/net/tls.hpp>
#include <corofetch/smtp/sender.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <asio/awaitable.hpp>

namespace corofetch::smtp::detail {

/// What one transaction sends.
struct envelope {
  std::string reverse_path;             ///< without the angle brackets; may be empty
  std::vector<std::string> recipients;  ///< without the angle brackets
  std::string data;                     ///< encode_data()'s output
  bool eight_bit = false;               ///< a byte above 127: BODY=8BITMIME when offered
};

struct outcome {
  std::error_code error;
  std::string server_reply;
  bool tls = false;
};

/// RFC 5321 4.1.2's Mailbox, checked as far as it matters to the dialogue: one local part, one
/// '@', a domain, and nothing that could end or break a command line or the angle brackets.
[[nodiscard]] bool valid_mailbox(std::string_view address);

/// Runs the transaction with `host` (the exchanger's name, for TLS verification) on `stream`.
/// `tls` is null when no TLS context could be made (then STARTTLS is not attempted unless
/// required, which fails with starttls_failed).
asio::awaitable<outcome> run_transaction(net::stream stream, std::string host, const envelope& mail,
                                         const send_options& options, const net::tls_context* tls);

}  // namespace corofetch::smtp::detail
