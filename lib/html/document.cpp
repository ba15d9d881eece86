// The bounded parse shared by every extraction, and the document base URL.
#include "html/document.hpp"

#include <corofetch/html/error.hpp>

#include "html/nesting.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace corofetch::html {
namespace {

const GumboOptions& parse_options() noexcept {
  static const GumboOptions options = [] {
    GumboOptions o = kGumboDefaultOptions;
    o.max_errors = 0;  // parse errors are not reported: recording them only costs memory
    return o;
  }();
  return options;
}

// How many times `c` occurs in `s`, counting no further than `limit`.
std::uint64_t count_up_to(std::string_view s, char c, std::uint64_t limit) noexcept {
  std::uint64_t n = 0;
  const char* p = s.data();
  const char* const end = s.data() + s.size();
  while (n < limit && p != end) {
    p = static_cast<const char*>(std::memchr(p, c, static_cast<std::size_t>(end - p)));
    if (p == nullptr) break;
    ++n;
    ++p;
  }
  return n;
}

}  // namespace

void gumbo_output_deleter::operator()(GumboOutput* output) const noexcept {
  gumbo_destroy_output(&parse_options(), output);
}

std::error_code check_bounds(std::string_view html, std::size_t max_input_bytes,
                             std::size_t max_nesting_depth) {
  // gumbo addresses its input with 32-bit offsets.
  if (html.size() > max_input_bytes || html.size() > std::uint32_t{0xFFFFFFFF}) {
    return errc::input_too_large;
  }
  const std::uint64_t work_limit = std::uint64_t{32} * html.size() + (std::uint64_t{1} << 20);
  // The pre-scan's depth is at most its number of start tags and its work at most the number of
  // tags times that depth: a document with fewer '<' than the depth limit, whose square is
  // within the work limit, passes without it (most small pages).
  const std::uint64_t tags = count_up_to(
      html, '<', std::min<std::uint64_t>(max_nesting_depth, std::uint64_t{1} << 31) + 1);
  if (tags <= max_nesting_depth && tags < (std::uint64_t{1} << 31) && tags * tags <= work_limit) {
    return {};
  }
  const nesting_estimate nesting = estimate_nesting(html, max_nesting_depth, work_limit);
  if (nesting.max_depth > max_nesting_depth || nesting.work > work_limit) {
    return errc::nesting_too_deep;
  }
  return {};
}

result<parsed_html> parse_html(std::string_view html, std::size_t max_input_bytes,
                               std::size_t max_nesting_depth) {
  if (const std::error_code ec = check_bounds(html, max_input_bytes, max_nesting_depth)) {
    return ec;
  }
  const char* data = html.empty() ? "" : html.data();
  parsed_html output(gumbo_parse_with_options(&parse_options(), data, html.size()));
  if (!output || output->document == nullptr) return errc::parser_failed;
  return output;
}

url::url document_base(std::optional<std::string_view> base_href, const url::url& document_url) {
  if (!base_href) return document_url;
  auto parsed = url::parse(*base_href, document_url);
  if (!parsed || parsed->scheme() == "data" || parsed->scheme() == "javascript") {
    return document_url;
  }
  return std::move(*parsed);
}

}  // namespace corofetch::html
