#pragma once

#include <string_view>

namespace corofetch::http {

/// True when `s` is a non-empty RFC 9110 5.6.2 token: 1*tchar, where tchar is a letter, a digit
/// or one of !#$%&'*+-.^_`|~. Methods and field names must be tokens.
[[nodiscard]] bool is_token(std::string_view s) noexcept;

/// True when `s` is a valid field value as sent (RFC 9110 5.5): no CR, LF, NUL or other control
/// except HTAB. Leading and trailing whitespace is allowed here; the serializer writes it as is.
[[nodiscard]] bool is_field_value(std::string_view s) noexcept;

/// True when `s` can be written as a request target: non-empty, no space and no control
/// (RFC 9112 3.2; a CR or LF here would split the request).
[[nodiscard]] bool is_request_target(std::string_view s) noexcept;

/// Takes the next element of an RFC 9110 5.6.1 comma-separated list off the front of `rest`:
/// the text up to the next comma, optional whitespace (SP, HTAB) trimmed. Empty elements, which
/// a recipient must accept ("gzip, , br"), come back empty. Quoted strings are not parsed: this
/// is for lists of tokens (transfer and content codings, connection options).
/// Use: `while (!rest.empty()) { const auto item = next_list_element(rest); ... }`.
[[nodiscard]] std::string_view next_list_element(std::string_view& rest) noexcept;

/// ASCII case-insensitive equality, as field names compare (RFC 9110 5.1).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace corofetch::http
