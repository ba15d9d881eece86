#pragma once

#include <corofetch/css/error.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::css {

/// What a URL in a stylesheet is for.
enum class reference_kind : std::uint8_t {
  import,  ///< @import: another stylesheet
  image,   ///< an image: url() in background(-image), border-image(-source), list-style(-image),
           ///< content, cursor, mask(-image), mask-border(-source), shape-outside (vendor
           ///< prefixes ignored), and every image-set() argument
  font,    ///< url() in the src descriptor of @font-face
  other,   ///< url() in any other declaration: filter, clip-path, marker (SVG documents),
           ///< behavior, a custom property (--x: url(...)), ...; browsers fetch these only when
           ///< the value is used, a saved copy needs them all
};

/// A short name for a kind, e.g. "import", "font".
[[nodiscard]] std::string_view to_string(reference_kind kind) noexcept;

/// Why a URL is listed in references::skipped instead of references::items.
enum class skip_reason : std::uint8_t {
  empty_url,           ///< url() or url(""): an invalid resource (CSS Values 4, 4.5, "url-empty")
  fragment_only,       ///< url(#id): the document using the stylesheet (CSS Values 4, 4.5,
                       ///< "local-urls")
  bad_url,             ///< an unquoted url() with a quote, space or '(' inside (a bad-url token)
  unparsable_url,      ///< the URL parser failed; reference_skip::error says why
  unsupported_scheme,  ///< not http, https or data
  data_url_excluded,   ///< a data: URL, with reference_options::include_data_urls off
  misplaced_import,    ///< an @import after another rule, inside a block or in a style
                       ///< attribute: browsers ignore it (CSS Cascade 5, 6.1 @import)
};

/// A short name for a reason, e.g. "fragment only".
[[nodiscard]] std::string_view to_string(skip_reason reason) noexcept;

/// How the URL is written, so that a rewrite keeps the syntax (rewrite_css).
enum class url_syntax : std::uint8_t {
  url_token,  ///< url(x) unquoted: [begin, end) covers "url(" to ")"
  string,     ///< "x" or 'x', in url("x"), @import "x" or image-set("x" 1x): [begin, end)
              ///< covers the quotes
};

/// What CSS text is being read.
enum class source_kind : std::uint8_t {
  stylesheet,       ///< a stylesheet file (CSS Syntax 5.3, "parse a stylesheet")
  style_element,    ///< the text of an HTML <style> element: read as a stylesheet
  style_attribute,  ///< an HTML style attribute: a declaration list, no rules (CSS Style
                    ///< Attributes), so @import is misplaced there
};

/// One URL the stylesheet names.
struct reference {
  /// The absolute URL: http or https, or data: with inline_data set. Fetch
  /// location.href_without_fragment().
  url::url location;
  /// The URL as written: the url token's or string's value, escapes decoded.
  std::string text;
  reference_kind kind = reference_kind::image;
  /// The declaration's property or descriptor name, ASCII-lowercased unless it is a custom
  /// property ("background-image", "src", "--hero"); empty for import.
  std::string property;
  /// For import: the rest of the rule after the URL (layer, supports(), media queries), as
  /// written, surrounding whitespace stripped; "" when there is none.
  std::string condition;
  /// The byte range in the input of the token that holds the URL (see url_syntax).
  std::size_t begin = 0;
  std::size_t end = 0;
  url_syntax syntax = url_syntax::url_token;
  /// A data: URL: the content is inline, nothing to fetch.
  bool inline_data = false;
};

/// A URL that names nothing to fetch; every occurrence is listed.
struct reference_skip {
  std::string text;  ///< as reference::text; for bad_url the token's text as written
  reference_kind kind = reference_kind::image;
  std::string property;  ///< as reference::property
  skip_reason reason = skip_reason::empty_url;
  std::error_code error;  ///< for unparsable_url: the corofetch.url error
  std::size_t begin = 0;  ///< the byte range of the token, as reference::begin and end
  std::size_t end = 0;
};

struct reference_options {
  source_kind source = source_kind::stylesheet;
  /// Larger inputs fail with errc::input_too_large.
  std::size_t max_input_bytes = std::size_t{16} << 20;
  /// Blocks, parentheses and functions nested deeper fail with errc::nesting_too_deep.
  std::size_t max_nesting_depth = 1024;
  /// At most this many references; the rest are dropped and references::truncated is set.
  std::size_t max_references = 100'000;
  /// At most this many skipped URLs; the rest are dropped and truncated is set.
  std::size_t max_skipped = 10'000;
  /// data: URLs are items with inline_data set; off, they are skipped (data_url_excluded).
  bool include_data_urls = true;
};

/// What a stylesheet names.
struct references {
  std::vector<reference> items;         ///< in input order, every occurrence
  std::vector<reference_skip> skipped;  ///< in input order
  /// True when max_references or max_skipped cut the lists short.
  bool truncated = false;
};

/// Finds the URLs a stylesheet, a <style> element's text or a style attribute names, reading
/// its tokens once (CSS Syntax 4) with the block structure of CSS Syntax 5 and CSS Nesting
/// (a declaration is a name, a colon and a value; a rule is anything up to a {} block):
/// @import with a url() or a string (the first @imports only, CSS Cascade 5 6.1), and in
/// declarations every url() (quoted or not) and every string argument of image-set() and
/// -webkit-image-set(). URLs in selectors and in other at-rules' preludes (@namespace,
/// @document, @supports) are not fetched by browsers and not reported. Each URL is resolved
/// against `base` (the stylesheet's URL; the document's base URL for <style> and style
/// attributes) with the WHATWG URL parser; only http, https and data: become items, the rest
/// are listed in skipped. Errors (corofetch.css): input_too_large, nesting_too_deep. Pure and
/// synchronous; never throws except std::bad_alloc.
[[nodiscard]] result<references> extract_css_references(std::string_view css, const url::url& base,
                                                        const reference_options& options = {});

}  // namespace corofetch::css
