#pragma once

#include <corofetch/html/error.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::html {

/// Where in the document an image reference was found.
enum class image_source : std::uint8_t {
  img_src,                ///< <img src> (also <image>, which the parser turns into <img>)
  img_srcset,             ///< a candidate of <img srcset>
  picture_source_srcset,  ///< a candidate of <source srcset> whose parent is <picture>
  input_image,            ///< <input type=image src>
  video_poster,           ///< <video poster>
  link_icon,              ///< <link rel="icon" (also "shortcut icon"), "apple-touch-icon" or
                          ///< "apple-touch-icon-precomposed" href>
  link_preload,           ///< <link rel=preload as=image href>
  link_preload_srcset,    ///< a candidate of <link rel=preload as=image imagesrcset>
  svg_image,              ///< <image href> or <image xlink:href> inside <svg>
  background_attribute,   ///< the legacy background attribute of body, table, thead, tbody,
                          ///< tfoot, tr, td, th (HTML Standard 15.3.3, still honoured)
  img_data_src,           ///< <img data-src>: lazy-loading scripts' attribute (option)
  img_data_srcset,        ///< a candidate of <img data-srcset> (option)
};

/// A short name for a source, e.g. "img srcset", "link icon".
[[nodiscard]] std::string_view to_string(image_source source) noexcept;

/// One image the document names.
struct image {
  /// The absolute URL. Fetch location.href_without_fragment(); two references that differ only
  /// in their fragment are the same image.
  url::url location;
  /// The reference as the attribute gives it: entities decoded, surrounding ASCII whitespace
  /// stripped; for a srcset candidate, the candidate's URL alone.
  std::string reference;
  image_source source = image_source::img_src;
  /// A data: URL: the image is inline, nothing to fetch.
  bool inline_data = false;
  /// The element's width and height attributes, in CSS pixels, when they hold a non-negative
  /// integer (HTML "rules for parsing non-negative integers"; "50%" and "abc" give none).
  std::optional<std::uint32_t> width;
  std::optional<std::uint32_t> height;
  /// The srcset candidate's "w" and "x" descriptors, when it has them.
  std::optional<std::uint32_t> width_descriptor;
  std::optional<double> density_descriptor;
  /// alt of <img> and <input type=image>; nullopt when absent ("" marks a decorative image).
  std::optional<std::string> alt;
  /// The type (MIME type hint) and media attributes of <source> and <link>; empty when absent.
  std::string type;
  std::string media;
  /// How many times the document names this URL (fragment ignored) when duplicates are merged;
  /// always 1 otherwise.
  std::size_t occurrences = 1;
};

/// Why a reference is listed in extraction::skipped instead of extraction::images.
enum class skip_reason : std::uint8_t {
  empty_reference,           ///< src="" or only whitespace: browsers request nothing
  unparsable_url,            ///< the URL parser failed; skipped_reference::error says why
  unsupported_scheme,        ///< not http, https or data (javascript:, mailto:, ftp:, file:, ...)
  data_url_excluded,         ///< a data: URL, with data_url_policy::skip
  invalid_srcset_candidate,  ///< dropped by "parse a srcset attribute" (bad descriptors)
};

/// A short name for a reason, e.g. "unsupported scheme".
[[nodiscard]] std::string_view to_string(skip_reason reason) noexcept;

/// A reference that names no image to fetch; every occurrence is listed.
struct skipped_reference {
  std::string reference;  ///< as written (a srcset candidate with its descriptors if invalid)
  image_source source = image_source::img_src;
  skip_reason reason = skip_reason::empty_reference;
  std::error_code error;  ///< for unparsable_url: the corofetch.url error
};

/// Which srcset candidates become images.
enum class srcset_policy : std::uint8_t {
  every_candidate,  ///< every valid candidate, every <picture> source: what a crawler wants
  browser_choice,   ///< only the image a browser would load (see select_candidate), given
                    ///< device_pixel_ratio and viewport: one per <img>/<picture>/preload;
                    ///< single-URL sources (icons, posters, ...) are always reported
};

