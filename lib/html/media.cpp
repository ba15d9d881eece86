// A small evaluator for media queries and sizes (see media.hpp for the subset). Malformed input
// never throws: every parse step returns std::nullopt and the query then does not match.
#include "html/media.hpp"

#include "html/text.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <system_error>

namespace corofetch::html {
namespace {

constexpr int max_nesting = 16;

// A CSS <number> at the start of `s`; advances past it.
std::optional<double> take_number(std::string_view& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t digits_from = i;
  while (i < s.size() && (is_ascii_digit(s[i]) || s[i] == '.')) ++i;
  if (i == digits_from) return std::nullopt;
  if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'E') &&
      (is_ascii_digit(s[i + 1]) || s[i + 1] == '+' || s[i + 1] == '-')) {
    i += 2;
    while (i < s.size() && is_ascii_digit(s[i])) ++i;
  }
  std::string_view text = s.substr(0, i);
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  s.remove_prefix(i);
  return value;
}

// A CSS <length> (the whole of `s`) in CSS pixels.
std::optional<double> parse_length(std::string_view s, const viewport& v) {
  s = strip_ascii_whitespace(s);
  const auto number = take_number(s);
  if (!number) return std::nullopt;
  if (s.empty()) return *number == 0 ? std::optional<double>(0.0) : std::nullopt;
  struct unit {
    std::string_view name;
    double px;
  };
  const unit units[] = {{"px", 1},
                        {"em", 16},
                        {"rem", 16},
                        {"vw", v.width / 100},
                        {"vh", v.height / 100},
                        {"vmin", std::min(v.width, v.height) / 100},
                        {"vmax", std::max(v.width, v.height) / 100},
                        {"in", 96},
                        {"cm", 96 / 2.54},
                        {"mm", 96 / 25.4},
                        {"q", 96 / 101.6},
                        {"pt", 96.0 / 72},
                        {"pc", 16}};
  for (const unit& u : units) {
    if (ascii_iequals(s, u.name)) return *number * u.px;
  }
  return std::nullopt;
}

// A CSS <resolution> in dots per CSS pixel (dppx).
std::optional<double> parse_resolution(std::string_view s) {
  s = strip_ascii_whitespace(s);
  const auto number = take_number(s);
  if (!number) return std::nullopt;
  if (ascii_iequals(s, "dppx") || ascii_iequals(s, "x")) return *number;
  if (ascii_iequals(s, "dpi")) return *number / 96;
  if (ascii_iequals(s, "dpcm")) return *number * 2.54 / 96;
  return std::nullopt;
}

bool compare(double actual, std::string_view op, double expected) {
  if (op == "<") return actual < expected;
  if (op == "<=") return actual <= expected;
  if (op == ">") return actual > expected;
  if (op == ">=") return actual >= expected;
  return actual == expected;  // "=" and the plain "name: value" form
}

// One media feature, the text between its parentheses: "min-width: 600px", "width >= 40em",
// "orientation: landscape". Unknown or malformed: false.
bool evaluate_feature(std::string_view text, const viewport& v) {
  std::size_t split = text.find_first_of(":<>=");
  if (split == std::string_view::npos) return false;  // boolean context: not supported
  std::string_view name = strip_ascii_whitespace(text.substr(0, split));
  std::string_view op = ":";
  std::size_t value_from = split + 1;
  if (text[split] != ':') {
    value_from = split + 1;
    if (value_from < text.size() && text[value_from] == '=') ++value_from;
    op = text.substr(split, value_from - split);
  }
  const std::string_view value = strip_ascii_whitespace(text.substr(value_from));
  std::string_view prefix;
  if (op == ":" && (name.starts_with("min-") || name.starts_with("max-"))) {
    prefix = name.substr(0, 4);
    name.remove_prefix(4);
  }
  if (op == ":") op = prefix == "min-" ? ">=" : prefix == "max-" ? "<=" : "=";
  if (name.starts_with("-webkit-min-") || name.starts_with("-webkit-max-")) {
    op = name[9] == 'i' ? ">=" : "<=";
    name = name.substr(12);
  } else if (name.starts_with("-webkit-")) {
    name.remove_prefix(8);
  }
  if (name == "width" || name == "height") {
    const auto length = parse_length(value, v);
    return length && compare(name == "width" ? v.width : v.height, op, *length);
  }
  if (name == "resolution") {
    const auto dppx = parse_resolution(value);
    return dppx && compare(v.pixel_ratio, op, *dppx);
  }
  if (name == "device-pixel-ratio") {
    std::string_view rest = value;
    const auto ratio = take_number(rest);
    return ratio && rest.empty() && compare(v.pixel_ratio, op, *ratio);
  }
  if (op != "=") return false;
  if (name == "orientation") {
    return ascii_iequals(value, v.height >= v.width ? "portrait" : "landscape");
  }
  if (name == "prefers-color-scheme") return ascii_iequals(value, "light");
  if (name == "prefers-reduced-motion") return ascii_iequals(value, "no-preference");
  return false;
}

// Recursive descent over a media condition, its nesting bounded by max_nesting.
class condition_parser {
 public:
  condition_parser(std::string_view s, const viewport& v) : s_(s), v_(v) {}

