#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace corofetch::html {

/// One valid image candidate of a srcset attribute (HTML Standard 4.8.4.3.10, "image candidate
/// string"). At most one of width and density is set; neither means an implied 1x.
struct srcset_candidate {
  std::string_view url;                 ///< the URL as written: a view into the attribute
  std::optional<std::uint32_t> width;   ///< a width descriptor, "640w" (never 0)
  std::optional<double> density;        ///< a pixel density descriptor, "1.5x" (never negative)
  std::optional<std::uint32_t> height;  ///< a future-compatible height descriptor ("480h"),
                                        ///< only ever present together with width
};

/// A parsed srcset attribute: the valid candidates in attribute order, and the text (URL and
/// descriptors) of every candidate the algorithm drops as invalid, also in order.
struct srcset {
  std::vector<srcset_candidate> candidates;
  std::vector<std::string_view> invalid;
};

/// Parses a srcset (or imagesrcset) attribute value with the HTML Standard's "parse a srcset
/// attribute" algorithm (4.8.4.3.10): candidates are separated by commas that follow a
/// whitespace-delimited URL, so a URL may itself contain commas ("a,b.png 2x"); trailing commas
/// of a URL end the candidate; descriptors may hold parenthesised text. A candidate is invalid,
/// and listed in `invalid`, when a descriptor is unknown or repeated, "w" or "h" is not a
/// positive integer (below 2^32 here), "x" is not a non-negative floating-point number (finite
/// in a double here), or "h" comes without "w".
/// Views point into `attribute`. Never fails, never throws (except std::bad_alloc); linear.
[[nodiscard]] srcset parse_srcset(std::string_view attribute);

/// The candidate a browser picks (HTML Standard "select an image source", whose choice is
/// implementation-defined; this follows what current browsers do): every candidate gets an
/// effective density (its "x", or its "w" divided by `source_size_px`, or 1), later candidates
/// with an already seen density are dropped, and the smallest density at or above
/// `device_pixel_ratio` wins, else the largest. `fallback_1x`, when not empty, is the img src,
/// added as a 1x candidate when no candidate has a width descriptor (4.8.4.3.3 "update the
/// source set"). Returns the index of the winner in `candidates`, candidates.size() for the
/// fallback, or nullopt when there is nothing to choose. Never throws.
[[nodiscard]] std::optional<std::size_t> select_candidate(
    std::span<const srcset_candidate> candidates, double device_pixel_ratio, double source_size_px,
    std::string_view fallback_1x = {}) noexcept;

}  // namespace corofetch::html
