#pragma once

#include <corofetch/net/address.hpp>
#include <corofetch/result.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace corofetch::net {

/// An address with a network prefix length (RFC 4632 CIDR notation, RFC 4291 2.3 for IPv6):
/// "10.11.12.13/24" is host 10.11.12.13 on network 10.11.12.0 with netmask 255.255.255.0. The
/// address is kept as written; network() clears its host bits.
class cidr {
 public:
  /// The block 0.0.0.0/0.
  constexpr cidr() noexcept = default;

  /// An address with a prefix length. Errors: errc::prefix_length_out_of_range above 32 for an
  /// IPv4 address or 128 for an IPv6 address.
  static result<cidr> make(const ip_address& address, unsigned prefix_length) noexcept;

  /// The address as written, host bits included.
  [[nodiscard]] constexpr const ip_address& address() const noexcept { return address_; }
  /// The number of leading network bits: 0-32 for IPv4, 0-128 for IPv6.
  [[nodiscard]] constexpr unsigned prefix_length() const noexcept { return prefix_length_; }
  /// The address family of the block.
  [[nodiscard]] constexpr ip_family family() const noexcept { return address_.family(); }

  /// The network address: the address with its host bits cleared (10.11.12.0 for .../24).
  [[nodiscard]] ip_address network() const noexcept;
  /// The netmask: prefix_length one bits, then zeros (255.255.255.0 for /24, ffff:ffff:: for /32).
  [[nodiscard]] ip_address netmask() const noexcept;
  /// The host mask, the netmask inverted (0.0.0.255 for /24).
  [[nodiscard]] ip_address hostmask() const noexcept;
  /// The last address of the block: every host bit set (10.11.12.255 for .../24).
  [[nodiscard]] ip_address last() const noexcept;
  /// The IPv4 directed broadcast address, last() (RFC 919, RFC 922), for a prefix of 30 or
  /// less; nullopt for /31 and /32, which have none (RFC 3021), and for IPv6, which has no
  /// broadcast at all (RFC 4291 2).
  [[nodiscard]] std::optional<ip_address> broadcast() const noexcept;

  /// True when the address is in the block. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is
  /// checked as its IPv4 address against an IPv4 block, and an IPv4 address as ::ffff:a.b.c.d
  /// against an IPv6 block, since that is where a socket would connect.
  [[nodiscard]] bool contains(const ip_address& a) const noexcept;
  /// True when every address of `inner` is in this block (same family, no shorter prefix).
  [[nodiscard]] bool contains(const cidr& inner) const noexcept;

  /// "address/prefix_length", the address as written ("10.11.12.13/24").
  [[nodiscard]] std::string to_string() const;

  /// Same address as written and same prefix length (10.0.0.1/8 differs from 10.0.0.0/8).
  friend constexpr bool operator==(const cidr&, const cidr&) noexcept = default;

 private:
  constexpr cidr(const ip_address& address, unsigned prefix_length) noexcept
      : address_(address), prefix_length_(prefix_length) {}

  ip_address address_;
  unsigned prefix_length_ = 0;
};

/// Parses an address with a prefix: "10.11.12.13/24", "10.11.12.13/255.255.255.0" (a
/// contiguous netmask of the same family), "2001:db8::/32". A bare address is its own block
/// ("192.0.2.1" is 192.0.2.1/32, "::1" is ::1/128), as in allow and deny lists. The prefix
/// length is 1 to 3 decimal digits without a sign or a leading zero. Errors: those of
/// parse_address for the address; errc::prefix_length_invalid, prefix_length_out_of_range,
/// netmask_non_contiguous, netmask_family_mismatch. Never throws, no allocation.
result<cidr> parse_cidr(std::string_view text) noexcept;

/// The prefix length a netmask stands for (255.255.255.0 gives 24). Errors:
/// errc::netmask_non_contiguous when its one bits do not come first.
result<unsigned> netmask_prefix_length(const ip_address& mask) noexcept;

}  // namespace corofetch::net
