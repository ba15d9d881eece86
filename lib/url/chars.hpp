#pragma once
// Character classes of the URL Standard (https://url.spec.whatwg.org/#percent-encoded-bytes,
// #host-miscellaneous) as one 256-entry table, so every hot loop is one load and one test.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace corofetch::url::detail {

// Bits of char_table: one per percent-encode set, then the host code point classes.
inline constexpr std::uint16_t c0_control_set = 1U << 0;
inline constexpr std::uint16_t fragment_set = 1U << 1;
inline constexpr std::uint16_t query_set = 1U << 2;
inline constexpr std::uint16_t special_query_set = 1U << 3;
inline constexpr std::uint16_t path_set = 1U << 4;
inline constexpr std::uint16_t userinfo_set = 1U << 5;
inline constexpr std::uint16_t component_set = 1U << 6;
inline constexpr std::uint16_t forbidden_host = 1U << 7;
inline constexpr std::uint16_t forbidden_domain = 1U << 8;
inline constexpr std::uint16_t upper_alpha = 1U << 9;
inline constexpr std::uint16_t scheme_char = 1U << 10;     // ASCII alphanumeric, + - .
inline constexpr std::uint16_t path_delimiter = 1U << 11;  // '/' and '\' (special URLs only)
inline constexpr std::uint16_t authority_end = 1U << 12;   // '/' '?' '#', and '\' if special
inline constexpr std::uint16_t non_plain_host = 1U << 13;  // '%' and non-ASCII: decode or IDNA

constexpr std::array<std::uint16_t, 256> make_char_table() {
  std::array<std::uint16_t, 256> t{};
  auto add = [&t](std::string_view chars, std::uint16_t bits) {
    for (char c : chars) t[static_cast<unsigned char>(c)] |= bits;
  };
  for (unsigned c = 0; c < 256; ++c) {
    if (c < 0x20 || c > 0x7E) t[c] |= c0_control_set;
    if (c < 0x20 || c == 0x7F) t[c] |= forbidden_domain;
    if (c >= 'A' && c <= 'Z') t[c] |= upper_alpha | scheme_char;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) t[c] |= scheme_char;
  }
  add("+-.", scheme_char);
  add("/\\", path_delimiter);
  add("/?#\\", authority_end);
  add("%", non_plain_host);
  for (unsigned c = 0x80; c < 256; ++c) t[c] |= non_plain_host;
  // Each set includes the previous one (URL Standard 1.3).
  const std::uint16_t from_c0 =
      fragment_set | query_set | special_query_set | path_set | userinfo_set | component_set;
  for (unsigned c = 0; c < 256; ++c) {
    if ((t[c] & c0_control_set) != 0) t[c] |= from_c0;
  }
  add(" \"<>`", fragment_set);
  add(" \"#<>", query_set | special_query_set | path_set | userinfo_set | component_set);
  add("'", special_query_set);
  add("?^`{}", path_set | userinfo_set | component_set);
  add("/:;=@[\\]^|", userinfo_set | component_set);
  add("$%&+,", component_set);
  std::string_view host_chars("\0\t\n\r #/:<>?@[\\]^|", 17);
  add(host_chars, forbidden_host | forbidden_domain);
  add("%", forbidden_domain);
  return t;
}

inline constexpr std::array<std::uint16_t, 256> char_table = make_char_table();

inline bool has(char c, std::uint16_t bits) noexcept {
  return (char_table[static_cast<unsigned char>(c)] & bits) != 0;
}
inline char to_lower(char c) noexcept {
  return has(c, upper_alpha) ? static_cast<char>(c + ('a' - 'A')) : c;
}
inline bool is_ascii_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_ascii_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
inline int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Appends [p, end) to out, percent-encoding every byte in `set` (URL Standard "UTF-8
/// percent-encode"; bytes of the input are taken as UTF-8 and encoded one by one).
inline void append_encoded(std::string& out, const char* p, const char* end, std::uint16_t set) {
  static constexpr char hex[] = "0123456789ABCDEF";
  while (p < end) {
    const char* run = p;
    while (p < end && !has(*p, set)) ++p;
    out.append(run, p);
    if (p == end) break;
    const auto byte = static_cast<unsigned char>(*p++);
    const char esc[3] = {'%', hex[byte >> 4], hex[byte & 0xF]};
    out.append(esc, 3);
  }
}

/// Percent-decodes `in` (URL Standard "percent-decode"): "%XY" with two hex digits becomes a
/// byte, any other '%' stays.
inline void append_decoded(std::string& out, std::string_view in) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
}

}  // namespace corofetch::url::detail
