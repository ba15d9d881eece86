// Domain to ASCII for non-ASCII domains (URL Standard 3.3 "domain to ASCII", UTS 46 ToASCII
// with CheckHyphens=false, CheckBidi=true, CheckJoiners=true, UseSTD3ASCIIRules=false,
// Transitional_Processing=false, VerifyDnsLength=false).
//
// libidn2's idn2_lookup_u8 implements IDNA2008 lookup with a UTS 46 mapping in front, which is
// stricter than UTS 46 ToASCII: it rejects symbols (U+2665) that UTS 46 allows, hyphens in the
// 3rd and 4th or first and last position, and labels over 63 bytes. So libidn2 does only what
// needs its Unicode tables here:
//  - the mapping: runs of non-ASCII code points go through libidn2's transitional mapping (which
//    skips the IDNA2008 label tests) and back through idn2_to_unicode_8z8z; the four deviation
//    code points (U+00DF, U+03C2, U+200C, U+200D), which transitional processing would change
//    and non-transitional keeps, are cut out and kept as they are. Mapping and NFC work code
//    point by code point except for composition, which never joins across an ASCII
//    non-letter or a deviation code point, so cutting there is exact;
//  - the CheckJoiners and CheckBidi verdicts: a label with U+200C/U+200D or a domain with a
//    right-to-left code point is also given to non-transitional idn2_lookup_u8, and only its
//    IDN2_CONTEXTJ, IDN2_BIDI, IDN2_LEADING_COMBINING and IDN2_NOT_NFC answers are used.
// Punycode (RFC 3492) is done here. What the Unicode tables of libidn2 2.3.3 (Unicode 14) map
// differently from current UTS 46 is listed in tests/unit/url/wpt_test.cpp.
#include "url/host.hpp"

#include <idn2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace corofetch::url::detail {
namespace {

using u32string = std::vector<char32_t>;

// Punycode and the libidn2 calls are not linear in the label's length; domains this long are
// rejected before any of it runs (no DNS name is longer than 253 bytes).
constexpr std::size_t max_idna_input = 4096;

bool decode_utf8(std::string_view in, u32string& out) {
  for (std::size_t i = 0; i < in.size();) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (b0 < 0x80) {
      len = 1;
      cp = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
      len = 2;
      cp = b0 & 0x1FU;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3;
      cp = b0 & 0x0FU;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4;
      cp = b0 & 0x07U;
    } else {
      return false;
    }
    if (i + len > in.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(in[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3FU);
    }
    static constexpr char32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    out.push_back(cp);
    i += len;
  }
  return true;
}

void encode_utf8(const char32_t* p, const char32_t* end, std::string& out) {
  for (; p < end; ++p) {
    const auto cp = static_cast<std::uint32_t>(*p);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
}

// RFC 3492 parameters.
constexpr std::uint32_t base = 36;
constexpr std::uint32_t tmin = 1;
constexpr std::uint32_t tmax = 26;
constexpr std::uint32_t skew = 38;
constexpr std::uint32_t damp = 700;
constexpr std::uint32_t initial_bias = 72;
constexpr std::uint32_t initial_n = 128;
constexpr std::uint32_t max_value = 0x7FFFFFFF;

std::uint32_t adapt(std::uint32_t delta, std::uint32_t points, bool first) {
  delta = first ? delta / damp : delta / 2;
  delta += delta / points;
  std::uint32_t k = 0;
  while (delta > ((base - tmin) * tmax) / 2) {
    delta /= base - tmin;
    k += base;
  }
  return k + (base - tmin + 1) * delta / (delta + skew);
}

std::uint32_t threshold(std::uint32_t k, std::uint32_t bias) {
  if (k <= bias) return tmin;
  if (k >= bias + tmax) return tmax;
  return k - bias;
}

char encode_digit(std::uint32_t d) {
  return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26));
}