  // A media condition; nullopt when malformed.
  std::optional<bool> condition(int depth) {
    if (depth > max_nesting) return std::nullopt;
    skip_whitespace();
    if (take_keyword("not")) {
      const auto r = in_parens(depth);
      if (!r) return std::nullopt;
      return !*r;
    }
    auto r = in_parens(depth);
    if (!r) return std::nullopt;
    for (;;) {
      skip_whitespace();
      const bool is_and = take_keyword("and");
      if (!is_and && !take_keyword("or")) return r;
      const auto next = in_parens(depth);
      if (!next) return std::nullopt;
      r = is_and ? (*r && *next) : (*r || *next);
    }
  }

  bool take_keyword(std::string_view word) {
    skip_whitespace();
    if (s_.size() < word.size() || !ascii_iequals(s_.substr(0, word.size()), word)) return false;
    if (s_.size() > word.size() && !is_ascii_whitespace(s_[word.size()]) &&
        s_[word.size()] != '(') {
      return false;  // a longer identifier
    }
    s_.remove_prefix(word.size());
    return true;
  }

  std::string_view take_identifier() {
    skip_whitespace();
    std::size_t i = 0;
    while (i < s_.size() && !is_ascii_whitespace(s_[i]) && s_[i] != '(' && s_[i] != ')') ++i;
    const std::string_view word = s_.substr(0, i);
    s_.remove_prefix(i);
    return word;
  }

  bool at_end() {
    skip_whitespace();
    return s_.empty();
  }
  bool at_open_paren() {
    skip_whitespace();
    return !s_.empty() && s_.front() == '(';
  }

 private:
  void skip_whitespace() {
    while (!s_.empty() && is_ascii_whitespace(s_.front())) s_.remove_prefix(1);
  }

  std::optional<bool> in_parens(int depth) {
    skip_whitespace();
    if (s_.empty() || s_.front() != '(') return std::nullopt;
    s_.remove_prefix(1);
    skip_whitespace();
    if (!s_.empty() &&
        (s_.front() == '(' || (s_.size() > 3 && ascii_iequals(s_.substr(0, 4), "not ")))) {
      const auto r = condition(depth + 1);
      skip_whitespace();
      if (!r || s_.empty() || s_.front() != ')') return std::nullopt;
      s_.remove_prefix(1);
      return r;
    }
    // A feature, or general-enclosed text such as "(foo(bar))": up to the matching ')'.
    int open = 1;
    std::size_t i = 0;
    for (; i < s_.size() && open > 0; ++i) {
      if (s_[i] == '(') ++open;
      if (s_[i] == ')') --open;
    }
    if (open > 0) return std::nullopt;
    const std::string_view feature = s_.substr(0, i - 1);
    s_.remove_prefix(i);
    return feature.find('(') == std::string_view::npos && evaluate_feature(feature, v_);
  }

  std::string_view s_;
  const viewport& v_;
};

bool query_matches(std::string_view query, const viewport& v) {
  condition_parser p(query, v);
  if (p.at_end()) return false;  // an empty query in a list ("a, , b") is "not all"
  if (p.at_open_paren() || (p.take_keyword("not") && p.at_open_paren())) {
    // A bare media condition (the "not" was consumed only when a condition follows).
    condition_parser again(query, v);
    const auto r = again.condition(0);
    return r && again.at_end() && *r;
  }
  condition_parser q(query, v);
  bool negate = false;
  if (q.take_keyword("not")) {
    negate = true;
  } else {
    (void)q.take_keyword("only");
  }
  const std::string_view type = q.take_identifier();
  bool matches = ascii_iequals(type, "all") || ascii_iequals(type, "screen");
  if (!matches && !ascii_iequals(type, "print") && !ascii_iequals(type, "tv") &&
      !ascii_iequals(type, "speech")) {
    return false;  // not a media type: malformed
  }
  if (q.take_keyword("and")) {
    const auto r = q.condition(0);
    if (!r) return false;
    matches = matches && *r;
  }
  if (!q.at_end()) return false;
  return negate ? !matches : matches;
}

// Splits on commas outside parentheses, calling f with each piece.
template <class F>
void for_each_top_level(std::string_view s, F f) {
  int depth = 0;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (s[i] == ',' && depth == 0)) {
      if (f(s.substr(from, i - from))) return;
      from = i + 1;
    } else if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')' && depth > 0) {
      --depth;
    }
  }
}

}  // namespace

bool media_matches(std::string_view media_query_list, const viewport& v) noexcept {
  if (strip_ascii_whitespace(media_query_list).empty()) return true;
  bool matches = false;
  for_each_top_level(media_query_list, [&](std::string_view query) {
    matches = query_matches(query, v);
    return matches;
  });
  return matches;
}

double source_size(std::string_view sizes, const viewport& v) noexcept {
  std::optional<double> size;
  for_each_top_level(sizes, [&](std::string_view entry) {
    entry = strip_ascii_whitespace(entry);
    if (entry.empty() || entry.back() == ')') return false;  // empty, or calc()/min()/...: skip
    std::size_t split = entry.size();
    while (split > 0 && !is_ascii_whitespace(entry[split - 1]) && entry[split - 1] != ')') {
      --split;
    }
    const auto length = parse_length(entry.substr(split), v);
    if (!length || *length < 0) return false;
    const std::string_view condition = strip_ascii_whitespace(entry.substr(0, split));
    if (!condition.empty()) {
      condition_parser p(condition, v);
      const auto r = p.condition(0);
      if (!r || !p.at_end() || !*r) return false;
    }
    size = *length;
    return true;
  });
  return size ? *size : v.width;
}

}  // namespace corofetch::html
