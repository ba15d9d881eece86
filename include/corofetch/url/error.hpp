#pragma once

#include <system_error>

namespace corofetch::url {

/// Why a URL could not be parsed; the category is "corofetch.url". The names follow the URL
/// Standard's validation errors that cause failure (https://url.spec.whatwg.org/#validation-error).
enum class errc {
  missing_scheme_non_relative_url = 1,  ///< no scheme, and no base (or an opaque-path base)
  invalid_scheme,                       ///< the scheme has a character outside [A-Za-z0-9+.-]
  host_missing,                         ///< a special URL with an empty host (http://, http:///x)
  host_invalid_code_point,              ///< forbidden host code point (space, <, >, ^, |, ...)
  domain_invalid_code_point,  ///< a domain with a forbidden domain code point after decoding
  domain_to_ascii,            ///< IDNA (UTS 46) rejected the domain
  port_invalid,               ///< a port with a non-digit
  port_out_of_range,          ///< a port above 65535
  ipv4_too_many_parts,        ///< 1.2.3.4.5
  ipv4_non_numeric_part,      ///< a numeric-looking last label that is not a number
  ipv4_out_of_range_part,     ///< 256.0.0.1, or a part overflowing what remains
  ipv6_unclosed,              ///< [::1 without ']'
  ipv6_invalid,               ///< a malformed IPv6 address (pieces, compression, code point)
  ipv4_in_ipv6_invalid,       ///< a malformed embedded IPv4 ([::1.2.3])
  input_too_long,             ///< over the 4 GiB an offset can address
};

const std::error_category& url_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), url_category()};
}

}  // namespace corofetch::url

template <>
struct std::is_error_code_enum<corofetch::url::errc> : std::true_type {};
