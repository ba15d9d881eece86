#include "url/host.hpp"

#include "url/chars.hpp"

#include <array>
#include <cstdint>

namespace corofetch::url::detail {
namespace {

// Anything above 2^32 fails every range check, so parsing saturates here and never overflows.
constexpr std::uint64_t ipv4_saturated = std::uint64_t{1} << 40;

// URL Standard "IPv4 number parser": decimal, 0x hexadecimal or 0-prefixed octal; "" fails,
// "0x" alone is 0. Returns -1 on failure.
std::int64_t parse_ipv4_number(std::string_view s) noexcept {
  if (s.empty()) return -1;
  unsigned radix = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    radix = 16;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0') {
    radix = 8;
    s.remove_prefix(1);
  }
  std::uint64_t value = 0;
  for (char c : s) {
    int digit = -1;
    if (radix == 16) {
      digit = hex_value(c);
    } else if (c >= '0' && c < static_cast<char>('0' + radix)) {
      digit = c - '0';
    }
    if (digit < 0) return -1;
    value = value * radix + static_cast<unsigned>(digit);
    if (value > ipv4_saturated) value = ipv4_saturated;
  }
  return static_cast<std::int64_t>(value);
}

// URL Standard "ends in a number checker".
bool ends_in_number(std::string_view s) noexcept {
  if (!s.empty() && s.back() == '.') {
    if (s.size() == 1) return false;
    s.remove_suffix(1);
  }
  const std::size_t dot = s.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? s : s.substr(dot + 1);
  if (last.empty()) return false;
  bool digits = true;
  for (char c : last) digits = digits && is_ascii_digit(c);
  if (digits) return true;
  return parse_ipv4_number(last) >= 0;
}

void append_ipv4(std::string& out, std::uint32_t address) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    const unsigned byte = (address >> shift) & 0xFFU;
    if (byte >= 100) out.push_back(static_cast<char>('0' + byte / 100));
    if (byte >= 10) out.push_back(static_cast<char>('0' + byte / 10 % 10));
    out.push_back(static_cast<char>('0' + byte % 10));
    if (shift != 0) out.push_back('.');
  }
}

// URL Standard "IPv4 parser".
std::error_code parse_ipv4(std::string_view s, std::uint32_t& address) noexcept {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);  // "1.2.3.4." is allowed
  std::array<std::int64_t, 4> numbers{};
  std::size_t count = 0;
  for (;;) {
    const std::size_t dot = s.find('.');
    if (count == 4) return errc::ipv4_too_many_parts;
    const std::int64_t n = parse_ipv4_number(s.substr(0, dot));
    if (n < 0) return errc::ipv4_non_numeric_part;
    numbers[count++] = n;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  for (std::size_t i = 0; i + 1 < count; ++i) {
    if (numbers[i] > 255) return errc::ipv4_out_of_range_part;
  }
  const std::int64_t last = numbers[count - 1];
  if (last >= (std::int64_t{1} << (8 * (5 - count)))) return errc::ipv4_out_of_range_part;
  auto value = static_cast<std::uint64_t>(last);
  for (std::size_t i = 0; i + 1 < count; ++i) {
    value += static_cast<std::uint64_t>(numbers[i]) << (8 * (3 - i));
  }
  address = static_cast<std::uint32_t>(value);
  return {};
}

// URL Standard "IPv6 parser" over the text between the brackets.
std::error_code parse_ipv6(std::string_view s, std::array<std::uint16_t, 8>& address) noexcept {
  address.fill(0);
  std::size_t piece = 0;
  std::size_t compress = 8;  // 8: none
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && s[i] == ':') {
    if (i + 1 >= n || s[i + 1] != ':') return errc::ipv6_invalid;
    i += 2;
    compress = ++piece;
  }
  while (i < n) {
    if (piece == 8) return errc::ipv6_invalid;
    if (s[i] == ':') {
      if (compress != 8) return errc::ipv6_invalid;
      ++i;
      compress = ++piece;
      continue;
    }
    unsigned value = 0;
    std::size_t length = 0;
    while (length < 4 && i < n && hex_value(s[i]) >= 0) {
      value = value * 16 + static_cast<unsigned>(hex_value(s[i]));
      ++i;
      ++length;
    }
    if (i < n && s[i] == '.') {
      if (length == 0) return errc::ipv4_in_ipv6_invalid;
      i -= length;
      if (piece > 6) return errc::ipv4_in_ipv6_invalid;
      int numbers_seen = 0;
      while (i < n) {
        int ipv4_piece = -1;
        if (numbers_seen > 0) {
          if (s[i] == '.' && numbers_seen < 4) {
            ++i;
          } else {
            return errc::ipv4_in_ipv6_invalid;
          }
        }
        if (i >= n || !is_ascii_digit(s[i])) return errc::ipv4_in_ipv6_invalid;
        while (i < n && is_ascii_digit(s[i])) {
          const int number = s[i] - '0';
          if (ipv4_piece == -1) {
            ipv4_piece = number;
          } else if (ipv4_piece == 0) {
            return errc::ipv4_in_ipv6_invalid;
          } else {
            ipv4_piece = ipv4_piece * 10 + number;
          }
          if (ipv4_piece > 255) return errc::ipv4_in_ipv6_invalid;
          ++i;
        }
        address[piece] = static_cast<std::uint16_t>(address[piece] * 0x100 + ipv4_piece);
        ++numbers_seen;
        if (numbers_seen == 2 || numbers_seen == 4) ++piece;
      }
      if (numbers_seen != 4) return errc::ipv4_in_ipv6_invalid;
      break;
    }
    if (i < n && s[i] == ':') {
      ++i;
      if (i >= n) return errc::ipv6_invalid;
    } else if (i < n) {
      return errc::ipv6_invalid;
    }
    address[piece++] = static_cast<std::uint16_t>(value);
  }
  if (compress != 8) {
    std::size_t swaps = piece - compress;
    piece = 7;
    while (piece != 0 && swaps > 0) {
      std::swap(address[piece], address[compress + swaps - 1]);
      --piece;
      --swaps;
    }
  } else if (piece != 8) {
    return errc::ipv6_invalid;
  }
  return {};
}

