// extract_images: parse with gumbo, walk once (walk.cpp) recording the elements that can name
// images, then read each in document order (image_reader.cpp) into an extraction: duplicates
// merged, bounds applied.
#include <corofetch/html/images.hpp>

#include "html/document.hpp"
#include "html/image_reader.hpp"
#include "html/walk.hpp"

#include <cmath>
#include <string>
#include <unordered_map>

namespace corofetch::html {
namespace {

// Builds extraction::images and skipped from what the image reader finds.
class extraction_sink final : public image_sink {
 public:
  extraction_sink(const extract_options& options, extraction& out) : options_(options), out_(out) {}

  void found(std::string_view raw, image_source kind, const element_details& d,
             const srcset_candidate* candidate) override {
    resolved_reference r = resolve_reference(raw, out_.base, options_.data_urls);
    if (!r.location) return skip(r.text, kind, r.reason, r.error);
    if (!make_room(*r.location)) return;
    image& im = out_.images.emplace_back();
    im.location = std::move(*r.location);
    im.reference = r.text;
    im.source = kind;
    im.inline_data = r.inline_data;
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

  void invalid_candidate(std::string_view text, image_source kind) override {
    skip(text, kind, skip_reason::invalid_srcset_candidate, {});
  }

 private:
  // False when `location` is not to be added: a duplicate (counted) or over max_images.
  bool make_room(const url::url& location) {
    if (options_.merge_duplicates) {
      const auto [it, inserted] =
          seen_.try_emplace(std::string(location.href_without_fragment()), out_.images.size());
      if (!inserted) {
        ++out_.images[it->second].occurrences;
        return false;
      }
      if (out_.images.size() >= options_.max_images) {
        seen_.erase(it);
        out_.truncated = true;
        return false;
      }
    } else if (out_.images.size() >= options_.max_images) {
      out_.truncated = true;
      return false;
    }
    return true;
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
  std::unordered_map<std::string, std::size_t> seen_;  // href without fragment -> images index
};

bool positive_finite(double d) noexcept {
  return std::isfinite(d) && d > 0;
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
  auto parsed = parse_html(html, options.max_input_bytes, options.max_nesting_depth);
  if (!parsed) return parsed.error();

  walk_options walk;
  walk.elements = image_elements;
  walk.include_noscript = options.include_noscript;
  walk.include_template = options.include_template;
  document_facts facts = walk_document((*parsed)->document, walk);
  extraction out;
  out.base = document_base(facts.base_href, document_url);
  out.title = std::move(facts.title);
  out.declared_charset = std::move(facts.declared_charset);
  extraction_sink sink(options, out);
  image_reader reader(options, sink);
  for (const element_ref& ref : facts.elements) reader.element(ref);
  return out;
}

}  // namespace corofetch::html
