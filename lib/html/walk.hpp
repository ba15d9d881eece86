#pragma once
// The single walk over gumbo's tree: which elements name images, and the document facts (base,
// title, charset) that resolution needs. Internal to the html module; the only code besides
// images.cpp that sees gumbo.h.

#include <corofetch/html/images.hpp>

#include <gumbo.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::html {

/// The kinds of element that can name an image; resolution reads their attributes.
enum class element_kind : std::uint8_t {
  img,             // src, srcset (sizes), data-src, data-srcset
  picture_source,  // <source> whose parent is <picture>: srcset, sizes, media, type
  input_image,     // src
  video,           // poster
  link_icon,       // href
  link_preload,    // href, imagesrcset, imagesizes (as=image)
  svg_image,       // href, xlink:href
  background,      // background
};

struct element_ref {
  const GumboNode* node;
  element_kind kind;
};

struct document_facts {
  std::vector<element_ref> elements;          // in document order
  std::optional<std::string_view> base_href;  // the first <base href> value, as written
  std::string title;
  std::string declared_charset;
};

/// Walks the tree under `document` once, iteratively (any depth), in document order.
[[nodiscard]] document_facts walk_document(const GumboNode* document,
                                           const extract_options& options);

/// An attribute's value (entities decoded by gumbo), or nullopt when absent. Names are
/// lowercase, as gumbo stores them for HTML elements.
[[nodiscard]] std::optional<std::string_view> attribute(const GumboNode* element,
                                                        const char* name) noexcept;

/// True for an HTML-namespace element whose tag name, known to gumbo or not, is `name`
/// (lowercase). gumbo 0.10 has no enum value for newer elements such as picture.
[[nodiscard]] bool is_html_element(const GumboNode* node, std::string_view name) noexcept;

/// The charset an http-equiv content value names (HTML Standard "extracting a character
/// encoding from a meta element"), or nullopt.
[[nodiscard]] std::optional<std::string_view> charset_from_content(std::string_view content);

}  // namespace corofetch::html
