#pragma once

#include <system_error>

namespace corofetch::dns {

/// Why a lookup failed; the category is "corofetch.dns". Codes that come from c-ares keep its
/// message (ares_strerror), so `ec.message()` reads as c-ares would say it.
enum class errc {
  nxdomain = 1,        ///< the name does not exist (RCODE 3, RFC 1035 4.1.1)
  nodata,              ///< the name exists but has no record of the type asked (RFC 2308 2.2)
  servfail,            ///< the server failed (RCODE 2); transient
  refused,             ///< the server refused the query (RCODE 5); transient
  timeout,             ///< no answer within timeout x tries; transient
  bad_name,            ///< not a valid domain name (label over 63, name over 253, empty label)
  malformed_answer,    ///< the answer could not be parsed (or was not an answer to the query)
  connection_refused,  ///< the server's port is closed (ICMP port unreachable, TCP RST)
  cancelled,           ///< c-ares cancelled the query (channel destroyed)
  format_error,        ///< the server could not parse our query (RCODE 1)
  not_implemented,     ///< the server does not implement the query (RCODE 4)
  bad_family,          ///< an address family other than IPv4 or IPv6
  bad_options,         ///< the resolver's options were rejected (server list, domains)
  out_of_memory,       ///< c-ares ran out of memory
  unsupported_type,    ///< a record type this resolver does not convert
  other,               ///< any other c-ares failure
  lame_delegation,     ///< no server of a zone answered with authority for it (RFC 1034 4.2.2)
  resolution_loop,     ///< a CNAME chain came back to a name it already followed (RFC 1034 3.6.2)
  query_limit,         ///< an iterative resolution used up its query budget or depth bound
};

const std::error_category& dns_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), dns_category()};
}

/// True for failures that say nothing about the name (timeout, SERVFAIL, REFUSED, connection
/// refused): they are cached for at most cache_options::failure_ttl, never as negative answers.
[[nodiscard]] bool is_transient(std::error_code ec) noexcept;

/// True for NXDOMAIN and NODATA: the negative answers RFC 2308 lets a cache keep.
[[nodiscard]] bool is_negative(std::error_code ec) noexcept;

}  // namespace corofetch::dns

template <>
struct std::is_error_code_enum<corofetch::dns::errc> : std::true_type {};
