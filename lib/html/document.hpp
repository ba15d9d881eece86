#pragma once
// What extract_images and extract_references share before and after the walk: the bounded parse
// with gumbo, and the document base URL. Internal to the html module.

#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <gumbo.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

namespace corofetch::html {

struct gumbo_output_deleter {
  void operator()(GumboOutput* output) const noexcept;
};

/// A parsed document; the tree lives as long as this.
using parsed_html = std::unique_ptr<GumboOutput, gumbo_output_deleter>;

/// The bounds parse_html checks before parsing, for a caller that reads the document another
/// way but must fail exactly where parse_html would: errc::input_too_large, errc::nesting_too_deep.
[[nodiscard]] std::error_code check_bounds(std::string_view html, std::size_t max_input_bytes,
                                           std::size_t max_nesting_depth);

/// Parses `html` as HTML5 after checking its bounds (check_bounds): errc::input_too_large over
/// `max_input_bytes` (or 2^32 - 1, gumbo's offsets), errc::nesting_too_deep when the linear
/// pre-scan (nesting.hpp) finds elements nested deeper than `max_nesting_depth` or a tree
/// construction cost over 32 open elements per input byte plus 2^20; errc::parser_failed when
/// gumbo returns no document.
[[nodiscard]] result<parsed_html> parse_html(std::string_view html, std::size_t max_input_bytes,
                                             std::size_t max_nesting_depth);

/// HTML Standard 4.2.3 "document base URL": the first base element with an href, resolved
/// against the document URL; one that fails to parse, or is data: or javascript:, leaves the
/// document URL in place.
[[nodiscard]] url::url document_base(std::optional<std::string_view> base_href,
                                     const url::url& document_url);

}  // namespace corofetch::html
