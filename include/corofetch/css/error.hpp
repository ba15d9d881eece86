#pragma once

#include <system_error>

namespace corofetch::css {

/// Why a stylesheet could not be tokenized (tokenizer::create, tokenize) or read for references
/// (extract_css_references, rewrite_css_references); the category is "corofetch.css". Malformed
/// CSS is never an error: CSS Syntax recovers from every parse error, and so does this module.
/// Exceeding reference_options::max_references is not an error either: the result is marked
/// truncated.
enum class errc {
  input_too_large = 1,  ///< the stylesheet is larger than the options' max_input_bytes
  nesting_too_deep,     ///< blocks and functions nest deeper than the options'
                        ///< max_nesting_depth
};

/// The category of errc, named "corofetch.css"; one instance for the program's lifetime.
const std::error_category& css_category() noexcept;

/// An errc as a std::error_code in css_category() (found by argument-dependent lookup).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), css_category()};
}

}  // namespace corofetch::css

template <>
struct std::is_error_code_enum<corofetch::css::errc> : std::true_type {};
