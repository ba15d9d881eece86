#pragma once

#include <system_error>

namespace corofetch::html {

/// Why images (extract_images) or references (extract_references) could not be extracted from a
/// document; the category is "corofetch.html". Exceeding extract_options::max_images or
/// reference_options::max_references is not an error: the result is marked truncated.
enum class errc {
  input_too_large = 1,  ///< the document is larger than the options' max_input_bytes
  invalid_options,      ///< extract_images: a device pixel ratio or viewport size not positive
                        ///< and finite
  parser_failed,        ///< the HTML parser returned no document (it ran out of memory)
  nesting_too_deep,     ///< elements nest deeper than the options' max_nesting_depth, or
                        ///< so deep so often that parsing would take quadratic time
};

/// The category of errc, named "corofetch.html"; one instance for the program's lifetime.
const std::error_category& html_category() noexcept;

/// An errc as a std::error_code in html_category() (found by argument-dependent lookup).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), html_category()};
}

}  // namespace corofetch::html

template <>
struct std::is_error_code_enum<corofetch::html::errc> : std::true_type {};
