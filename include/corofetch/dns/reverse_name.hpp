#pragma once

#include <corofetch/result.hpp>

#include <asio/ip/address.hpp>

#include <string>
#include <string_view>

namespace corofetch::dns {

/// The name a PTR query for `address` asks: "4.3.2.1.in-addr.arpa" for 1.2.3.4 (RFC 1035 3.5),
/// 32 nibbles under "ip6.arpa" for IPv6 (RFC 3596 2.5). No trailing dot.
[[nodiscard]] std::string reverse_name(const asio::ip::address& address);

/// reverse_name() of an address in text form; errc::bad_name when `text` is not an IPv4 or IPv6
/// address.
[[nodiscard]] result<std::string> reverse_name(std::string_view text);

}  // namespace corofetch::dns
