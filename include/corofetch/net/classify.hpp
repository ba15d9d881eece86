#pragma once

#include <corofetch/net/address.hpp>

#include <cstdint>
#include <string_view>

namespace corofetch::net {

/// What an address is for, from the IANA IPv4 and IPv6 Special-Purpose Address Registries
/// (RFC 6890 and its updates).
enum class address_class : std::uint8_t {
  unspecified,        ///< 0.0.0.0, ::
  loopback,           ///< 127.0.0.0/8, ::1
  private_use,        ///< 10/8, 172.16/12, 192.168/16 (RFC 1918); fc00::/7 (RFC 4193); fec0::/10
                      ///< (deprecated site-local, RFC 3879); 64:ff9b:1::/48 (RFC 8215)
  carrier_grade_nat,  ///< 100.64.0.0/10, shared address space (RFC 6598)
  link_local,         ///< 169.254.0.0/16 (RFC 3927), fe80::/10
  multicast,          ///< 224.0.0.0/4, ff00::/8
  broadcast,          ///< 255.255.255.255, the limited broadcast address (RFC 919)
  documentation,      ///< 192.0.2/24, 198.51.100/24, 203.0.113/24 (RFC 5737); 2001:db8::/32
                      ///< (RFC 3849); 3fff::/20 (RFC 9637)
  benchmarking,       ///< 198.18.0.0/15 (RFC 2544), 2001:2::/48 (RFC 5180)
  reserved,           ///< 0/8 but 0.0.0.0 ("this network"), 192.0.0.0/24 (IETF protocol
                      ///< assignments), 192.88.99.0/24 (RFC 7526), 240/4 (future use); in IPv6
                      ///< 2001::/23 (IETF protocol assignments, Teredo included), IPv4-compatible
                      ///< ::/96, 100::/64 (discard) and everything outside 2000::/3
  global,             ///< public: globally routable unicast, none of the above
};

/// The name of a class as cf tools print it: "unspecified", "loopback", "private",
/// "carrier-grade-nat", "link-local", "multicast", "broadcast", "documentation",
/// "benchmarking", "reserved", "public".
[[nodiscard]] std::string_view to_string(address_class c) noexcept;

/// Classifies an address. Addresses that carry an IPv4 address are classified as that IPv4
/// address, because that is where a packet goes: IPv4-mapped ::ffff:0:0/96 (RFC 4291 2.5.5.2),
/// the NAT64 well-known prefix 64:ff9b::/96 (RFC 6052) and 6to4 2002::/16 (RFC 3056, the IPv4
/// address in bits 16-47). No allocation.
[[nodiscard]] address_class classify(const ip_address& a) noexcept;

/// True for every address that is not public (classify() != address_class::global): loopback,
/// private, carrier-grade NAT, link-local, unspecified, multicast, broadcast, documentation,
/// benchmarking and reserved addresses. This is the check a crawler fed untrusted URLs runs on
/// every address it is about to connect to (after DNS, before connect), so that a URL cannot
/// reach the host itself, the local network, or cloud metadata services (169.254.169.254).
[[nodiscard]] bool is_private_or_local(const ip_address& a) noexcept;

}  // namespace corofetch::net
