// The references a page load queues: html::extract_images for images alone, or one pass of
// html::extract_references over every requisite kind, with the inline CSS read by
// css::extract_css_references; fetched stylesheets are read here too.
#include "page/discover.hpp"

#include <corofetch/html/references.hpp>
#include <corofetch/http/syntax.hpp>

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <utility>

namespace corofetch::page::detail {
namespace {

using html_kind = html::reference_kind;

constexpr std::array<std::string_view, 2> html_types{"text/html", "application/xhtml+xml"};

// One more than a bound, so that the load's own bound is the one reached (and reported).
std::size_t one_more(std::size_t n) {
  return n == std::numeric_limits<std::size_t>::max() ? n : n + 1;
}

// What browsers fetch to show a page, but media (streamed on demand) and hyperlinks.
html::reference_kinds requisite_kinds() {
  return html::reference_kinds::requisites().erase(html_kind::media);
}

resource_kind kind_of_preload(std::string_view as) {
  if (as == "style") return resource_kind::stylesheet;
  if (as == "script") return resource_kind::script;
  if (as == "font") return resource_kind::font;
  if (as == "image") return resource_kind::image;
  return resource_kind::other;
}

resource_kind kind_of(const html::reference& r) {
  switch (r.kind) {
    case html_kind::stylesheet:
      return resource_kind::stylesheet;
    case html_kind::script:
    case html_kind::modulepreload:
      return resource_kind::script;
    case html_kind::icon:
      return resource_kind::icon;
    case html_kind::image:
      return resource_kind::image;
    case html_kind::preload:
      return r.image ? resource_kind::image : kind_of_preload(r.as);
    case html_kind::frame:
      return resource_kind::frame;
    default:
      return resource_kind::other;
  }
}

// "img src", "link stylesheet", "script src", "iframe src", ...
std::string source_of(const html::reference& r) {
  if (r.image) return std::string(html::to_string(*r.image));
  switch (r.kind) {
    case html_kind::script:
      return "script src";
    case html_kind::frame:
      return "frame src";
    case html_kind::embed:
      return "embed src";
    case html_kind::object:
      return "object data";
    case html_kind::track:
      return "track src";
    default:
      return "link " + std::string(html::to_string(r.kind));
  }
}

resource_kind kind_of(css::reference_kind k) {
  switch (k) {
    case css::reference_kind::import:
      return resource_kind::stylesheet;
    case css::reference_kind::image:
      return resource_kind::image;
    case css::reference_kind::font:
      return resource_kind::font;
    default:
      return resource_kind::other;
  }
}

void add_images(std::string_view html, const url::url& url, const load_options& options,
                discovery& out) {
  html::extract_options eo = options.extract;
  eo.max_images = std::max(eo.max_images, one_more(options.max_resources));
  auto found = html::extract_images(html, url, eo);
  if (!found) {
    out.error = found.error();
    return;
  }
  if (out.title.empty()) out.title = std::move(found->title);
  out.truncated = out.truncated || found->truncated;
  for (html::image& image : found->images) {
    if (image.inline_data) {
      ++out.inline_data;
      continue;
    }
    out.items.push_back(
        {std::move(image.location),
         image.source == html::image_source::link_icon ? resource_kind::icon : resource_kind::image,
         std::string(html::to_string(image.source))});
  }
  for (const html::skipped_reference& s : found->skipped) {
    out.skipped.push_back({s.reference, std::string(html::to_string(s.source)),
                           std::string(html::to_string(s.reason))});
  }
}

void add_styles(const html::references& refs, discovery& out) {
  for (const html::inline_style& style : refs.styles) {
    if (style.attribute) {
      discover_css(style.text, refs.base, css::source_kind::style_attribute, "style attribute",
                   out);
    } else {
      discover_css(style.text, refs.base, css::source_kind::style_element, "style element", out);
    }
  }
}

void add_requisites(std::string_view html, const url::url& url, const load_options& options,
                    discovery& out) {
  const bool browser_srcset = options.extract.srcset == html::srcset_policy::browser_choice;
  html::reference_options ro;
  ro.kinds = requisite_kinds();
  // A browser's srcset choice is extract_images' alone: the images come from there then.
  if (browser_srcset) ro.kinds.erase(html_kind::image);
  ro.data_urls = html::data_url_policy::report;
  ro.lazy_attributes = options.extract.lazy_attributes;
  ro.include_styles = true;
  ro.max_references = std::max(ro.max_references, one_more(options.max_resources));
  auto refs = html::extract_references(html, url, ro);
  if (!refs) {
    out.error = refs.error();
    return;
  }
  out.title = refs->title;
  out.truncated = refs->truncated;
  if (browser_srcset) add_images(html, url, options, out);
  for (html::reference& r : refs->items) {
    if (browser_srcset && r.image && r.kind == html_kind::preload) continue;  // extract_images'
    if (r.inline_data) {
      ++out.inline_data;
      continue;
    }
    // An alternate stylesheet is not applied until the user picks it (HTML Standard 4.6.7).
    if (r.kind == html_kind::stylesheet && r.rel.contains(html_kind::alternate)) {
      out.skipped.push_back({r.text, "link stylesheet", "alternate stylesheet"});
      continue;
    }
    std::string source = source_of(r);
    out.items.push_back({std::move(r.location), kind_of(r), std::move(source)});
  }
  for (const html::reference_skip& s : refs->skipped) {
    const std::string source =
        s.image ? std::string(html::to_string(*s.image)) : std::string(html::to_string(s.kind));
    out.skipped.push_back({s.text, source, std::string(html::to_string(s.reason))});
  }
  add_styles(*refs, out);
}

}  // namespace

bool is_html(const resource& r) {
  const std::string_view type = r.content_type;
  return type.empty() || std::any_of(html_types.begin(), html_types.end(), [&](auto prefix) {
           return http::iequals(type.substr(0, prefix.size()), prefix);
         });
}

discovery discover_html(std::string_view html, const url::url& url, const load_options& options) {
  discovery out;
  if (options.requisites == requisites::images) {
    add_images(html, url, options, out);
  } else {
    add_requisites(html, url, options, out);
  }
  return out;
}

void discover_css(std::string_view css, const url::url& base, css::source_kind source,
                  std::string_view prefix, discovery& out) {
  css::reference_options ro;
  ro.source = source;
  auto refs = css::extract_css_references(css, base, ro);
  if (!refs) {
    out.skipped.push_back({std::string(base.href()), std::string(prefix),
                           "unreadable CSS: " + refs.error().message()});
    return;
  }
  out.truncated = out.truncated || refs->truncated;
  for (css::reference& r : refs->items) {
    if (r.inline_data) {
      ++out.inline_data;
      continue;
    }
    std::string name =
        std::string(prefix) + " " +
        (r.kind == css::reference_kind::import ? std::string("@import") : r.property);
    out.items.push_back({std::move(r.location), kind_of(r.kind), std::move(name)});
  }
  for (const css::reference_skip& s : refs->skipped) {
    if (s.reason == css::skip_reason::fragment_only) continue;  // the document itself
    out.skipped.push_back(
        {s.text, std::string(prefix) + " " + s.property, std::string(css::to_string(s.reason))});
  }
}

}  // namespace corofetch::page::detail
