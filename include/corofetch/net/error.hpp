#pragma once

#include <system_error>

namespace corofetch::net {

/// Why an address could not be parsed, or a connection or TLS session could not be set up; the
/// category is "corofetch.net". Socket errors the kernel reports (refused, reset, unreachable)
/// keep their system error codes; cancellation is asio::error::operation_aborted.
enum class errc {
  ipv4_invalid = 1,       ///< not a dotted-decimal IPv4 address a.b.c.d (RFC 791 text form)
  ipv4_leading_zero,      ///< an IPv4 part with a leading zero (010.0.0.1: octal to some parsers)
  ipv6_invalid,           ///< not an IPv6 address as RFC 4291 2.2 writes it
  ipv6_zone_unsupported,  ///< an IPv6 zone index (fe80::1%eth0, RFC 4007 11) is not accepted
  address_invalid,        ///< neither an IPv4 nor an IPv6 address
  prefix_length_invalid,  ///< the text after '/' is neither a prefix length nor a netmask
  prefix_length_out_of_range,  ///< a prefix length above 32 (IPv4) or 128 (IPv6)
  netmask_non_contiguous,      ///< a netmask whose one bits are not contiguous (255.0.255.0)
  netmask_family_mismatch,     ///< an IPv4 address with an IPv6 netmask, or the reverse
  no_endpoints,                ///< async_connect was given no endpoint to try
  connect_timeout,             ///< no connection attempt succeeded within the connect timeout
  tls_context_failed,          ///< the TLS context could not be set up (CA file unreadable, ...)
  tls_handshake_timeout,       ///< the TLS handshake did not finish within its timeout
  tls_handshake_failed,        ///< the TLS handshake failed (protocol error, no shared cipher, ...)
  tls_certificate_untrusted,   ///< the server's chain does not lead to a trusted CA (self-signed,
                               ///< ...)
  tls_certificate_expired,     ///< a certificate in the chain is expired or not yet valid
  tls_certificate_invalid,  ///< another certificate verification failure (bad signature, purpose)
  tls_hostname_mismatch,  ///< the certificate names neither the host nor the IP address (RFC 6125)
  tls_stream_truncated,   ///< the peer closed the TCP connection without TLS close_notify
  tls_protocol_error,     ///< a TLS record error after the handshake (bad MAC, alert, ...)
  stream_not_open,        ///< an operation on a net::stream that holds no socket
  stream_timeout,         ///< a net::stream's deadline passed (stream::expires_at's default)
};

const std::error_category& net_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), net_category()};
}

}  // namespace corofetch::net

template <>
struct std::is_error_code_enum<corofetch::net::errc> : std::true_type {};
