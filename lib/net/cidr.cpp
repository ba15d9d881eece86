#include <corofetch/net/cidr.hpp>

#include <bit>

namespace corofetch::net {
namespace {

// The byte arrays of an address family: prefix_length one bits, then zeros.
ip_address::v6_bytes mask_bytes(unsigned prefix_length) noexcept {
  ip_address::v6_bytes mask{};
  for (std::size_t i = 0; i < mask.size(); ++i) {
    const unsigned bit = static_cast<unsigned>(i) * 8;
    if (prefix_length >= bit + 8) {
      mask[i] = 0xff;
    } else if (prefix_length > bit) {
      mask[i] = static_cast<std::uint8_t>(0xffU << (8 - (prefix_length - bit)));
    }
  }
  return mask;
}

ip_address make_address(ip_family family, const ip_address::v6_bytes& b) noexcept {
  if (family == ip_family::v4) return ip_address::v4(ip_address::v4_bytes{b[0], b[1], b[2], b[3]});
  return ip_address::v6(b);
}

ip_address::v6_bytes raw_bytes(const ip_address& a) noexcept {
  ip_address::v6_bytes b{};
  const auto bytes = a.bytes();
  std::copy(bytes.begin(), bytes.end(), b.begin());
  return b;
}

// True when a and b agree on their first prefix_length bits.
bool same_prefix(const ip_address& a, const ip_address& b, unsigned prefix_length) noexcept {
  const auto mask = mask_bytes(prefix_length);
  const auto ab = a.bytes();
  const auto bb = b.bytes();
  for (std::size_t i = 0; i < ab.size(); ++i) {
    if (((ab[i] ^ bb[i]) & mask[i]) != 0) return false;
  }
  return true;
}

result<unsigned> parse_prefix_digits(std::string_view text) noexcept {
  if (text.empty() || text.size() > 3) return errc::prefix_length_invalid;
  if (text.size() > 1 && text[0] == '0') return errc::prefix_length_invalid;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return errc::prefix_length_invalid;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

// After '/': a prefix length, or a netmask of the address's family.
result<unsigned> parse_prefix(std::string_view text, ip_family family) noexcept {
  const bool looks_like_mask = text.find_first_of(".:") != std::string_view::npos;
  if (!looks_like_mask) return parse_prefix_digits(text);
  auto mask = parse_address(text);
  if (!mask) return errc::prefix_length_invalid;
  if (mask->family() != family) return errc::netmask_family_mismatch;
  return netmask_prefix_length(*mask);
}

}  // namespace

result<cidr> cidr::make(const ip_address& address, unsigned prefix_length) noexcept {
  if (prefix_length > address.bit_width()) return errc::prefix_length_out_of_range;
  return cidr(address, prefix_length);
}

ip_address cidr::network() const noexcept {
  auto b = raw_bytes(address_);
  const auto mask = mask_bytes(prefix_length_);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] &= mask[i];
  return make_address(family(), b);
}

ip_address cidr::netmask() const noexcept {
  return make_address(family(), mask_bytes(prefix_length_));
}

ip_address cidr::hostmask() const noexcept {
  auto mask = mask_bytes(prefix_length_);
  for (auto& byte : mask) byte = static_cast<std::uint8_t>(~byte);
  return make_address(family(), mask);
}

ip_address cidr::last() const noexcept {
  auto b = raw_bytes(address_);
  const auto mask = mask_bytes(prefix_length_);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(b[i] | ~mask[i]);
  return make_address(family(), b);
}

std::optional<ip_address> cidr::broadcast() const noexcept {
  if (!address_.is_v4() || prefix_length_ > 30) return std::nullopt;
  return last();
}

bool cidr::contains(const ip_address& a) const noexcept {
  const ip_address candidate = address_.is_v4() ? a.unmapped() : a.to_v6_mapped();
  if (candidate.family() != family()) return false;
  return same_prefix(address_, candidate, prefix_length_);
}

bool cidr::contains(const cidr& inner) const noexcept {
  return inner.family() == family() && inner.prefix_length_ >= prefix_length_ &&
         same_prefix(address_, inner.address_, prefix_length_);
}

std::string cidr::to_string() const {
  std::string text = address_.to_string();
  text += '/';
  text += std::to_string(prefix_length_);
  return text;
}

result<cidr> parse_cidr(std::string_view text) noexcept {
  const std::size_t slash = text.find('/');
  auto address = parse_address(text.substr(0, slash));
  if (!address) return address.error();
  if (slash == std::string_view::npos) return cidr::make(*address, address->bit_width());
  auto prefix = parse_prefix(text.substr(slash + 1), address->family());
  if (!prefix) return prefix.error();
  return cidr::make(*address, *prefix);
}

result<unsigned> netmask_prefix_length(const ip_address& mask) noexcept {
  unsigned length = 0;
  bool zero_seen = false;
  for (std::uint8_t byte : mask.bytes()) {
    if (zero_seen && byte != 0) return errc::netmask_non_contiguous;
    const auto ones = static_cast<unsigned>(std::countl_one(byte));
    if (ones < 8) {
      // The bits after the leading ones must all be zero: 0xfe is /7, 0xfd is not a mask.
      if (static_cast<std::uint8_t>(byte << ones) != 0) return errc::netmask_non_contiguous;
      zero_seen = true;
    }
    length += ones;
  }
  return length;
}

}  // namespace corofetch::net
