// "Parse a srcset attribute" (HTML Standard 4.8.4.3.10) and the choice among its candidates.
#include <corofetch/html/srcset.hpp>

#include "html/text.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>

namespace corofetch::html {
namespace {

// One candidate's descriptors as the tokenizer collects them: views into the attribute.
// Parenthesised text may hold spaces ("(a b)"), so a descriptor is not always a single token.
using descriptor_list = std::vector<std::string_view>;

// The descriptor tokenizer of step 8.2 onwards ("in descriptor", "in parens", "after
// descriptor"). Starts just after the URL; returns the position after the candidate (past the
// separating comma when there is one).
std::size_t tokenize_descriptors(std::string_view s, std::size_t pos, descriptor_list& out) {
  enum class state { in_descriptor, in_parens, after_descriptor };
  while (pos < s.size() && is_ascii_whitespace(s[pos])) ++pos;
  std::size_t start = pos;  // start of the current descriptor
  std::size_t length = 0;   // its length so far (0: empty)
  auto flush = [&] {
    if (length != 0) out.push_back(s.substr(start, length));
    length = 0;
  };
  state st = state::in_descriptor;
  for (;; ++pos) {
    if (pos >= s.size()) {
      flush();  // end of input: in every state, keep the current descriptor
      return pos;
    }
    const char c = s[pos];
    switch (st) {
      case state::in_descriptor:
        if (is_ascii_whitespace(c)) {
          flush();
          st = state::after_descriptor;
        } else if (c == ',') {
          flush();
          return pos + 1;
        } else {
          if (length == 0) start = pos;
          ++length;
          if (c == '(') st = state::in_parens;
        }
        break;
      case state::in_parens:
        ++length;
        if (c == ')') st = state::in_descriptor;
        break;
      case state::after_descriptor:
        if (!is_ascii_whitespace(c)) {
          st = state::in_descriptor;
          --pos;  // reconsume in "in descriptor"
        }
        break;
    }
  }
}

// "Valid non-negative integer": one or more ASCII digits, nothing else.
std::optional<std::uint32_t> parse_integer(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;  // sign, overflow
  if (s.front() < '0' || s.front() > '9') return std::nullopt;
  return value;
}

// "Valid floating-point number": [-] (digits | digits "." digits | "." digits) [(e|E) [+|-]
// digits]. Checked by hand because from_chars also accepts "1.", "inf" and "nan".
bool is_valid_float(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && is_ascii_digit(s[i])) ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  const bool integer_part = digits();
  bool fraction_part = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction_part = digits();
    if (!fraction_part) return false;
  }
  if (!integer_part && !fraction_part) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::optional<double> parse_float(std::string_view s) {
  if (!is_valid_float(s)) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) {
    return std::nullopt;  // out of double's range
  }
  return value;
}

// Step 13 ("descriptor parser"): true and the candidate filled in when every descriptor is valid.
bool parse_descriptors(const descriptor_list& descriptors, srcset_candidate& candidate) {
  for (const std::string_view d : descriptors) {
    const std::string_view number = d.substr(0, d.size() - 1);
    switch (d.back()) {
      case 'w': {
        if (candidate.width || candidate.density) return false;
        const auto w = parse_integer(number);
        if (!w || *w == 0) return false;
        candidate.width = w;
        break;
      }
      case 'x': {
        if (candidate.width || candidate.density || candidate.height) return false;
        const auto x = parse_float(number);
        if (!x || *x < 0) return false;
        candidate.density = *x == 0 ? 0.0 : *x;  // -0 is 0
        break;
      }
      case 'h': {
        if (candidate.height || candidate.density) return false;
        const auto h = parse_integer(number);
        if (!h || *h == 0) return false;
        candidate.height = h;
        break;
      }
      default:
        return false;
    }
  }
  return !(candidate.height && !candidate.width);
}

}  // namespace

srcset parse_srcset(std::string_view s) {
  srcset result;
  std::size_t pos = 0;
  descriptor_list descriptors;
  while (true) {
    // Splitting loop: whitespace and commas between candidates.
    while (pos < s.size() && (is_ascii_whitespace(s[pos]) || s[pos] == ',')) ++pos;
    if (pos >= s.size()) return result;
    const std::size_t url_begin = pos;
    while (pos < s.size() && !is_ascii_whitespace(s[pos])) ++pos;
    std::string_view url = s.substr(url_begin, pos - url_begin);
    descriptors.clear();
    if (url.back() == ',') {
      // "a.png," ends the candidate; the URL cannot be empty (it starts with a non-comma).
      while (url.back() == ',') url.remove_suffix(1);
    } else {
      pos = tokenize_descriptors(s, pos, descriptors);
    }
    srcset_candidate candidate{url, std::nullopt, std::nullopt, std::nullopt};
    if (parse_descriptors(descriptors, candidate)) {
      result.candidates.push_back(candidate);
    } else {
      std::string_view text = s.substr(url_begin, pos - url_begin);
      while (!text.empty() && (text.back() == ',' || is_ascii_whitespace(text.back()))) {
        text.remove_suffix(1);
      }
      result.invalid.push_back(text);
    }
  }
}

std::optional<std::size_t> select_candidate(std::span<const srcset_candidate> candidates,
                                            double device_pixel_ratio, double source_size_px,
                                            std::string_view fallback_1x) noexcept {
  bool any_width = false;
  for (const auto& c : candidates) any_width = any_width || c.width.has_value();
  const std::size_t fallback = candidates.size();
  const std::size_t count = candidates.size() + (fallback_1x.empty() || any_width ? 0 : 1);
  auto density_of = [&](std::size_t i) {
    if (i == fallback) return 1.0;
    const srcset_candidate& c = candidates[i];
    if (c.density) return *c.density;
    if (c.width) {
      // A source size of 0 (sizes="0px") makes every width infinitely dense: the browser then
      // picks the narrowest image, which the smallest-at-or-above rule below also does.
      return source_size_px > 0 ? static_cast<double>(*c.width) / source_size_px
                                : std::numeric_limits<double>::max();
    }
    return 1.0;
  };
  // Strict comparisons keep the first of equal densities, which is the standard's removal of
  // later duplicates without a quadratic search.
  std::optional<std::size_t> at_or_above;  // smallest density >= device_pixel_ratio
  double at_or_above_density = 0;
  std::optional<std::size_t> largest;
  double largest_density = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double d = density_of(i);
    if (d >= device_pixel_ratio && (!at_or_above || d < at_or_above_density)) {
      at_or_above = i;
      at_or_above_density = d;
    }
    if (!largest || d > largest_density) {
      largest = i;
      largest_density = d;
    }
  }
  return at_or_above ? at_or_above : largest;
}

}  // namespace corofetch::html
