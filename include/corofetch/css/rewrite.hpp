#pragma once

#include <corofetch/css/references.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace corofetch::css {

/// `value` as a CSS string (CSSOM 2.1, "serialize a string"): in double quotes; '"' and '\'
/// escaped with a backslash, U+0001..U+001F and U+007F as hex escapes ("\a " for a newline),
/// NUL as U+FFFD; every other byte as it is. Reading the result back with the tokenizer gives
/// `value` (for valid UTF-8 without NUL). Never throws except std::bad_alloc.
[[nodiscard]] std::string serialize_string(std::string_view value);

/// `value` as url("...") (CSSOM 2.1, "serialize a URL"): "url(" + serialize_string(value) + ")".
[[nodiscard]] std::string serialize_url(std::string_view value);

/// What a reference becomes: a URL to write in its place, or nullopt to leave it as it is.
using replacement_function = std::function<std::optional<std::string>(const reference&)>;

/// `css` with the URLs of `refs` that `replace` maps to a new URL rewritten, for a saved copy
/// whose links point at saved files (wget --convert-links): a url_token reference becomes
/// serialize_url(new), a string reference serialize_string(new), so the syntax around it (the
/// function, the @import condition, the descriptors) stays valid; every other byte is copied
/// as it is. `refs` are references::items of this very text, in input order: one that overlaps
/// the previous one or lies outside `css` is left alone. Never throws except std::bad_alloc (or
/// what `replace` throws).
[[nodiscard]] std::string rewrite_css(std::string_view css, std::span<const reference> refs,
                                      const replacement_function& replace);

/// extract_css_references(css, base, options), then rewrite_css with its items. Errors as
/// extract_css_references (corofetch.css): input_too_large, nesting_too_deep. A truncated
/// extraction leaves the references past its bounds as they are.
[[nodiscard]] result<std::string> rewrite_css_references(std::string_view css, const url::url& base,
                                                         const replacement_function& replace,
                                                         const reference_options& options = {});

}  // namespace corofetch::css
