#pragma once
// How each element that can name an image is read (img, picture sources, input image, video
// poster, link icon and image preload, SVG image, legacy background), shared by extract_images
// and extract_references. The reader decides which attribute values are image references; a
// sink decides what becomes of each (resolution, duplicates, bounds). Internal to the html module.

#include <corofetch/html/images.hpp>
#include <corofetch/html/srcset.hpp>

#include "html/media.hpp"
#include "html/walk.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>
#include <unordered_map>

namespace corofetch::html {

/// What every image reference from one element shares.
struct element_details {
  std::optional<std::uint32_t> width;
  std::optional<std::uint32_t> height;
  std::optional<std::string_view> alt;
  std::string_view type;
  std::string_view media;
};

/// Receives the image references an image_reader finds, in document order.
class image_sink {
 public:
  /// An attribute value naming an image, as written (not yet stripped or resolved);
  /// `candidate` is the srcset candidate it came from, or null.
  virtual void found(std::string_view raw, image_source source, const element_details& details,
                     const srcset_candidate* candidate) = 0;
  /// A srcset candidate "parse a srcset attribute" drops (skip_reason::invalid_srcset_candidate).
  virtual void invalid_candidate(std::string_view text, image_source source) = 0;

 protected:
  image_sink() = default;
  image_sink(const image_sink&) = default;
  image_sink& operator=(const image_sink&) = default;
  ~image_sink() = default;
};

/// Reads image elements with extract_options' srcset_policy, viewport and lazy_attributes.
class image_reader {
 public:
  image_reader(const extract_options& options, image_sink& sink);

  /// Reads one element the walk recorded: img, picture_source, input_image, video (poster),
  /// svg_image, background, and link (as extract_images reads it: an icon rel wins over
  /// preload). Other kinds name no image and are ignored.
  void element(const element_ref& ref);
  /// <link rel=icon href> (and its apple-touch-icon variants).
  void link_icon(const GumboNode* node);
  /// <link rel=preload as=image href imagesrcset imagesizes>; the caller has checked rel and as.
  void link_preload(const GumboNode* node);

 private:
  // "Whether a <picture>'s img has been seen, whether one of its sources has been chosen."
  struct picture_state {
    bool img_seen = false;
    bool source_chosen = false;
  };

  [[nodiscard]] bool browser_choice() const noexcept;
  void img(const GumboNode* node);
  void picture_source(const GumboNode* node);
  void link(const GumboNode* node);
  void sources(std::optional<std::string_view> src, std::optional<std::string_view> srcset_value,
               std::optional<std::string_view> sizes, image_source src_kind,
               image_source srcset_kind, const element_details& d);
  void choose(const srcset& parsed, std::string_view fallback,
              std::optional<std::string_view> sizes, image_source fallback_kind,
              image_source srcset_kind, const element_details& d);
  void every_candidate(const srcset& parsed, image_source kind, const element_details& d);
  void report_invalid(const srcset& parsed, image_source kind);
  void single(std::optional<std::string_view> value, image_source kind, const element_details& d);

  const extract_options& options_;
  image_sink& sink_;
  viewport viewport_;
  std::unordered_map<const GumboNode*, picture_state> pictures_;
};

/// The element kinds image_reader::element reads.
inline constexpr element_mask image_elements =
    mask_of(element_kind::img) | mask_of(element_kind::picture_source) |
    mask_of(element_kind::input_image) | mask_of(element_kind::video) |
    mask_of(element_kind::link) | mask_of(element_kind::svg_image) |
    mask_of(element_kind::background);

/// <link rel> tokens that make a browser fetch an icon: "icon" (also in "shortcut icon"),
/// "apple-touch-icon", "apple-touch-icon-precomposed".
[[nodiscard]] bool is_icon_token(std::string_view token) noexcept;

/// True when a <link as> value is "image" (ASCII case-insensitive; HTML Standard 4.6.7, link
/// type "preload", and Fetch "destination").
[[nodiscard]] bool preloads_image(const GumboNode* link) noexcept;

/// What an image reference becomes: a URL to report, or the reason it is skipped.
struct resolved_reference {
  std::string_view text;  // the reference, surrounding ASCII whitespace stripped
  std::optional<url::url> location;
  bool inline_data = false;                           // location is a data: URL
  skip_reason reason = skip_reason::empty_reference;  // when location is empty
  std::error_code error;                              // for unparsable_url
};

/// Strips `raw` ("a valid non-empty URL potentially surrounded by spaces"), parses it against
/// `base` and keeps it when it is http, https or (unless data_urls is skip) data:.
[[nodiscard]] resolved_reference resolve_reference(std::string_view raw, const url::url& base,
                                                   data_url_policy data_urls);

}  // namespace corofetch::html
