#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace corofetch::http::detail {

// RFC 9110 5.6.2 tchar, as a 256-entry table: one load per byte on the parser's hot path.
inline constexpr std::array<bool, 256> tchar_table = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

inline constexpr bool is_tchar(char c) noexcept {
  return tchar_table[static_cast<unsigned char>(c)];
}

// True when [p, p+n) holds a space, eight bytes at a time (SWAR zero-byte test on p ^ 0x20..).
// llhttp 8.1.0 checks field-name bytes against the token set plus SP, so SP is the one
// non-token byte left to find in a name (pinned by a test over all 256 byte values).
inline bool has_space(const char* p, std::size_t n) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  constexpr std::uint64_t spaces = ones * 0x20;
  auto word_has_space = [](std::uint64_t w) {
    const std::uint64_t x = w ^ spaces;
    return ((x - ones) & ~x & highs) != 0;
  };
  if (n >= 8) {
    // Whole words, then one last word overlapping the previous one: no byte loop.
    std::uint64_t w;
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&w, p + i, 8);
      if (word_has_space(w)) return true;
    }
    std::memcpy(&w, p + n - 8, 8);
    return word_has_space(w);
  }
  if (n >= 4) {  // two overlapping 4-byte reads, widened with a byte that is not a space
    std::uint32_t a;
    std::uint32_t b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return word_has_space(std::uint64_t{a} << 32 | b);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] == ' ') return true;
  }
  return false;
}

inline constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace corofetch::http::detail
