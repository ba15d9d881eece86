// Character references, newlines and replaced code points, as gumbo 0.10's tokenizer and UTF-8
// reader treat them, for the values the link scanner reads.
#include "html/scan_text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace corofetch::html {
namespace {

struct named_reference {
  std::string_view name;  // without '&'; with ';' when the reference needs it
  std::string_view value;
};

// Generated at build time from python3's html.entities.html5 (named_char_refs.py), sorted.
constexpr named_reference named_references[] =
#include "named_char_refs.inc"
    ;

std::string_view find_named(std::string_view name) noexcept {
  const auto* it =
      std::lower_bound(std::begin(named_references), std::end(named_references), name,
                       [](const named_reference& e, std::string_view n) { return e.name < n; });
  if (it == std::end(named_references) || it->name != name) return {};
  return it->value;
}

constexpr bool is_ascii_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// gumbo's utf8_is_invalid_code_point: read from the input, these become U+FFFD.
constexpr bool replaced_when_read(std::uint32_t c) noexcept {
  return (c >= 0x1 && c <= 0x8) || c == 0xB || (c >= 0xE && c <= 0x1F) ||
         (c >= 0x7F && c <= 0x9F) || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFF) == 0xFFFE ||
         (c & 0xFFFF) == 0xFFFF;
}

// HTML Standard 13.2.5.80 "numeric character reference end state", as gumbo's table has it
// (windows-1252 for 0x80..0x9F, U+FFFD for NUL; CR stays CR).
constexpr std::array<std::uint16_t, 32> windows_1252 = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::uint32_t numeric_reference_value(std::uint32_t cp) noexcept {
  if (cp == 0) return 0xFFFD;
  if (cp >= 0x80 && cp <= 0x9F) return windows_1252[cp - 0x80];
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0xFFFD;
  return cp;
}

int hex_digit(char c, bool hex) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (hex && c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (hex && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one UTF-8 sequence at s[i] (a byte >= 0x80) strictly (no overlongs, surrogates or
// values past U+10FFFF, as gumbo's DFA); returns its length, or 0 when invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  return n;
}

class decoder {
 public:
  decoder(std::string_view raw, int allowed, bool attribute, std::string& out)
      : s_(raw), allowed_(allowed), attribute_(attribute), out_(out) {}

  decode_status run() {
    out_.clear();
    std::size_t i = 0;
    while (i < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i]);
      if (c == '&') {
        const decode_status st = reference(i);
        if (st != decode_status::ok) return st;
      } else if (c == '\r') {
        out_ += '\n';
        i += (i + 1 < s_.size() && s_[i + 1] == '\n') ? std::size_t{2} : std::size_t{1};
      } else if (c >= 0x80) {
        std::uint32_t cp = 0;
        const std::size_t n = utf8_sequence(s_, i, cp);
        if (n == 0) return decode_status::invalid_utf8;
        if (replaced_when_read(cp)) {
          append_utf8(out_, 0xFFFD);
        } else {
          out_.append(s_.substr(i, n));
        }
        i += n;
      } else if (c == 0 || replaced_when_read(c)) {
        append_utf8(out_, 0xFFFD);
        ++i;
      } else {
        out_ += static_cast<char>(c);
        ++i;
      }
    }
    return decode_status::ok;
  }

  // The length of the reference at s_[0] == '&' when it decodes, else 0.
  std::size_t first_reference() {
    std::size_t i = 0;
    if (reference(i) != decode_status::ok) return 0;
    return i > 1 ? i : 0;
  }

 private:
  // s_[i] is '&': appends what it stands for and moves i past it.
  decode_status reference(std::size_t& i) {
    const std::size_t p = i + 1;
    if (p >= s_.size()) return literal_ampersand(i);
    const char c = s_[p];
    if (static_cast<unsigned char>(c) == allowed_ || c == '\t' || c == '\n' || c == '\r' ||
        c == '\f' || c == ' ' || c == '<' || c == '&') {
      return literal_ampersand(i);
    }
    if (c == '#') return numeric(i);
    return named(i);
  }

  decode_status literal_ampersand(std::size_t& i) {
    out_ += '&';
    ++i;
    return decode_status::ok;
  }

  decode_status numeric(std::size_t& i) {
    std::size_t q = i + 2;
    const bool hex = q < s_.size() && (s_[q] == 'x' || s_[q] == 'X');
    if (hex) ++q;
    if (q >= s_.size() || hex_digit(s_[q], hex) < 0) return literal_ampersand(i);
    std::uint64_t value = 0;
    for (int d = 0; q < s_.size() && (d = hex_digit(s_[q], hex)) >= 0; ++q) {
      value = value * (hex ? 16 : 10) + static_cast<std::uint64_t>(d);
      // gumbo accumulates in an int: past that the result is its overflow's.
      if (value > 0x7FFFFFFF) return decode_status::numeric_overflow;
    }
    if (q < s_.size() && s_[q] == ';') ++q;
    append_utf8(out_, numeric_reference_value(static_cast<std::uint32_t>(value)));
    i = q;
    return decode_status::ok;
  }

  // The longest name in the table that the input starts with (names are alphanumerics, then
  // ';' when the reference needs it).
  decode_status named(std::size_t& i) {
    const std::size_t p = i + 1;
    std::size_t run = 0;
    while (p + run < s_.size() && run < 40 && is_ascii_alnum(s_[p + run])) ++run;
    if (run == 0) return literal_ampersand(i);
    if (p + run < s_.size() && s_[p + run] == ';') {
      name_.assign(s_.substr(p, run)).push_back(';');
      if (const std::string_view v = find_named(name_); !v.empty()) {
        out_.append(v);
        i = p + run + 1;
        return decode_status::ok;
      }
    }
    for (std::size_t len = std::min<std::size_t>(run, 32); len > 0; --len) {
      const std::string_view v = find_named(s_.substr(p, len));
      if (v.empty()) continue;
      const std::size_t after = p + len;
      // HTML Standard 13.2.5.73: "historical reasons" keep "&copy=" and "&copyx" in attributes.
      if (attribute_ && after < s_.size() && (s_[after] == '=' || is_ascii_alnum(s_[after]))) {
        return literal_ampersand(i);
      }
      out_.append(v);
      i = after;
      return decode_status::ok;
    }
    return literal_ampersand(i);
  }

  std::string_view s_;
  int allowed_;
  bool attribute_;
  std::string& out_;
  std::string name_;
};

bool needs_decoding(std::string_view raw) noexcept {
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '&' || c == '\r' || c >= 0x7F || (c < 0x20 && c != '\t' && c != '\n' && c != '\f')) {
      return true;
    }
  }
  return false;
}

decode_status decode(std::string_view raw, int allowed, bool attribute, std::string& buffer,
                     decoded_text& out) {
  if (!needs_decoding(raw)) {
    out = {raw, true};
    return decode_status::ok;
  }
  const decode_status st = decoder(raw, allowed, attribute, buffer).run();
  out = {buffer, buffer == raw};
  return st;
}

}  // namespace

decode_status decode_attribute_value(std::string_view raw, char quote, std::string& buffer,
                                     decoded_text& out) {
  return decode(raw, quote, true, buffer, out);
}

std::size_t leading_reference_length(std::string_view raw) {
  if (raw.empty() || raw.front() != '&') return 0;
  std::string scratch;
  return decoder(raw, '>', true, scratch).first_reference();
}

decode_status decode_rcdata(std::string_view raw, std::string& buffer, decoded_text& out) {
  return decode(raw, -2, false, buffer, out);
}

}  // namespace corofetch::html