// URL Standard "IPv6 serializer": the first longest run of two or more zero pieces becomes "::".
void append_ipv6(std::string& out, const std::array<std::uint16_t, 8>& address) {
  std::size_t best = 8;
  std::size_t best_len = 1;
  for (std::size_t i = 0; i < 8;) {
    if (address[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && address[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('[');
  bool ignore0 = false;
  for (std::size_t i = 0; i < 8; ++i) {
    if (ignore0 && address[i] == 0) continue;
    ignore0 = false;
    if (i == best) {
      out.append(i == 0 ? "::" : ":");
      ignore0 = true;
      continue;
    }
    const unsigned v = address[i];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned digit = (v >> shift) & 0xFU;
      if (digit != 0 || started || shift == 0) {
        out.push_back(hex[digit]);
        started = true;
      }
    }
    if (i != 7) out.push_back(':');
  }
  out.push_back(']');
}

// URL Standard "opaque-host parser": no forbidden host code point; C0 controls and non-ASCII
// percent-encoded.
std::error_code parse_opaque_host(std::string_view input, std::string& out) {
  for (char c : input) {
    if (has(c, forbidden_host)) return errc::host_invalid_code_point;
  }
  append_encoded(out, input.data(), input.data() + input.size(), c0_control_set);
  return {};
}

// Appends an ASCII domain lowercased (domain to ASCII of an ASCII string needs nothing more,
// URL Standard 3.5 step 1), then checks the forbidden domain code points.
std::error_code append_ascii_domain(std::string_view domain, bool decoded, std::string& out) {
  const std::size_t begin = out.size();
  out.resize(begin + domain.size());
  char* dst = out.data() + begin;
  for (char c : domain) {
    if (has(c, forbidden_domain)) {
      return decoded || !has(c, forbidden_host) ? errc::domain_invalid_code_point
                                                : errc::host_invalid_code_point;
    }
    *dst++ = to_lower(c);
  }
  return {};
}

}  // namespace

std::error_code parse_host(std::string_view input, bool special, std::string& out,
                           host_kind& kind) {
  if (!input.empty() && input.front() == '[') {
    if (input.size() < 2 || input.back() != ']') return errc::ipv6_unclosed;
    std::array<std::uint16_t, 8> address{};
    if (auto ec = parse_ipv6(input.substr(1, input.size() - 2), address)) return ec;
    append_ipv6(out, address);
    kind = host_kind::ipv6;
    return {};
  }
  if (!special) {
    kind = host_kind::opaque;
    return parse_opaque_host(input, out);
  }
  const std::size_t begin = out.size();
  bool plain = true;  // ASCII without '%': the common case, no copy and no IDNA
  for (char c : input) plain = plain && !has(c, non_plain_host);
  if (plain) {
    if (auto ec = append_ascii_domain(input, false, out)) return ec;
  } else {
    std::string decoded;
    decoded.reserve(input.size());
    append_decoded(decoded, input);
    bool ascii = true;
    for (char c : decoded) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii) {
      if (auto ec = append_ascii_domain(decoded, true, out)) return ec;
    } else {
      if (auto ec = domain_to_ascii(decoded, out)) return ec;
      for (std::size_t i = begin; i < out.size(); ++i) {
        if (has(out[i], forbidden_domain)) return errc::domain_invalid_code_point;
      }
    }
  }
  const std::string_view domain(out.data() + begin, out.size() - begin);
  if (ends_in_number(domain)) {
    std::uint32_t address = 0;
    if (auto ec = parse_ipv4(domain, address)) return ec;
    out.resize(begin);
    append_ipv4(out, address);
    kind = host_kind::ipv4;
    return {};
  }
  kind = host_kind::domain;
  return {};
}

}  // namespace corofetch::url::detail
