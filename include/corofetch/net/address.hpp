#pragma once

#include <corofetch/net/error.hpp>
#include <corofetch/result.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <asio/ip/address.hpp>

namespace corofetch::net {

/// The two Internet Protocol versions.
enum class ip_family : std::uint8_t { v4 = 4, v6 = 6 };

/// An IPv4 or IPv6 address: a small value type (17 bytes, no allocation) that parses and prints
/// itself without the resolver, orders IPv4 before IPv6 and then by bytes, and converts to and
/// from asio::ip::address for sockets.
class ip_address {
 public:
  using v4_bytes = std::array<std::uint8_t, 4>;
  using v6_bytes = std::array<std::uint8_t, 16>;

  /// The longest text to_string() gives ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").
  static constexpr std::size_t max_text_length = 45;

  /// 0.0.0.0
  constexpr ip_address() noexcept = default;

  /// The IPv4 address whose value, in host byte order, is `value` (0x7f000001 is 127.0.0.1).
  static constexpr ip_address v4(std::uint32_t value) noexcept {
    ip_address a;
    for (std::size_t i = 0; i < 4; ++i) {
      a.bytes_[i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
    }
    return a;
  }
  /// The IPv4 address with these four bytes, in network order.
  static constexpr ip_address v4(const v4_bytes& bytes) noexcept {
    ip_address a;
    for (std::size_t i = 0; i < 4; ++i) a.bytes_[i] = bytes[i];
    return a;
  }
  /// The IPv6 address with these sixteen bytes, in network order.
  static constexpr ip_address v6(const v6_bytes& bytes) noexcept {
    ip_address a;
    a.bytes_ = bytes;
    a.family_ = ip_family::v6;
    return a;
  }

  /// IPv4 or IPv6.
  [[nodiscard]] constexpr ip_family family() const noexcept { return family_; }
  /// True for an IPv4 address (an IPv4-mapped IPv6 address is IPv6; see unmapped()).
  [[nodiscard]] constexpr bool is_v4() const noexcept { return family_ == ip_family::v4; }
  /// True for an IPv6 address.
  [[nodiscard]] constexpr bool is_v6() const noexcept { return family_ == ip_family::v6; }
  /// The width of the address in bits: 32 or 128.
  [[nodiscard]] constexpr unsigned bit_width() const noexcept { return is_v4() ? 32U : 128U; }

  /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
  [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept {
    return {bytes_.data(), is_v4() ? std::size_t{4} : std::size_t{16}};
  }
  /// An IPv4 address as a host-order integer; 0 for an IPv6 address.
  [[nodiscard]] constexpr std::uint32_t to_v4_uint() const noexcept {
    if (!is_v4()) return 0;
    return static_cast<std::uint32_t>(bytes_[0]) << 24 |
           static_cast<std::uint32_t>(bytes_[1]) << 16 |
           static_cast<std::uint32_t>(bytes_[2]) << 8 | static_cast<std::uint32_t>(bytes_[3]);
  }

  /// True for an IPv4-mapped IPv6 address, ::ffff:a.b.c.d (RFC 4291 2.5.5.2).
  [[nodiscard]] bool is_v4_mapped() const noexcept;
  /// The IPv4 address inside an IPv4-mapped IPv6 address, else the address itself. A socket
  /// connecting to ::ffff:10.0.0.1 reaches 10.0.0.1, so checks on addresses look through it.
  [[nodiscard]] ip_address unmapped() const noexcept;
  /// The IPv6 form: an IPv4 address as ::ffff:a.b.c.d, an IPv6 address unchanged.
  [[nodiscard]] ip_address to_v6_mapped() const noexcept;

  /// The text form: dotted decimal for IPv4; for IPv6 the RFC 5952 canonical form (lowercase,
  /// no leading zeros, the longest run of two or more zero groups as "::", the first on a tie,
  /// and ::ffff:a.b.c.d for IPv4-mapped addresses).
  [[nodiscard]] std::string to_string() const;
  /// Writes to_string() into `out` (at least max_text_length chars) and returns the end; no
  /// allocation.
  char* format_to(char* out) const noexcept;

  /// IPv4 before IPv6, then by bytes in network order (numeric order within a family).
  friend constexpr auto operator<=>(const ip_address&, const ip_address&) noexcept = default;
  friend constexpr bool operator==(const ip_address&, const ip_address&) noexcept = default;

 private:
  // family_ first so that every IPv4 address orders before every IPv6 address.
  ip_family family_ = ip_family::v4;
  v6_bytes bytes_{};  // IPv4 uses the first four
};

/// Parses an IPv4 address in strict dotted-decimal form, four parts 0..255 ("10.11.12.13").
/// The shorthand forms inet_aton and browsers accept (127.1, 0x7f.0.0.1, 2130706433) and parts
/// with a leading zero, which some parsers read as octal, are refused: an address given to a
/// network check must mean one thing. Errors: errc::ipv4_invalid, errc::ipv4_leading_zero.
/// Never throws, no allocation.
result<ip_address> parse_ipv4(std::string_view text) noexcept;

/// Parses an IPv6 address as RFC 4291 2.2 writes it: up to eight groups of 1-4 hex digits, at
/// most one "::", optionally ending in a dotted-decimal IPv4 address ("::ffff:1.2.3.4"); hex
/// digits in either case; no brackets. Errors: errc::ipv6_invalid, errc::ipv6_zone_unsupported
/// ("fe80::1%eth0"), errc::ipv4_invalid / ipv4_leading_zero for the embedded IPv4 part.
result<ip_address> parse_ipv6(std::string_view text) noexcept;

/// Parses an IPv6 address when the text holds a ':', else an IPv4 address. Errors as
/// parse_ipv4 and parse_ipv6; errc::address_invalid for empty text.
result<ip_address> parse_address(std::string_view text) noexcept;

/// The asio::ip::address for a socket endpoint.
[[nodiscard]] asio::ip::address to_asio(const ip_address& a) noexcept;
/// The ip_address of an asio::ip::address; an IPv6 scope id is dropped.
[[nodiscard]] ip_address from_asio(const asio::ip::address& a) noexcept;

}  // namespace corofetch::net

template <>
struct std::hash<corofetch::net::ip_address> {
  std::size_t operator()(const corofetch::net::ip_address& a) const noexcept;
};
