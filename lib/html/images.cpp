// extract_images: parse with gumbo, walk once (walk.cpp), then resolve each element's
// references in document order against the document base URL.
#include <corofetch/html/images.hpp>
#include <corofetch/html/srcset.hpp>

#include "html/media.hpp"
#include "html/nesting.hpp"
#include "html/text.hpp"
#include "html/walk.hpp"

#include <gumbo.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <unordered_map>

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

struct output_deleter {
  void operator()(GumboOutput* output) const noexcept {
    gumbo_destroy_output(&parse_options(), output);
  }
};

// HTML "rules for parsing non-negative integers", as browsers read width and height: leading
// whitespace, digits, anything after ignored; a percentage is not a pixel count.
std::optional<std::uint32_t> parse_dimension(std::optional<std::string_view> value) {
  if (!value) return std::nullopt;
  std::string_view s = *value;
  while (!s.empty() && is_ascii_whitespace(s.front())) s.remove_prefix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::uint64_t n = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_ascii_digit(s[i]); ++i) {
    n = n * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (n > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  while (i < s.size() && (s[i] == '.' || is_ascii_digit(s[i]))) ++i;
  if (i < s.size() && s[i] == '%') return std::nullopt;
  return static_cast<std::uint32_t>(n);
}

// Image MIME types browsers decode; a <source type> naming another one is passed over.
bool is_supported_image_type(std::string_view type) noexcept {
  type = strip_ascii_whitespace(type.substr(0, type.find(';')));
  for (const std::string_view known :
       {"image/png", "image/apng", "image/jpeg", "image/pjpeg", "image/gif", "image/webp",
        "image/avif", "image/svg+xml", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon"}) {
    if (ascii_iequals(type, known)) return true;
  }
  return false;
}

std::optional<std::string_view> attribute_ns(const GumboNode* element,
                                             GumboAttributeNamespaceEnum ns, const char* name) {
  const GumboVector& attributes = element->v.element.attributes;
  for (unsigned i = 0; i < attributes.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attributes.data[i]);
    if (a->attr_namespace == ns && std::string_view(a->name) == name) {
      return std::string_view(a->value);
    }
  }
  return std::nullopt;
}

// What every image from one element shares.
struct element_details {
  std::optional<std::uint32_t> width;
  std::optional<std::uint32_t> height;
  std::optional<std::string_view> alt;
  std::string_view type;
  std::string_view media;
};

element_details details_of(const GumboNode* node, bool with_alt) {
  element_details d;
  d.width = parse_dimension(attribute(node, "width"));
  d.height = parse_dimension(attribute(node, "height"));
  if (with_alt) d.alt = attribute(node, "alt");
  d.type = attribute(node, "type").value_or(std::string_view());
  d.media = attribute(node, "media").value_or(std::string_view());
  return d;
}

// "Whether a <picture>'s img has been seen, whether one of its sources has been chosen."
struct picture_state {
  bool img_seen = false;
  bool source_chosen = false;
};

class resolver {
 public:
  resolver(const extract_options& options, extraction& out)
      : options_(options),
        out_(out),
        viewport_{options.viewport_width, options.viewport_height, options.device_pixel_ratio} {}

  void element(const element_ref& ref) {
    const GumboNode* node = ref.node;
    switch (ref.kind) {
      case element_kind::img:
        img(node);
        break;
      case element_kind::picture_source:
        picture_source(node);
        break;
      case element_kind::input_image:
        single(attribute(node, "src"), image_source::input_image, details_of(node, true));
        break;
      case element_kind::video:
        single(attribute(node, "poster"), image_source::video_poster, details_of(node, false));
        break;
      case element_kind::link_icon:
        single(attribute(node, "href"), image_source::link_icon, details_of(node, false));
        break;
      case element_kind::link_preload:
        link_preload(node);
        break;
      case element_kind::svg_image: {
        // SVG 2: href wins over the deprecated xlink:href.
        auto href = attribute(node, "href");
        if (!href) href = attribute_ns(node, GUMBO_ATTR_NAMESPACE_XLINK, "href");
        single(href, image_source::svg_image, details_of(node, false));
        break;
      }
      case element_kind::background:
        single(attribute(node, "background"), image_source::background_attribute, {});
        break;
    }
  }

 private:
  bool browser_choice() const noexcept { return options_.srcset == srcset_policy::browser_choice; }

  void img(const GumboNode* node) {
    const element_details d = details_of(node, true);
    bool skip_own_sources = false;
    if (node->parent != nullptr && node->parent->type == GUMBO_NODE_ELEMENT &&
        is_html_element(node->parent, "picture")) {
      picture_state& p = pictures_[node->parent];
      // The picture's first img shows the chosen source, if any, instead of its own; a later
      // img (invalid markup) is treated as a plain img.
      skip_own_sources = browser_choice() && p.source_chosen && !p.img_seen;
      p.img_seen = true;
    }
    const auto sizes = attribute(node, "sizes");
    if (!skip_own_sources) {
      sources(attribute(node, "src"), attribute(node, "srcset"), sizes, image_source::img_src,
              image_source::img_srcset, d);
    }
    if (options_.lazy_attributes && !skip_own_sources) {
      sources(attribute(node, "data-src"), attribute(node, "data-srcset"), sizes,
              image_source::img_data_src, image_source::img_data_srcset, d);
    }
  }

  // HTML Standard 4.8.4.3.3 "update the source set": sources before the picture's img, in
  // order; a browser takes the first whose srcset has a candidate, whose media matches and
  // whose type it decodes.
  void picture_source(const GumboNode* node) {
    picture_state& p = pictures_[node->parent];
    if (p.img_seen) return;  // a source after the img is never a candidate
    const auto srcset_value = attribute(node, "srcset");
    if (!srcset_value) return;
    const element_details d = details_of(node, false);
    const srcset parsed = parse_srcset(*srcset_value);
    report_invalid(parsed, image_source::picture_source_srcset);
    if (!browser_choice()) {
      every_candidate(parsed, image_source::picture_source_srcset, d);
      return;
    }
    if (p.source_chosen || parsed.candidates.empty()) return;
    if (!media_matches(d.media, viewport_)) return;
    if (attribute(node, "type") && !is_supported_image_type(d.type)) return;
    p.source_chosen = true;
    choose(parsed, {}, attribute(node, "sizes"), image_source::img_src,
           image_source::picture_source_srcset, d);
  }

  void link_preload(const GumboNode* node) {
    const element_details d = details_of(node, false);
    if (browser_choice() && !media_matches(d.media, viewport_)) return;
    sources(attribute(node, "href"), attribute(node, "imagesrcset"), attribute(node, "imagesizes"),
            image_source::link_preload, image_source::link_preload_srcset, d);
  }

  // A src-like attribute and a srcset-like attribute of one element.
  void sources(std::optional<std::string_view> src, std::optional<std::string_view> srcset_value,
               std::optional<std::string_view> sizes, image_source src_kind,
               image_source srcset_kind, const element_details& d) {
    srcset parsed;
    if (srcset_value) {
      parsed = parse_srcset(*srcset_value);
    }
    if (!browser_choice()) {
      single(src, src_kind, d);
      report_invalid(parsed, srcset_kind);
      every_candidate(parsed, srcset_kind, d);
      return;
    }
    report_invalid(parsed, srcset_kind);
    if (parsed.candidates.empty()) {
      single(src, src_kind, d);
      return;
    }
    choose(parsed, src ? strip_ascii_whitespace(*src) : std::string_view(), sizes, src_kind,
           srcset_kind, d);
  }

  void choose(const srcset& parsed, std::string_view fallback,
              std::optional<std::string_view> sizes, image_source fallback_kind,
              image_source srcset_kind, const element_details& d) {
    const double size = source_size(sizes.value_or(std::string_view()), viewport_);
    const auto pick =
        select_candidate(parsed.candidates, options_.device_pixel_ratio, size, fallback);
    if (!pick) return;
    if (*pick == parsed.candidates.size()) {
      add(fallback, fallback_kind, d, nullptr);
    } else {
      add(parsed.candidates[*pick].url, srcset_kind, d, &parsed.candidates[*pick]);
    }
  }

  void every_candidate(const srcset& parsed, image_source kind, const element_details& d) {
    for (const srcset_candidate& c : parsed.candidates) add(c.url, kind, d, &c);
  }

  void report_invalid(const srcset& parsed, image_source kind) {
    for (const std::string_view text : parsed.invalid) {
      skip(text, kind, skip_reason::invalid_srcset_candidate, {});
    }
  }

  void single(std::optional<std::string_view> value, image_source kind, const element_details& d) {
    if (value) add(*value, kind, d, nullptr);
  }

  void add(std::string_view raw, image_source kind, const element_details& d,
           const srcset_candidate* candidate) {
    // HTML: "a valid non-empty URL potentially surrounded by spaces".
    const std::string_view text = strip_ascii_whitespace(raw);
    if (text.empty()) return skip(text, kind, skip_reason::empty_reference, {});
    auto parsed = url::parse(text, out_.base);
    if (!parsed) return skip(text, kind, skip_reason::unparsable_url, parsed.error());
    const std::string_view scheme = parsed->scheme();
    const bool data = scheme == "data";
    if (!data && scheme != "http" && scheme != "https") {
      return skip(text, kind, skip_reason::unsupported_scheme, {});
    }
    if (data && options_.data_urls == data_url_policy::skip) {
      return skip(text, kind, skip_reason::data_url_excluded, {});
    }
    if (options_.merge_duplicates) {
      const auto [it, inserted] =
          seen_.try_emplace(std::string(parsed->href_without_fragment()), out_.images.size());
      if (!inserted) {
        ++out_.images[it->second].occurrences;
        return;
      }
      if (out_.images.size() >= options_.max_images) {
        seen_.erase(it);
        out_.truncated = true;
        return;
      }
    } else if (out_.images.size() >= options_.max_images) {
      out_.truncated = true;
      return;
    }
    image& im = out_.images.emplace_back();
    im.location = std::move(*parsed);
    im.reference = text;
    im.source = kind;
    im.inline_data = data;
    im.width = d.width;
    im.height = d.height;
    if (candidate != nullptr) {
      im.width_descriptor = candidate->width;
      im.density_descriptor = candidate->density;
    }
    if (d.alt) im.alt = std::string(*d.alt);
    im.type = d.type;
    im.media = d.media;
  }

  void skip(std::string_view text, image_source kind, skip_reason reason, std::error_code error) {
    if (out_.skipped.size() >= options_.max_skipped) {
      out_.truncated = true;
      return;
    }
    out_.skipped.push_back({std::string(text), kind, reason, error});
  }

  const extract_options& options_;
  extraction& out_;
  viewport viewport_;
  std::unordered_map<std::string, std::size_t> seen_;  // href without fragment -> images index
  std::unordered_map<const GumboNode*, picture_state> pictures_;
};

bool positive_finite(double d) noexcept {
  return std::isfinite(d) && d > 0;
}

// HTML Standard 4.2.3: the first base element with an href sets the frozen base URL; one that
// fails to parse, or is data: or javascript:, leaves the document URL in place.
url::url document_base(std::optional<std::string_view> base_href, const url::url& document_url) {
  if (!base_href) return document_url;
  auto parsed = url::parse(*base_href, document_url);
  if (!parsed || parsed->scheme() == "data" || parsed->scheme() == "javascript") {
    return document_url;
  }
  return std::move(*parsed);
}

}  // namespace

