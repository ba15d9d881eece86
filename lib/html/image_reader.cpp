// Reading the elements that name images: which attributes, in which order, and, with
// srcset_policy::browser_choice, which candidate a browser would load.
#include "html/image_reader.hpp"

#include "html/text.hpp"

#include <cstdint>
#include <limits>

namespace corofetch::html {
namespace {

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

element_details details_of(const GumboNode* node, bool with_alt) {
  element_details d;
  d.width = parse_dimension(attribute(node, "width"));
  d.height = parse_dimension(attribute(node, "height"));
  if (with_alt) d.alt = attribute(node, "alt");
  d.type = attribute(node, "type").value_or(std::string_view());
  d.media = attribute(node, "media").value_or(std::string_view());
  return d;
}

bool is_icon_link(std::string_view rel) noexcept {
  return has_token(rel, "icon") || has_token(rel, "apple-touch-icon") ||
         has_token(rel, "apple-touch-icon-precomposed");
}

}  // namespace

bool is_icon_token(std::string_view token) noexcept {
  return ascii_iequals(token, "icon") || ascii_iequals(token, "apple-touch-icon") ||
         ascii_iequals(token, "apple-touch-icon-precomposed");
}

bool preloads_image(const GumboNode* link) noexcept {
  const auto as = attribute(link, "as");
  return as && ascii_iequals(*as, "image");
}

image_reader::image_reader(const extract_options& options, image_sink& sink)
    : options_(options),
      sink_(sink),
      viewport_{options.viewport_width, options.viewport_height, options.device_pixel_ratio} {}

void image_reader::element(const element_ref& ref) {
  const GumboNode* node = ref.node;
  switch (ref.kind) {
    case element_kind::img:
      return img(node);
    case element_kind::picture_source:
      return picture_source(node);
    case element_kind::input_image:
      return single(attribute(node, "src"), image_source::input_image, details_of(node, true));
    case element_kind::video:
      return single(attribute(node, "poster"), image_source::video_poster, details_of(node, false));
    case element_kind::link:
      return link(node);
    case element_kind::svg_image: {
      // SVG 2: href wins over the deprecated xlink:href.
      auto href = attribute(node, "href");
      if (!href) href = attribute_ns(node, GUMBO_ATTR_NAMESPACE_XLINK, "href");
      return single(href, image_source::svg_image, details_of(node, false));
    }
    case element_kind::background:
      return single(attribute(node, "background"), image_source::background_attribute, {});
    default:
      return;
  }
}

void image_reader::link_icon(const GumboNode* node) {
  single(attribute(node, "href"), image_source::link_icon, details_of(node, false));
}

void image_reader::link_preload(const GumboNode* node) {
  const element_details d = details_of(node, false);
  if (browser_choice() && !media_matches(d.media, viewport_)) return;
  sources(attribute(node, "href"), attribute(node, "imagesrcset"), attribute(node, "imagesizes"),
          image_source::link_preload, image_source::link_preload_srcset, d);
}

bool image_reader::browser_choice() const noexcept {
  return options_.srcset == srcset_policy::browser_choice;
}

void image_reader::link(const GumboNode* node) {
  const auto rel = attribute(node, "rel");
  if (!rel) return;
  if (is_icon_link(*rel)) {
    link_icon(node);
  } else if (has_token(*rel, "preload") && preloads_image(node)) {
    link_preload(node);
  }
}

void image_reader::img(const GumboNode* node) {
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
  if (skip_own_sources) return;
  const auto sizes = attribute(node, "sizes");
  sources(attribute(node, "src"), attribute(node, "srcset"), sizes, image_source::img_src,
          image_source::img_srcset, d);
  if (options_.lazy_attributes) {
    sources(attribute(node, "data-src"), attribute(node, "data-srcset"), sizes,
            image_source::img_data_src, image_source::img_data_srcset, d);
  }
}

// HTML Standard 4.8.4.3.3 "update the source set": sources before the picture's img, in
// order; a browser takes the first whose srcset has a candidate, whose media matches and
// whose type it decodes.
void image_reader::picture_source(const GumboNode* node) {
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

// A src-like attribute and a srcset-like attribute of one element.
void image_reader::sources(std::optional<std::string_view> src,
                           std::optional<std::string_view> srcset_value,
                           std::optional<std::string_view> sizes, image_source src_kind,
                           image_source srcset_kind, const element_details& d) {
  srcset parsed;
  if (srcset_value) parsed = parse_srcset(*srcset_value);
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

void image_reader::choose(const srcset& parsed, std::string_view fallback,
                          std::optional<std::string_view> sizes, image_source fallback_kind,
                          image_source srcset_kind, const element_details& d) {
  const double size = source_size(sizes.value_or(std::string_view()), viewport_);
  const auto pick =
      select_candidate(parsed.candidates, options_.device_pixel_ratio, size, fallback);
  if (!pick) return;
  if (*pick == parsed.candidates.size()) {
    sink_.found(fallback, fallback_kind, d, nullptr);
  } else {
    sink_.found(parsed.candidates[*pick].url, srcset_kind, d, &parsed.candidates[*pick]);
  }
}

void image_reader::every_candidate(const srcset& parsed, image_source kind,
                                   const element_details& d) {
  for (const srcset_candidate& c : parsed.candidates) sink_.found(c.url, kind, d, &c);
}

void image_reader::report_invalid(const srcset& parsed, image_source kind) {
  for (const std::string_view text : parsed.invalid) sink_.invalid_candidate(text, kind);
}

void image_reader::single(std::optional<std::string_view> value, image_source kind,
                          const element_details& d) {
  if (value) sink_.found(*value, kind, d, nullptr);
}

resolved_reference resolve_reference(std::string_view raw, const url::url& base,
                                     data_url_policy data_urls) {
  resolved_reference r;
  // HTML: "a valid non-empty URL potentially surrounded by spaces".
  r.text = strip_ascii_whitespace(raw);
  if (r.text.empty()) return r;
  auto parsed = url::parse(r.text, base);
  if (!parsed) {
    r.reason = skip_reason::unparsable_url;
    r.error = parsed.error();
    return r;
  }
  const std::string_view scheme = parsed->scheme();
  r.inline_data = scheme == "data";
  if (!r.inline_data && scheme != "http" && scheme != "https") {
    r.reason = skip_reason::unsupported_scheme;
    return r;
  }
  if (r.inline_data && data_urls == data_url_policy::skip) {
    r.reason = skip_reason::data_url_excluded;
    return r;
  }
  r.location = std::move(*parsed);
  return r;
}

}  // namespace corofetch::html
