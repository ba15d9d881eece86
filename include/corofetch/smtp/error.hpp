#pragma once

#include <system_error>

namespace corofetch::smtp {

/// Why a message was not delivered; the category is "corofetch.smtp". What the last server
/// answered is in delivery::server_reply, each exchanger tried in delivery::attempts. Lookups
/// keep their corofetch.dns codes, connections their corofetch.net or system codes.
enum class errc {
  not_a_mailto_url = 1,   ///< the URL's scheme is not "mailto"
  no_recipient,           ///< the mailto: URL names no address
  invalid_address,        ///< an address that is not local@domain, or holds CR, LF, NUL, < or >
  multiple_domains,       ///< recipients in several domains: one delivery serves one domain
  null_mx,                ///< the domain publishes a null MX (RFC 7505): it accepts no mail
  rejected,               ///< a server refused the message with a 5xx reply (permanent)
  deferred,               ///< a server answered 4xx (transient): the next exchanger is tried
  all_exchangers_failed,  ///< no exchanger took the message (each failed or deferred)
  reply_timeout,          ///< a reply did not come within its bound
  malformed_reply,        ///< a reply line that is not "NNN text" / "NNN-text" (RFC 5321 4.2)
  reply_too_long,         ///< a reply line or a multi-line reply over the bounds
  connection_closed,      ///< the server closed the connection in the middle of the dialogue
  unexpected_reply,       ///< a reply code the command does not allow
  starttls_failed,        ///< STARTTLS refused, or bytes sent before the TLS handshake (RFC 3207 6)
  starttls_unavailable,   ///< TLS required, and the server does not offer STARTTLS
  invalid_header,         ///< a mailto: header field (RFC 6068 2) whose value holds CR, LF or NUL
  no_body,                ///< a message to compose from a mailto: URL that has no body
};

const std::error_category& smtp_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), smtp_category()};
}

}  // namespace corofetch::smtp

template <>
struct std::is_error_code_enum<corofetch::smtp::errc> : std::true_type {};
