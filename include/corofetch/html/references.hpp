#pragma once

#include <corofetch/html/error.hpp>
#include <corofetch/html/images.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::html {

/// What a reference is for: the element and attribute, or the <link rel> token, that names it.
enum class reference_kind : std::uint8_t {
  hyperlink,      ///< <a href>, <area href>, SVG <a href> (or xlink:href): a page to crawl
  frame,          ///< <iframe src>, <frame src>: a document loaded into the page
  stylesheet,     ///< <link rel=stylesheet href>
  icon,           ///< <link rel=icon href> (also "shortcut icon", "apple-touch-icon",
                  ///< "apple-touch-icon-precomposed"); reference::image is link_icon
  alternate,      ///< <link rel=alternate href>: a translation, a feed, another format
  next,           ///< <link rel=next href>
  prev,           ///< <link rel=prev href> (also the old synonym "previous")
  canonical,      ///< <link rel=canonical href>
  preload,        ///< <link rel=preload href>, with reference::as; for as=image (on a link
                  ///< that is not also an icon) also each imagesrcset candidate, and
                  ///< reference::image is set
  modulepreload,  ///< <link rel=modulepreload href>
  manifest,       ///< <link rel=manifest href>
  script,         ///< <script src> (HTML namespace) of a type browsers run (HTML Standard
                  ///< 4.12.1.1); reference::module for type=module. Data blocks
                  ///< (application/ld+json, text/template, ...) and importmaps are not fetched
                  ///< and not reported
  image,          ///< every image extract_images reports other than icons and image
                  ///< preloads; reference::image says where (img src, srcset, poster, ...)
  media,          ///< <video src>, <audio src>, and <source src> inside video or audio
  track,          ///< <track src> inside video or audio (subtitles, captions, chapters)
  embed,          ///< <embed src>
  object,         ///< <object data>; the last kind (reference_kinds::all() counts on it)
};

/// A short name for a kind, e.g. "hyperlink", "modulepreload".
[[nodiscard]] std::string_view to_string(reference_kind kind) noexcept;

