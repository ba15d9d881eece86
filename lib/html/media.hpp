#pragma once
// The part of CSS Media Queries Level 4 and CSS Values that choosing among <picture> sources and
// srcset widths needs: <source media>, <img sizes>. Internal to the html module.

#include <string_view>

namespace corofetch::html {

/// The simulated display a browser-like choice is made for.
struct viewport {
  double width = 1280;  ///< CSS pixels
  double height = 800;  ///< CSS pixels
  double pixel_ratio = 1;
};

/// Evaluates a media query list (a <source media> value): true when empty or when one of its
/// queries matches. Supports the media types all, screen, print; "not" and "only"; and, or and
/// parentheses (nested at most 16 deep); the features width, height (plain, min-, max- and range
/// syntax), resolution (dppx, x, dpi, dpcm), -webkit-device-pixel-ratio, orientation,
/// prefers-color-scheme (light) and prefers-reduced-motion (no-preference). A malformed query or
/// an unknown feature does not match ("not all"), as in browsers.
[[nodiscard]] bool media_matches(std::string_view media_query_list, const viewport& v) noexcept;

/// The source size in CSS pixels a sizes attribute gives (HTML Standard "parse a sizes
/// attribute"): the length of the first entry whose media condition matches, else 100vw.
/// Lengths in px, em, rem (16px), vw, vh, vmin, vmax, in, cm, mm, q, pt, pc; an entry whose
/// length is calc() or otherwise not understood is skipped, as an invalid one is.
[[nodiscard]] double source_size(std::string_view sizes, const viewport& v) noexcept;

}  // namespace corofetch::html
