#pragma once
// What a fetched document or stylesheet names for a page load: the references to queue, each
// with its kind and where it was named, and the ones left out. Pure; internal to the page module.

#include <corofetch/css/references.hpp>
#include <corofetch/page/loader.hpp>
#include <corofetch/url/url.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::page::detail {

struct found_reference {
  url::url location;
  resource_kind kind = resource_kind::image;
  std::string source;
};

struct discovery {
  std::vector<found_reference> items;  ///< in the order named, duplicates kept
  std::vector<page::skipped_reference> skipped;
  std::size_t inline_data = 0;  ///< data: URLs
  std::string title;            ///< HTML only
  std::error_code error;        ///< the document or stylesheet could not be read
  bool truncated = false;       ///< an extraction bound cut the lists short
};

/// Whether a response is a document to look into: HTML by its Content-Type, or one without any
/// (browsers sniff those; a page without a type is almost always HTML).
[[nodiscard]] bool is_html(const resource& r);

/// The requisites an HTML document (the page, or a frame) names, as `options` asks: images only,
/// or every kind, with the url()s and @imports of its <style> elements and style attributes.
[[nodiscard]] discovery discover_html(std::string_view html, const url::url& url,
                                      const load_options& options);

/// What a stylesheet names: @import (stylesheets), fonts, images, other url()s. `source` says
/// what the text is; `prefix` starts each reference's source name ("css", "style attribute").
void discover_css(std::string_view css, const url::url& base, css::source_kind source,
                  std::string_view prefix, discovery& out);

}  // namespace corofetch::page::detail
