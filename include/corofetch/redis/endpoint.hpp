#pragma once

#include <corofetch/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace corofetch::redis {

/// Where a Redis server is and how to log in to it.
struct endpoint {
  std::string host = "127.0.0.1";  ///< a name or an address (IPv6 without brackets)
  std::uint16_t port = 6379;
  unsigned db = 0;       ///< the logical database (SELECT)
  std::string username;  ///< ACL user (Redis 6+); empty: the default user
  std::string password;  ///< empty: no AUTH
};

/// Parses "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]" (the IANA "redis" URI scheme's form;
/// user and password percent-decoded, IPv6 hosts in brackets). Errors: errc::invalid_url for
/// another scheme, an empty host, a port outside 1..65535, a database that is not a decimal
/// number, or a query or fragment. Never throws.
[[nodiscard]] result<endpoint> parse_url(std::string_view url);

/// The endpoint as a URL without its password ("redis://HOST:PORT/DB"), for messages.
[[nodiscard]] std::string to_string(const endpoint& e);

}  // namespace corofetch::redis