// RFC 3492 6.3, appending the ASCII form (without "xn--") to out.
bool punycode_encode(const u32string& in, std::string& out) {
  std::uint32_t basic = 0;
  for (char32_t c : in) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++basic;
    }
  }
  if (basic > 0) out.push_back('-');
  std::uint32_t n = initial_n;
  std::uint32_t delta = 0;
  std::uint32_t bias = initial_bias;
  const auto total = static_cast<std::uint32_t>(in.size());
  for (std::uint32_t h = basic; h < total;) {
    std::uint32_t m = max_value;
    for (char32_t c : in) {
      if (c >= n && c < m) m = c;
    }
    if ((m - n) > (max_value - delta) / (h + 1)) return false;
    delta += (m - n) * (h + 1);
    n = m;
    for (char32_t c : in) {
      if (c < n && ++delta == 0) return false;
      if (c != n) continue;
      std::uint32_t q = delta;
      for (std::uint32_t k = base;; k += base) {
        const std::uint32_t t = threshold(k, bias);
        if (q < t) break;
        out.push_back(encode_digit(t + (q - t) % (base - t)));
        q = (q - t) / (base - t);
      }
      out.push_back(encode_digit(q));
      bias = adapt(delta, h + 1, h == basic);
      delta = 0;
      ++h;
    }
    ++delta;
    ++n;
  }
  return true;
}

int decode_digit(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '0' && c <= '9') return c - '0' + 26;
  return -1;
}

// RFC 3492 6.2 on the part after "xn--".
bool punycode_decode(std::string_view in, u32string& out) {
  const std::size_t dash = in.rfind('-');
  std::size_t pos = 0;
  if (dash != std::string_view::npos) {
    for (std::size_t i = 0; i < dash; ++i) {
      if (static_cast<unsigned char>(in[i]) >= 0x80) return false;
      out.push_back(static_cast<unsigned char>(in[i]));
    }
    pos = dash + 1;
  }
  std::uint32_t n = initial_n;
  std::uint32_t i = 0;
  std::uint32_t bias = initial_bias;
  while (pos < in.size()) {
    const std::uint32_t old_i = i;
    std::uint32_t w = 1;
    for (std::uint32_t k = base;; k += base) {
      if (pos >= in.size()) return false;
      const int digit = decode_digit(in[pos++]);
      if (digit < 0) return false;
      const auto d = static_cast<std::uint32_t>(digit);
      if (d > (max_value - i) / w) return false;
      i += d * w;
      const std::uint32_t t = threshold(k, bias);
      if (d < t) break;
      if (w > max_value / (base - t)) return false;
      w *= base - t;
    }
    const auto points = static_cast<std::uint32_t>(out.size() + 1);
    bias = adapt(i - old_i, points, old_i == 0);
    if (i / points > max_value - n) return false;
    n += i / points;
    i %= points;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF)) return false;
    out.insert(out.begin() + i, static_cast<char32_t>(n));
    ++i;
  }
  return true;
}

bool is_deviation(char32_t c) {
  return c == 0xDF || c == 0x3C2 || c == 0x200C || c == 0x200D;
}

bool is_rtl(char32_t c) {
  return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
         (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x10800 && c <= 0x10FFF) ||
         (c >= 0x1E800 && c <= 0x1EFFF);
}

// A piece that needs libidn2's mapping: at most one ASCII character, then non-ASCII ones.
bool map_piece(const char32_t* p, const char32_t* end, u32string& out) {
  std::string utf8;
  encode_utf8(p, end, utf8);
  std::uint8_t* ascii = nullptr;
  int rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(utf8.c_str()), &ascii,
                          IDN2_TRANSITIONAL);
  const std::unique_ptr<std::uint8_t, decltype(&idn2_free)> ascii_owner(ascii, &idn2_free);
  if (rc != IDN2_OK || ascii == nullptr) return false;
  char* unicode = nullptr;
  rc = idn2_to_unicode_8z8z(reinterpret_cast<const char*>(ascii), &unicode, 0);
  const std::unique_ptr<char, decltype(&idn2_free)> unicode_owner(unicode, &idn2_free);
  if (rc != IDN2_OK || unicode == nullptr) return false;
  return decode_utf8(unicode, out);
}

