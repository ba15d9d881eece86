#pragma once

// The response parser's fast path over a head (response_parser.cpp, scan_head): one look at a
// field line decides whether llhttp 8.1.0 would take it as it is, and where its name and
// value are. Only lines llhttp acts on (framing and connection fields) are then given to
// llhttp; the others it would only have read through.

#include "http/char_table.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace corofetch::http::detail {

// A field line "Name: value" CR LF, found by scan_plain_line.
struct plain_line {
  std::size_t name_size = 0;
  const char* value = nullptr;
  std::size_t value_size = 0;
  const char* next = nullptr;  // the first byte after the LF
};

// Whether a field name is one llhttp 8.1.0 acts on (its header_state: Connection,
// Proxy-Connection, Content-Length, Transfer-Encoding, Upgrade; ASCII case-insensitive, as
// its matcher lowers A-Z). `name` holds token characters only: for those, c | 0x20 is the
// lower case of a letter and leaves every other token character unchanged or a non-letter.
// Compared eight bytes at a time, the last word overlapping the one before.
inline bool llhttp_acts_on(const char* name, std::size_t n) noexcept {
  const char* lit = nullptr;
  switch (n) {
    case 7:
      lit = "upgrade";
      break;
    case 10:
      lit = "connection";
      break;
    case 14:
      lit = "content-length";
      break;
    case 16:
      lit = "proxy-connection";
      break;
    case 17:
      lit = "transfer-encoding";
      break;
    default:
      return false;
  }
  constexpr std::uint64_t lower = 0x2020202020202020ULL;
  const auto differs = [&](std::size_t at) {
    std::uint64_t a;
    std::uint64_t b;
    std::memcpy(&a, name + at, 8);
    std::memcpy(&b, lit + at, 8);
    return ((a | lower) ^ b) != 0;
  };
  if (n < 8) {  // "upgrade": two overlapping 4-byte words
    std::uint32_t a;
    std::uint32_t b;
    std::uint32_t c;
    std::uint32_t d;
    std::memcpy(&a, name, 4);
    std::memcpy(&b, lit, 4);
    std::memcpy(&c, name + n - 4, 4);
    std::memcpy(&d, lit + n - 4, 4);
    return ((a | 0x20202020U) ^ b) == 0 && ((c | 0x20202020U) ^ d) == 0;
  }
  if (differs(0) || differs(n - 8)) return false;
  return n <= 16 || !differs(8);
}

// The bytes llhttp 8.1.0 refuses in a field value: 0x00-0x1F except HTAB, and DEL (its value
// table; CR and LF end the value).
inline bool is_value_ctl(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && u != '\t') || u == 0x7F;
}

#if defined(__SSE2__)
inline unsigned value_ctl_mask(__m128i b) noexcept {
  const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(b, _mm_set1_epi8(0x1F)), b);
  const __m128i tab = _mm_cmpeq_epi8(b, _mm_set1_epi8('\t'));
  const __m128i del = _mm_cmpeq_epi8(b, _mm_set1_epi8(0x7F));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_andnot_si128(tab, low), del)));
}

// Bytes outside [A-Za-z0-9-], the usual name characters (the others take the table).
inline unsigned unusual_name_mask(__m128i b) noexcept {
  const __m128i letter = _mm_sub_epi8(_mm_or_si128(b, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
  const __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(letter, _mm_set1_epi8(25)), letter);
  const __m128i digit = _mm_sub_epi8(b, _mm_set1_epi8('0'));
  const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit);
  const __m128i is_dash = _mm_cmpeq_epi8(b, _mm_set1_epi8('-'));
  const __m128i usual = _mm_or_si128(_mm_or_si128(is_letter, is_digit), is_dash);
  return ~static_cast<unsigned>(_mm_movemask_epi8(usual)) & 0xFFFFU;
}
#endif

// The first byte in [from, to) that is_value_ctl, or nullptr. `base` is the start of the
// memory holding them: the last block may be read from before `from`, never past `to`.
inline const char* find_value_ctl(const char* base, const char* from, const char* to) noexcept {
#if defined(__SSE2__)
  while (to - from >= 16) {
    const unsigned hits = value_ctl_mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(from)));
    if (hits != 0) return from + __builtin_ctz(hits);
    from += 16;
  }
  if (from < to && to - base >= 16) {
    const char* q = to - 16;
    unsigned hits = value_ctl_mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)));
    hits &= ~0U << static_cast<unsigned>(from - q);
    return hits != 0 ? q + __builtin_ctz(hits) : nullptr;
  }
#else
  (void)base;
#endif
  for (; from < to; ++from) {
    if (is_value_ctl(*from)) return from;
  }
  return nullptr;
}

// Whether [line, end) starts with a complete field line that llhttp 8.1.0 (not strict, as
// Debian builds it) takes as it is and that fields_access::index_raw would record as it is,
// filling `out`. Such a line is
//   a name of token characters (llhttp also takes SP in a name; this does not), ':',
//   at most one SP, a value of HTAB, 0x20-0x7E and 0x80-0xFF (llhttp's value table) that
//   neither starts nor ends with SP or HTAB, CR LF.
// Anything else (no colon, an empty value, extra blanks, a bare LF, a control byte, a line
// not complete before `end`) returns false: the caller lets llhttp judge it. `base` is the
// first readable byte at or before `line`.
inline bool scan_plain_line(const char* base, const char* line, const char* end,
                            plain_line& out) noexcept {
  const char* colon = nullptr;
  const char* stop = nullptr;         // the first value_ctl byte of the line, once known
  const char* clear_until = nullptr;  // or where to look for it from (none before)
#if defined(__SSE2__)
  // The usual line: its first 16 bytes (32 for a longer name) give the colon, whether the name
  // is made of the usual characters and, for a short line, its end (a name holds no control
  // byte, so the first one in the line is the first one of the value).
  if (end - line >= 16) {
    const __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line));
    const __m128i colon_byte = _mm_set1_epi8(':');
    auto colons = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(first, colon_byte)));
    unsigned unusual = unusual_name_mask(first);
    const unsigned ctl = value_ctl_mask(first);
    if (colons == 0 && end - line >= 32) {
      const __m128i second = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line + 16));
      colons = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(second, colon_byte))) << 16;
      unusual |= unusual_name_mask(second) << 16;
    }
    if (colons != 0) {
      const auto at = static_cast<unsigned>(__builtin_ctz(colons));
      if ((unusual & ((1U << at) - 1U)) == 0) {
        colon = line + at;
        if (ctl != 0) {
          stop = line + __builtin_ctz(ctl);
        } else {
          clear_until = line + 16;
        }
      }
    }
  }
#endif
  if (colon == nullptr) {  // a short input, or a name with other token characters
    colon = line;
    while (colon < end && is_tchar(*colon)) ++colon;
    if (colon == end || *colon != ':') return false;
  }
  if (colon == line) return false;
  const char* value = colon + 1;
  if (value < end && *value == ' ') ++value;
  if (value == end || *value == ' ' || *value == '\t') return false;
  if (stop == nullptr) {
    stop = find_value_ctl(base, clear_until != nullptr ? std::max(value, clear_until) : value, end);
  }
  if (stop == nullptr || stop <= value || end - stop < 2 || stop[0] != '\r' || stop[1] != '\n' ||
      stop[-1] == ' ' || stop[-1] == '\t') {
    return false;
  }
  out.name_size = static_cast<std::size_t>(colon - line);
  out.value = value;
  out.value_size = static_cast<std::size_t>(stop - value);
  out.next = stop + 2;
  return true;
}

}  // namespace corofetch::http::detail