std::string_view to_string(image_source source) noexcept {
  switch (source) {
    case image_source::img_src:
      return "img src";
    case image_source::img_srcset:
      return "img srcset";
    case image_source::picture_source_srcset:
      return "picture source srcset";
    case image_source::input_image:
      return "input image";
    case image_source::video_poster:
      return "video poster";
    case image_source::link_icon:
      return "link icon";
    case image_source::link_preload:
      return "link preload";
    case image_source::link_preload_srcset:
      return "link preload imagesrcset";
    case image_source::svg_image:
      return "svg image";
    case image_source::background_attribute:
      return "background attribute";
    case image_source::img_data_src:
      return "img data-src";
    case image_source::img_data_srcset:
      return "img data-srcset";
  }
  return "unknown";
}

std::string_view to_string(skip_reason reason) noexcept {
  switch (reason) {
    case skip_reason::empty_reference:
      return "empty reference";
    case skip_reason::unparsable_url:
      return "unparsable URL";
    case skip_reason::unsupported_scheme:
      return "unsupported scheme";
    case skip_reason::data_url_excluded:
      return "data: URL excluded";
    case skip_reason::invalid_srcset_candidate:
      return "invalid srcset candidate";
  }
  return "unknown";
}

result<extraction> extract_images(std::string_view html, const url::url& document_url,
                                  const extract_options& options) {
  if (!positive_finite(options.device_pixel_ratio) || !positive_finite(options.viewport_width) ||
      !positive_finite(options.viewport_height)) {
    return errc::invalid_options;
  }
  // gumbo addresses its input with 32-bit offsets.
  if (html.size() > options.max_input_bytes || html.size() > std::uint32_t{0xFFFFFFFF}) {
    return errc::input_too_large;
  }
  const std::uint64_t work_limit = std::uint64_t{32} * html.size() + (std::uint64_t{1} << 20);
  const nesting_estimate nesting = estimate_nesting(html, options.max_nesting_depth, work_limit);
  if (nesting.max_depth > options.max_nesting_depth || nesting.work > work_limit) {
    return errc::nesting_too_deep;
  }
  const char* data = html.empty() ? "" : html.data();
  const std::unique_ptr<GumboOutput, output_deleter> output(
      gumbo_parse_with_options(&parse_options(), data, html.size()));
  if (!output || output->document == nullptr) return errc::parser_failed;

  document_facts facts = walk_document(output->document, options);
  extraction out;
  out.base = document_base(facts.base_href, document_url);
  out.title = std::move(facts.title);
  out.declared_charset = std::move(facts.declared_charset);
  resolver r(options, out);
  for (const element_ref& ref : facts.elements) r.element(ref);
  return out;
}

}  // namespace corofetch::html
