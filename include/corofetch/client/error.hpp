#pragma once

#include <system_error>

namespace corofetch::client {

/// Why a fetch failed, when neither a lower module (corofetch.http, .dns, .net) nor the system
/// reported it; the category is "corofetch.client". Every bounded phase of a fetch has its own
/// timeout code, so that a caller (and cf-fetch) can say which wait ran out.
enum class errc {
  queue_timeout = 1,      ///< no pool slot became free within timeouts::queue
  resolve_timeout,        ///< the name was not resolved within timeouts::resolve
  connect_timeout,        ///< no TCP connection within timeouts::connect (Happy Eyeballs, RFC 8305)
  tls_handshake_timeout,  ///< the TLS handshake did not finish within timeouts::tls_handshake
  response_head_timeout,  ///< the request was not sent and the response head not received in time
  body_idle_timeout,      ///< no body byte arrived for timeouts::body_idle
  total_timeout,          ///< the whole fetch, redirects included, ran past timeouts::total
  too_many_redirects,     ///< more redirects than fetch_options::max_redirects
  redirect_loop,          ///< a redirect led back to a URL already requested with that method
  insecure_redirect,      ///< an https URL redirected to http (refused unless allowed)
  invalid_redirect,       ///< a 3xx with a Location that is missing, unparsable or not http(s)
  body_not_replayable,    ///< a 307/308 redirect would resend a streamed body already consumed
  body_too_large,         ///< the body is over fetch_options::max_body_bytes
  unsupported_scheme,     ///< the URL is neither http: nor https:
  proxy_connect_failed,   ///< the proxy answered CONNECT with a non-2xx status (RFC 9110 9.3.6)
  invalid_proxy,          ///< the proxy URL is not an http:// URL with a host
  sink_failed,            ///< the body sink refused a chunk (disk full, callback error)
  client_closed,          ///< the client was shut down while the fetch waited for a connection
  address_refused,        ///< every address of the host is private or local, and the
                          ///< private-address guard is on (client_options::public_addresses_only)
};

/// The "corofetch.client" category.
const std::error_category& client_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), client_category()};
}

/// True for the phase timeouts of this category (queue_timeout .. total_timeout).
[[nodiscard]] bool is_timeout(std::error_code ec) noexcept;

}  // namespace corofetch::client

template <>
struct std::is_error_code_enum<corofetch::client::errc> : std::true_type {};