/// A set of reference kinds; the default-constructed set is empty.
class reference_kinds {
 public:
  constexpr reference_kinds() noexcept = default;
  constexpr reference_kinds(std::initializer_list<reference_kind> kinds) noexcept {
    for (const reference_kind k : kinds) insert(k);
  }
  /// Every kind.
  [[nodiscard]] static constexpr reference_kinds all() noexcept {
    reference_kinds k;
    k.bits_ = (std::uint32_t{1} << (static_cast<unsigned>(reference_kind::object) + 1)) - 1;
    return k;
  }
  /// What a crawler follows: hyperlinks and frames.
  [[nodiscard]] static constexpr reference_kinds crawl() noexcept {
    return {reference_kind::hyperlink, reference_kind::frame};
  }
  /// What a browser fetches to show the page: stylesheets, icons, preloads, module preloads,
  /// manifests, scripts, images, media, tracks, embeds, objects and frames.
  [[nodiscard]] static constexpr reference_kinds requisites() noexcept {
    return {reference_kind::frame,   reference_kind::stylesheet,    reference_kind::icon,
            reference_kind::preload, reference_kind::modulepreload, reference_kind::manifest,
            reference_kind::script,  reference_kind::image,         reference_kind::media,
            reference_kind::track,   reference_kind::embed,         reference_kind::object};
  }
  [[nodiscard]] constexpr bool contains(reference_kind k) const noexcept {
    return (bits_ & bit(k)) != 0;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr reference_kinds& insert(reference_kind k) noexcept {
    bits_ |= bit(k);
    return *this;
  }
  constexpr reference_kinds& erase(reference_kind k) noexcept {
    bits_ &= ~bit(k);
    return *this;
  }
  friend constexpr bool operator==(reference_kinds, reference_kinds) noexcept = default;

 private:
  static constexpr std::uint32_t bit(reference_kind k) noexcept {
    return std::uint32_t{1} << static_cast<unsigned>(k);
  }
  std::uint32_t bits_ = 0;
};

/// Where something is written in the document's bytes, for rewriting it in place (a saved
/// copy's links, wget --convert-links).
struct source_range {
  std::size_t begin = 0;  ///< byte offsets in the input; both 0 when unknown
  std::size_t end = 0;
  /// The bytes in [begin, end) are the text itself. False when the attribute holds character
  /// references (&amp; ...): then the range is the whole attribute value as written, quotes
  /// excluded.
  bool exact = false;
};

/// CSS written in the document itself (reference_options::include_styles).
struct inline_style {
  /// A style attribute's value (character references decoded), or a <style> element's text.
  std::string text;
  /// A style attribute (a declaration list, CSS Style Attributes), else a <style> element (a
  /// stylesheet).
  bool attribute = false;
  source_range source;
};

/// One URL the document names.
struct reference {
  /// The absolute URL: http or https (data: only with data_url_policy::report, then
  /// inline_data is set). Fetch location.href_without_fragment(), which is also the key for a
  /// crawler's seen-set (url::fingerprint).
  url::url location;
  /// The reference as the attribute gives it: entities decoded, surrounding ASCII whitespace
  /// stripped; for a srcset candidate, the candidate's URL alone.
  std::string text;
  reference_kind kind = reference_kind::hyperlink;
  /// Where extract_images would report this image from; set for kind image, for icon, and for
  /// a preload with as=image; nullopt otherwise.
  std::optional<image_source> image;
  /// For a <link>: every kind its rel tokens name ("alternate stylesheet" gives two references,
  /// each carrying both kinds; a browser does not apply an alternate stylesheet by default).
  /// Empty for other elements.
  reference_kinds rel;
  /// For a preload: the as attribute, ASCII-lowercased ("style", "script", "font", "image").
  std::string as;
  /// The type attribute (a MIME type hint) of link, script, source, embed, object, as written.
  std::string type;
  /// The media attribute of link and source, as written.
  std::string media;
  /// A hyperlink whose rel holds "nofollow" (HTML Standard 4.6.7, link type "nofollow"): the author
  /// does not endorse the target. The page-wide robots nofollow is references::nofollow.
  bool nofollow = false;
  /// A <script type=module>: fetched as a module script, with CORS.
  bool module = false;
  /// A data: URL: the content is inline, nothing to fetch.
  bool inline_data = false;
  /// Where the reference is written: the URL's own bytes (a srcset candidate's alone) when
  /// exact, else its whole attribute value.
  source_range source;
};

/// A reference that names nothing to fetch; every occurrence is listed.
struct reference_skip {
  /// As written: stripped of surrounding whitespace; a srcset candidate with its descriptors
  /// when invalid. For unsupported_scheme, the scheme is the text before the first ':'.
  std::string text;
  reference_kind kind = reference_kind::hyperlink;
  std::optional<image_source> image;  ///< as in reference
  skip_reason reason = skip_reason::empty_reference;
  std::error_code error;  ///< for unparsable_url: the corofetch.url error
};

struct reference_options {
  /// Which kinds to collect. Elements of other kinds are not even recorded by the walk, so
  /// reference_kinds::crawl() builds no image records and parses no srcset.
  reference_kinds kinds = reference_kinds::all();
  /// As extract_options::max_input_bytes: larger documents fail with errc::input_too_large.
  std::size_t max_input_bytes = std::size_t{16} << 20;
  /// As extract_options::max_nesting_depth: deeper documents fail with errc::nesting_too_deep.
  std::size_t max_nesting_depth = 1024;
  /// At most this many references; the rest are dropped and references::truncated is set.
  std::size_t max_references = 100'000;
  /// At most this many skipped references; the rest are dropped and truncated is set.
  std::size_t max_skipped = 10'000;
  /// data: URLs name nothing to fetch: skipped by default (data_url_excluded); with report
  /// they are references with inline_data set.
  data_url_policy data_urls = data_url_policy::skip;
  /// Also read <img data-src> and <img data-srcset> (see extract_options).
  bool lazy_attributes = false;
  /// Also read inside <noscript>: what a client that runs no scripts sees (search engines
  /// follow links there). Off by default, as for extract_images.
  bool include_noscript = false;
  /// Also read inside <template>. Off by default: template content is inert in browsers.
  bool include_template = false;
  /// A crawler's own meta name (e.g. "corofetchbot"): <meta name=corofetchbot content=...> is
  /// then obeyed like <meta name=robots>. Compared ASCII case-insensitively; empty for none.
  std::string robots_name;
  /// Also collect inline CSS: style attributes and <style> elements outside template and
  /// noscript content (references::styles), for a page load that reads their url()s.
  bool include_styles = false;
  /// Find the references with the link scanner, which reads the markup without building a tree,
  /// when it gives the same result as the full parse: kinds among hyperlink and frame (what
  /// reference_kinds::crawl() asks), without include_styles. Pages whose tree the scanner does
  /// not model (content foster-parented out of a table, misnested formatting elements around a
  /// block, frameset, MathML, HTML inside SVG, template contents with table cells, a NUL byte,
  /// invalid UTF-8 in a value it reads, ...) are parsed in full all the same
  /// (references::path and fallback_reason say which). False always parses the whole tree.
  bool scan = true;
};

/// How extract_references read a document; the result is the same whichever it was.
enum class extraction_path : std::uint8_t {
  parsed,     ///< gumbo's full parse and one walk of the tree: the options need it, or scan is off
  scanned,    ///< the link scanner, without a tree
  fell_back,  ///< the scanner met markup it does not model; then the full parse
};

/// A short name for a path: "parsed", "scanned", "fell back".
[[nodiscard]] std::string_view to_string(extraction_path path) noexcept;

/// What a document names, and what it asks of crawlers.
struct references {
  std::vector<reference> items;         ///< in document order, every occurrence
  std::vector<reference_skip> skipped;  ///< in document order
  /// With reference_options::include_styles: the inline CSS, in document order.
  std::vector<inline_style> styles;
  /// The document base URL every reference was resolved against: the first <base href> (if it
  /// parses and is not data: or javascript:), else the document URL.
  url::url base;
  /// The first <title>'s text, whitespace stripped and collapsed (document.title).
  std::string title;
  /// <meta name=robots> (or options' robots_name) said noindex or none: do not index the page.
  bool noindex = false;
  /// <meta name=robots> said nofollow or none: follow none of the page's hyperlinks.
  bool nofollow = false;
  /// True when max_references or max_skipped cut the lists short.
  bool truncated = false;
  /// How the document was read.
  extraction_path path = extraction_path::parsed;
  /// For extraction_path::fell_back, why, e.g. "table", "select", "misnested formatting
  /// element" (a string with static storage); empty otherwise.
  std::string_view fallback_reason;
};

/// How many extract_references calls (that did not fail) took each path, in this process since
/// it started; for a crawler's statistics. Thread-safe.
struct extraction_counts {
  std::uint64_t parsed = 0;
  std::uint64_t scanned = 0;
  std::uint64_t fell_back = 0;
};
[[nodiscard]] extraction_counts extraction_statistics() noexcept;

/// Finds every URL an HTML document names that a crawler or a page load needs, in one walk of
/// the parsed tree, keeping the kinds options.kinds selects: hyperlinks (HTML Standard 4.6
/// links: a, area), frames (4.8.5 iframe; obsolete frame), link types (4.6.7: stylesheet, icon,
/// alternate, next, prev, canonical, preload with as, modulepreload, manifest; one reference
/// per rel token a link names), scripts (4.12.1), every image extract_images finds (srcset:
/// every candidate; duplicates kept), media and track sources (4.8.11), embed and object data
/// (4.8.6, 4.8.7). References resolve against the document base URL (4.2.3, the first <base
/// href>) with the WHATWG URL parser. Only http and https URLs (and data: on request) become
/// items; javascript:, mailto:, tel:, ftp:, file: and every other scheme are listed in skipped
/// as unsupported_scheme, as are empty and unparsable references: a crawler fetches items only.
/// Reads <meta name=robots content> (noindex, nofollow, none; commas or spaces between;
/// ASCII case-insensitive; every robots meta counts) and rel=nofollow per hyperlink.
/// With reference_options::scan (the default) and only hyperlinks and frames asked for, a
/// tokenizer-level scanner finds the same result without building the tree, and hands pages
/// it does not model to the full parse (references::path).
/// Errors (corofetch.html): input_too_large, nesting_too_deep (a linear pre-scan before
/// parsing), parser_failed. Pure and synchronous: no I/O, nothing to cancel; never throws except
/// std::bad_alloc.
[[nodiscard]] result<references> extract_references(std::string_view html,
                                                    const url::url& document_url,
                                                    const reference_options& options = {});

}  // namespace corofetch::html
