#pragma once
// ASCII helpers for HTML attribute values (HTML Standard 2.3 "Common microsyntaxes"): HTML's
// whitespace and case-insensitivity are ASCII-only, whatever the locale.

#include <string>
#include <string_view>

namespace corofetch::html {

/// ASCII whitespace: TAB, LF, FF, CR, SPACE (Infra Standard).
constexpr bool is_ascii_whitespace(char c) noexcept {
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}
constexpr bool is_ascii_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
constexpr char to_ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_ascii_lower(a[i]) != to_ascii_lower(b[i])) return false;
  }
  return true;
}

constexpr std::string_view strip_ascii_whitespace(std::string_view s) noexcept {
  while (!s.empty() && is_ascii_whitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_whitespace(s.back())) s.remove_suffix(1);
  return s;
}

/// True when the space-separated token list `list` holds `token`, compared ASCII
/// case-insensitively (as for rel and as attributes).
constexpr bool has_token(std::string_view list, std::string_view token) noexcept {
  std::size_t pos = 0;
  while (pos < list.size()) {
    while (pos < list.size() && is_ascii_whitespace(list[pos])) ++pos;
    const std::size_t begin = pos;
    while (pos < list.size() && !is_ascii_whitespace(list[pos])) ++pos;
    if (pos > begin && ascii_iequals(list.substr(begin, pos - begin), token)) return true;
  }
  return false;
}

/// Where a comment ends (HTML Standard 13.2.5.43 onwards), given `body`, the position just past
/// "<!--" in `html`: past "-->" or "--!>", past an abrupt ">" or "->" right at the start, or
/// the end of the input when the comment is never closed.
[[nodiscard]] std::size_t comment_end(std::string_view html, std::size_t body) noexcept;

/// The text with leading and trailing ASCII whitespace removed and every inner run of it
/// replaced by one space ("strip and collapse ASCII whitespace", as document.title does).
std::string strip_and_collapse_whitespace(std::string_view s);

}  // namespace corofetch::html
