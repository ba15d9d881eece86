#pragma once

#include <corofetch/dns/delegation_cache.hpp>
#include <corofetch/result.hpp>

#include <asio/ip/udp.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace corofetch::dns {

/// Where Debian's dns-root-data package keeps the root hints (the IANA named.root file).
inline constexpr std::string_view default_root_hints_file = "/usr/share/dns/root.hints";

/// The root servers named by root hints text in master-file form (RFC 1035 5.1: "owner [TTL]
/// [class] type data", ';' comments, as /usr/share/dns/root.hints has them): the targets of the
/// root's NS records, in file order, each with the addresses of its A records and, when
/// `with_ipv6`, AAAA records. errc::bad_options when the text names no root server with an
/// address. RFC 8109 2: the hints only find a root server to prime from.
[[nodiscard]] result<delegation> parse_root_hints(std::string_view text, bool with_ipv6 = false);

/// parse_root_hints() of the file at `path`; errc::bad_options when it cannot be read.
[[nodiscard]] result<delegation> read_root_hints(const std::string& path, bool with_ipv6 = false);

/// A server given as "ADDR", "ADDR:PORT", "ADDR#PORT" (as dig writes a server, any address),
/// or for IPv6 "[ADDR]:PORT" or a bare "ADDR" (a literal, no name lookup), `default_port` when
/// no port is written. errc::bad_options for anything else: a port over 65535 or 0, an
/// unclosed bracket.
[[nodiscard]] result<asio::ip::udp::endpoint> parse_server_address(std::string_view text,
                                                                   std::uint16_t default_port);

}  // namespace corofetch::dns
