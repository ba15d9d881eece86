#pragma once

#include <corofetch/result.hpp>
#include <corofetch/smtp/error.hpp>
#include <corofetch/url/url.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace corofetch::smtp {

/// What a mailto: URL says about the message to write (RFC 6068 2): its addresses and header
/// fields ("mailto:a@x.test?cc=b@x.test&subject=Hi&body=Hello"), percent-decoded ('+' is not a
/// space in mailto:, RFC 6068 5).
struct mailto_fields {
  std::vector<std::string> to;   ///< the path's addresses, then those of each "to" field
  std::vector<std::string> cc;   ///< "cc" fields
  std::vector<std::string> bcc;  ///< "bcc" fields: recipients that no header names
  std::string subject;
  std::optional<std::string> body;  ///< the "body" pseudo-field (RFC 6068 2: not a header)
  /// Other fields known to be safe (keywords, comments, in-reply-to, references), as given.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Fields left out: RFC 6068 6 lets a client drop fields not known to be safe (From,
  /// Received, ...), so a link cannot forge them.
  std::vector<std::string> ignored;
};

/// Reads the addresses and header fields of a mailto: URL (RFC 6068 2). Errors:
/// not_a_mailto_url, invalid_address (an address that is not local@domain, or holds a control
/// character, space, '<' or '>'), invalid_header (a header value with CR, LF or NUL: it would
/// inject header lines). Pure.
[[nodiscard]] result<mailto_fields> parse_mailto(const url::url& mailto);

/// Every address the message goes to: to, cc and bcc, in that order, each once.
[[nodiscard]] std::vector<std::string> envelope_recipients(const mailto_fields& fields);

/// What compose_message() needs besides the URL's fields.
struct compose_options {
  std::string from;  ///< the From: address (RFC 5322 3.6.2 requires one)
  std::chrono::system_clock::time_point date = std::chrono::system_clock::now();
  /// Makes the Message-ID unique (RFC 5322 3.6.4): a random number from the caller.
  std::uint64_t unique = 0;
};

/// A whole RFC 5322 message from the fields: Date, From, To, Cc (Bcc is never written),
/// Subject (an RFC 2047 encoded-word when it is not ASCII), the other fields, Message-ID
/// "<time.unique@from's domain>", MIME-Version and "text/plain; charset=UTF-8" (RFC 6068 5:
/// the body is UTF-8), then the body with CRLF line endings. Errors: no_body (the URL has no
/// body), no_recipient, invalid_address (`from`). Pure.
[[nodiscard]] result<std::string> compose_message(const mailto_fields& fields,
                                                  const compose_options& options);

/// "Mon, 07 Dec 2026 15:04:05 +0000": an RFC 5322 3.3 date-time, in UTC.
[[nodiscard]] std::string rfc5322_date(std::chrono::system_clock::time_point t);

}  // namespace corofetch::smtp
