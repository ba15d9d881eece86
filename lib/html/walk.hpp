#pragma once
// The single walk over gumbo's tree: which elements name something to fetch (images, links,
// frames, scripts, media), and the document facts (base, title, charset, meta robots) that
// resolution needs. The caller says which kinds of element it wants recorded, so extract_images
// and a crawler asking only for hyperlinks pay for nothing else. Internal to the html module.

#include <gumbo.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::html {

/// The kinds of element that name a URL; resolution reads their attributes.
enum class element_kind : std::uint8_t {
  img,             // src, srcset (sizes), data-src, data-srcset
  picture_source,  // <source> whose parent is <picture>: srcset, sizes, media, type
  input_image,     // <input type=image>: src
  video,           // poster, src
  audio,           // src
  media_source,    // <source> whose parent is <video> or <audio>: src, type, media
  track,           // <track> whose parent is <video> or <audio>: src
  link,            // <link>: rel decides (href, imagesrcset, as)
  svg_image,       // href, xlink:href
  background,      // background
  anchor,          // <a>, <area>, SVG <a>: href (SVG: also xlink:href), rel
  frame,           // <frame>, <iframe>: src
  script,          // <script> (HTML namespace): src, type
  embed,           // src
  object,          // data
};

/// A set of element kinds.
using element_mask = std::uint32_t;

constexpr element_mask mask_of(element_kind kind) noexcept {
  return element_mask{1} << static_cast<unsigned>(kind);
}

struct element_ref {
  const GumboNode* node;
  element_kind kind;
};

/// What to look at on the way.
struct walk_options {
  element_mask elements = 0;      // the kinds of element to record
  bool include_noscript = false;  // descend into <noscript> (its content counts as inert)
  bool include_template = false;  // descend into template content (inert)
  bool read_robots = false;       // read <meta name=robots> (and robots_name) directives
  std::string_view robots_name;   // another meta name read like robots; empty for none
  bool read_styles = false;       // record <style> elements and elements with a style attribute
};

struct document_facts {
  std::vector<element_ref> elements;          // in document order
  std::vector<const GumboNode*> styles;       // <style> or style=, in document order (read_styles)
  std::optional<std::string_view> base_href;  // the first <base href> value, as written
  std::string title;
  std::string declared_charset;
  bool noindex = false;  // meta robots said noindex (or none)
  bool nofollow = false;
};

/// Walks the tree under `document` once, iteratively (any depth), in document order.
[[nodiscard]] document_facts walk_document(const GumboNode* document, const walk_options& options);

/// An attribute's value (entities decoded by gumbo), or nullopt when absent. Names are
/// lowercase, as gumbo stores them for HTML elements.
[[nodiscard]] std::optional<std::string_view> attribute(const GumboNode* element,
                                                        const char* name) noexcept;

/// The same for an attribute in a namespace, such as xlink:href.
[[nodiscard]] std::optional<std::string_view> attribute_ns(const GumboNode* element,
                                                           GumboAttributeNamespaceEnum ns,
                                                           const char* name) noexcept;

/// True for an HTML-namespace element whose tag name, known to gumbo or not, is `name`
/// (lowercase). gumbo 0.10 has no enum value for newer elements such as picture.
[[nodiscard]] bool is_html_element(const GumboNode* node, std::string_view name) noexcept;

/// The charset an http-equiv content value names (HTML Standard "extracting a character
/// encoding from a meta element"), or nullopt.
[[nodiscard]] std::optional<std::string_view> charset_from_content(std::string_view content);

/// The directives of a robots meta content value that a crawler obeys: "noindex", "nofollow"
/// and "none" (both), ASCII case-insensitive, separated by commas or whitespace; anything else
/// ("index", "follow", "max-snippet:20", ...) changes nothing.
struct robots_directives {
  bool noindex = false;
  bool nofollow = false;
};
[[nodiscard]] robots_directives parse_robots_content(std::string_view content) noexcept;

}  // namespace corofetch::html