enum class data_url_policy : std::uint8_t {
  report,  ///< data: URLs are images with inline_data set
  skip,    ///< data: URLs are listed in skipped (data_url_excluded)
};

struct extract_options {
  /// Larger documents fail with errc::input_too_large (the parse tree costs several times the
  /// input in memory).
  std::size_t max_input_bytes = std::size_t{16} << 20;
  /// Documents whose elements nest deeper fail with errc::nesting_too_deep, as do documents
  /// whose tags, summed over every start and end tag, meet more than 32 open elements per
  /// input byte (plus 2^20). gumbo's tree construction walks the stack of open elements for
  /// many tags: unbounded, 100,000 nested <div> take 30 s. A linear pre-scan models that stack
  /// (erring towards deeper) before parsing. Blink's parser stops nesting at a depth of 512,
  /// so real pages stay far below 1024.
  std::size_t max_nesting_depth = 1024;
  /// At most this many images; the rest are dropped and extraction::truncated is set.
  std::size_t max_images = 10'000;
  /// At most this many skipped references; the rest are dropped and truncated is set.
  std::size_t max_skipped = 10'000;
  srcset_policy srcset = srcset_policy::every_candidate;
  /// For browser_choice: the device pixel ratio and viewport (CSS pixels) that <picture>
  /// media, sizes and "w" descriptors are evaluated against.
  double device_pixel_ratio = 1.0;
  double viewport_width = 1280;
  double viewport_height = 800;
  /// Report one image per URL (fragment ignored), at its first place, with occurrences.
  bool merge_duplicates = true;
  data_url_policy data_urls = data_url_policy::report;
  /// Also read <img data-src> and <img data-srcset>, the attributes lazy-loading scripts turn
  /// into src and srcset. Off by default: a browser without those scripts loads nothing there.
  bool lazy_attributes = false;
  /// Also read inside <noscript>. Off by default: browsers run scripts and then never load
  /// what noscript holds (the parser, scripting off, still builds it as markup).
  bool include_noscript = false;
  /// Also read inside <template>. Off by default: template content is inert in browsers.
  bool include_template = false;
};

/// What a document says about its images.
struct extraction {
  std::vector<image> images;               ///< in document order
  std::vector<skipped_reference> skipped;  ///< in document order
  /// The document base URL every reference was resolved against: the first <base href> (if it
  /// parses and is not data: or javascript:), else the document URL.
  url::url base;
  /// The first <title>'s text, whitespace stripped and collapsed (document.title).
  std::string title;
  /// The encoding label the first <meta charset> or <meta http-equiv=content-type content=
  /// "...; charset=X"> declares, as written (not validated, nothing transcoded); empty if none.
  std::string declared_charset;
  /// True when max_images or max_skipped cut the lists short.
  bool truncated = false;
};

/// Finds the images an HTML document names, as a browser would request them (HTML Standard
/// 4.8.4 images, 4.8.3 picture, 4.10.5.1.18 image button, 4.8.9 video poster, 4.2.4 link
/// icon/preload, 4.2.3 base; SVG 2 image), resolving each against the document base URL with
/// the WHATWG URL parser. `html` is parsed as HTML5 by gumbo, as UTF-8 (invalid sequences
/// become U+FFFD; nothing is transcoded); elements order the result; within an element, src
/// comes before srcset. Only http, https and data: URLs become images; every other reference is
/// in skipped with its reason. Errors (corofetch.html): input_too_large, nesting_too_deep
/// (checked by a linear pre-scan before parsing), invalid_options, parser_failed. Pure and
/// synchronous: no I/O, nothing to cancel; never throws except std::bad_alloc. The document tree is
/// walked once, without recursion.
[[nodiscard]] result<extraction> extract_images(std::string_view html, const url::url& document_url,
                                                const extract_options& options = {});

}  // namespace corofetch::html
