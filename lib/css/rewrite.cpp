// Link rewriting for saved stylesheets: the bytes between references are copied untouched, and
// each replaced URL is written in the syntax CSSOM serializes, which the tokenizer reads back
// as the same string (CSS Syntax 4.3.5 and 4.3.7 undo exactly these escapes).
#include <corofetch/css/rewrite.hpp>

#include <fmt/format.h>

#include <iterator>

namespace corofetch::css {

std::string serialize_string(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD, as the tokenizer would read a NUL
    } else if (byte < 0x20 || byte == 0x7F) {
      // A hex escape, ended by a space so that a hex digit after it stays itself.
      fmt::format_to(std::back_inserter(out), "\\{:x} ", byte);
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string serialize_url(std::string_view value) {
  return "url(" + serialize_string(value) + ")";
}

std::string rewrite_css(std::string_view css, std::span<const reference> refs,
                        const replacement_function& replace) {
  std::string out;
  out.reserve(css.size());
  std::size_t copied = 0;  // css[0, copied) is in out
  for (const reference& r : refs) {
    if (r.begin < copied || r.begin > r.end || r.end > css.size()) continue;
    const std::optional<std::string> replacement = replace(r);
    if (!replacement) continue;
    out.append(css.substr(copied, r.begin - copied));
    out += r.syntax == url_syntax::url_token ? serialize_url(*replacement)
                                             : serialize_string(*replacement);
    copied = r.end;
  }
  out.append(css.substr(copied));
  return out;
}

result<std::string> rewrite_css_references(std::string_view css, const url::url& base,
                                           const replacement_function& replace,
                                           const reference_options& options) {
  auto found = extract_css_references(css, base, options);
  if (!found) return found.error();
  return rewrite_css(css, found->items, replace);
}

}  // namespace corofetch::css
