#include <corofetch/net/classify.hpp>

#include <array>

namespace corofetch::net {
namespace {

struct v4_range {
  std::uint32_t prefix;
  unsigned length;
  address_class cls;
};

// Most specific first: the first match wins.
constexpr std::array<v4_range, 17> v4_ranges{{
    {0x00000000, 32, address_class::unspecified},
    {0xffffffff, 32, address_class::broadcast},
    {0x00000000, 8, address_class::reserved},
    {0x0a000000, 8, address_class::private_use},
    {0x64400000, 10, address_class::carrier_grade_nat},
    {0x7f000000, 8, address_class::loopback},
    {0xa9fe0000, 16, address_class::link_local},
    {0xac100000, 12, address_class::private_use},
    {0xc0000000, 24, address_class::reserved},
    {0xc0000200, 24, address_class::documentation},
    {0xc0586300, 24, address_class::reserved},
    {0xc0a80000, 16, address_class::private_use},
    {0xc6120000, 15, address_class::benchmarking},
    {0xc6336400, 24, address_class::documentation},
    {0xcb007100, 24, address_class::documentation},
    {0xe0000000, 4, address_class::multicast},
    {0xf0000000, 4, address_class::reserved},
}};

address_class classify_v4(std::uint32_t value) noexcept {
  for (const auto& range : v4_ranges) {
    const std::uint32_t mask = range.length == 0 ? 0 : ~std::uint32_t{0} << (32 - range.length);
    if ((value & mask) == range.prefix) return range.cls;
  }
  return address_class::global;
}

struct v6_range {
  std::array<std::uint8_t, 4> prefix;  // the first bytes; every range below fits in 32 bits
  unsigned length;
  address_class cls;
};

// 100::/64 (discard-only, RFC 6666) needs no entry: it is outside 2000::/3.
constexpr std::array<v6_range, 8> v6_ranges{{
    {{0x20, 0x01, 0x00, 0x02}, 32, address_class::benchmarking},  // 2001:2::/48, see below
    {{0x20, 0x01, 0x00, 0x00}, 23, address_class::reserved},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, address_class::documentation},
    {{0x3f, 0xff, 0x00, 0x00}, 20, address_class::documentation},
    {{0xfc, 0x00, 0x00, 0x00}, 7, address_class::private_use},
    {{0xfe, 0x80, 0x00, 0x00}, 10, address_class::link_local},
    {{0xfe, 0xc0, 0x00, 0x00}, 10, address_class::private_use},
    {{0xff, 0x00, 0x00, 0x00}, 8, address_class::multicast},
}};

std::uint32_t word(const std::uint8_t* b) noexcept {
  return static_cast<std::uint32_t>(b[0]) << 24 | static_cast<std::uint32_t>(b[1]) << 16 |
         static_cast<std::uint32_t>(b[2]) << 8 | static_cast<std::uint32_t>(b[3]);
}

bool all_zero(const std::uint8_t* b, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

// The prefixes longer than 32 bits, and those that carry an IPv4 address.
bool classify_v6_special(const std::uint8_t* b, address_class& out) noexcept {
  const std::uint32_t head = word(b);
  if (all_zero(b, 10) && b[10] == 0xff && b[11] == 0xff) {  // ::ffff:0:0/96
    out = classify_v4(word(b + 12));
    return true;
  }
  if (all_zero(b, 12)) {  // ::, ::1, and the deprecated IPv4-compatible ::a.b.c.d
    const std::uint32_t tail = word(b + 12);
    out = tail == 0   ? address_class::unspecified
          : tail == 1 ? address_class::loopback
                      : address_class::reserved;
    return true;
  }
  if (head == 0x0064ff9b && all_zero(b + 4, 8)) {  // 64:ff9b::/96
    out = classify_v4(word(b + 12));
    return true;
  }
  if (head == 0x0064ff9b && b[4] == 0x00 && b[5] == 0x01) {  // 64:ff9b:1::/48
    out = address_class::private_use;
    return true;
  }
  if ((head >> 16) == 0x2002) {  // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
    out = classify_v4(word(b + 2));
    return true;
  }
  return false;
}

address_class classify_v6(const std::uint8_t* b) noexcept {
  address_class special{};
  if (classify_v6_special(b, special)) return special;
  const std::uint32_t head = word(b);
  for (const auto& range : v6_ranges) {
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - range.length);
    if ((head & mask) != word(range.prefix.data())) continue;
    // 2001:2::/48 needs bytes 4 and 5 zero as well.
    if (range.cls == address_class::benchmarking && !all_zero(b + 4, 2)) continue;
    return range.cls;
  }
  // IANA has allocated only 2000::/3 for global unicast; the rest is reserved (RFC 4291 2.4).
  if ((b[0] & 0xe0) != 0x20) return address_class::reserved;
  return address_class::global;
}

}  // namespace

std::string_view to_string(address_class c) noexcept {
  switch (c) {
    case address_class::unspecified:
      return "unspecified";
    case address_class::loopback:
      return "loopback";
    case address_class::private_use:
      return "private";
    case address_class::carrier_grade_nat:
      return "carrier-grade-nat";
    case address_class::link_local:
      return "link-local";
    case address_class::multicast:
      return "multicast";
    case address_class::broadcast:
      return "broadcast";
    case address_class::documentation:
      return "documentation";
    case address_class::benchmarking:
      return "benchmarking";
    case address_class::reserved:
      return "reserved";
    case address_class::global:
      return "public";
  }
  return "unknown";
}

address_class classify(const ip_address& a) noexcept {
  if (a.is_v4()) return classify_v4(a.to_v4_uint());
  return classify_v6(a.bytes().data());
}

bool is_private_or_local(const ip_address& a) noexcept {
  return classify(a) != address_class::global;
}

}  // namespace corofetch::net