// UTS 46 processing step 1 and 2 (map, normalize) of a whole domain, non-transitional.
bool map_domain(const u32string& in, u32string& out) {
  std::size_t i = 0;
  while (i < in.size()) {
    const char32_t c = in[i];
    if (is_deviation(c)) {
      out.push_back(c);
      ++i;
      continue;
    }
    // An ASCII letter or digit may compose with the marks after it ("e" U+0301), so it goes
    // with the non-ASCII run that follows; other ASCII characters are mapped here.
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '=' || c == '<' || c == '>';
    const bool next_non_ascii = i + 1 < in.size() && in[i + 1] >= 0x80 && !is_deviation(in[i + 1]);
    if (c < 0x80 && !(letter && next_non_ascii)) {
      out.push_back(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < in.size() && in[j] >= 0x80 && !is_deviation(in[j])) ++j;
    if (!map_piece(in.data() + i, in.data() + j, out)) return false;
    i = j;
  }
  return true;
}

// The CheckJoiners and CheckBidi criteria, as libidn2 judges them for one label.
bool passes_context_rules(const char32_t* p, const char32_t* end, bool bidi_domain) {
  bool joiner = false;
  for (const char32_t* q = p; q < end; ++q) joiner = joiner || *q == 0x200C || *q == 0x200D;
  if (!joiner && !bidi_domain) return true;
  std::string utf8;
  encode_utf8(p, end, utf8);
  std::uint8_t* ascii = nullptr;
  const int rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(utf8.c_str()), &ascii,
                                IDN2_NONTRANSITIONAL);
  idn2_free(ascii);
  return rc != IDN2_CONTEXTJ && rc != IDN2_BIDI && rc != IDN2_LEADING_COMBINING &&
         rc != IDN2_NOT_NFC;
}

bool starts_with_xn(const char32_t* p, const char32_t* end) {
  return end - p >= 4 && (p[0] == 'x' || p[0] == 'X') && (p[1] == 'n' || p[1] == 'N') &&
         p[2] == '-' && p[3] == '-';
}

// UTS 46 4.1 for a label that starts with "xn--": valid Punycode of a non-ASCII label whose
// code points are all valid (mapping leaves it unchanged).
bool check_punycode_label(const char32_t* p, const char32_t* end, bool bidi_domain) {
  std::string ascii;
  for (const char32_t* q = p + 4; q < end; ++q) {
    if (*q >= 0x80) return false;
    ascii.push_back(static_cast<char>(*q));
  }
  u32string decoded;
  if (!punycode_decode(ascii, decoded)) return false;
  bool non_ascii = false;
  for (char32_t c : decoded) non_ascii = non_ascii || c >= 0x80;
  if (!non_ascii || starts_with_xn(decoded.data(), decoded.data() + decoded.size())) return false;
  u32string mapped;
  if (!map_domain(decoded, mapped) || mapped != decoded) return false;
  return passes_context_rules(decoded.data(), decoded.data() + decoded.size(), bidi_domain);
}

}  // namespace

std::error_code domain_to_ascii(std::string_view utf8, std::string& out) {
  if (utf8.size() > max_idna_input) return errc::domain_to_ascii;
  u32string input;
  input.reserve(utf8.size());
  if (!decode_utf8(utf8, input)) return errc::domain_to_ascii;
  u32string mapped;
  mapped.reserve(input.size());
  if (!map_domain(input, mapped)) return errc::domain_to_ascii;
  bool bidi_domain = false;
  for (char32_t c : mapped) bidi_domain = bidi_domain || is_rtl(c);
  const std::size_t begin = out.size();
  const char32_t* p = mapped.data();
  const char32_t* const end = p + mapped.size();
  for (;;) {
    const char32_t* dot = p;
    while (dot < end && *dot != '.') ++dot;
    bool ascii = true;
    for (const char32_t* q = p; q < dot; ++q) ascii = ascii && *q < 0x80;
    if (starts_with_xn(p, dot)) {
      if (!ascii || !check_punycode_label(p, dot, bidi_domain)) return errc::domain_to_ascii;
      encode_utf8(p, dot, out);
    } else if (ascii) {
      encode_utf8(p, dot, out);
    } else {
      if (!passes_context_rules(p, dot, bidi_domain)) return errc::domain_to_ascii;
      out.append("xn--");
      if (!punycode_encode(u32string(p, dot), out)) return errc::domain_to_ascii;
    }
    if (dot == end) break;
    out.push_back('.');
    p = dot + 1;
  }
  if (out.size() == begin) return errc::domain_to_ascii;
  return {};
}

}  // namespace corofetch::url::detail
