#pragma once
// How the link scanner (scanner.hpp) turns the bytes of an attribute value or of a title into the
// text gumbo's tokenizer gives: character references (HTML Standard 13.5 "Named character
// references", 13.2.5.72 onwards), CR and CR LF as LF (13.2.3.5 "Preprocessing the input
// stream"), and the code points gumbo replaces with U+FFFD (controls, noncharacters). Internal
// to the html module.

#include <string>
#include <string_view>

namespace corofetch::html {

/// What decoding found. Anything but ok sends the page to the gumbo path: the scanner does not
/// guess what gumbo would make of it.
enum class decode_status : unsigned char {
  ok,
  invalid_utf8,      // gumbo replaces each bad sequence in its own way
  numeric_overflow,  // "&#99999999999;": gumbo's int overflows
};

/// A decoded value: a view of the input itself when nothing changed, else of the buffer.
struct decoded_text {
  std::string_view text;
  bool exact = true;  // text is the raw bytes unchanged
};

/// Decodes an attribute value written between `quote` characters ('"' or '\''), or unquoted
/// (quote '>'): character references as in an attribute (a named one without ';' followed by
/// '=' or an alphanumeric stays as written; the quote right after '&' is no reference).
[[nodiscard]] decode_status decode_attribute_value(std::string_view raw, char quote,
                                                   std::string& buffer, decoded_text& out);

/// gumbo's original_value of an unquoted attribute value starts after a character reference
/// the value starts with: the length of that reference, or 0 when the value does not start with
/// one that decodes.
[[nodiscard]] std::size_t leading_reference_length(std::string_view raw);

/// Decodes the text of an RCDATA element (title, textarea): character references as in text.
[[nodiscard]] decode_status decode_rcdata(std::string_view raw, std::string& buffer,
                                          decoded_text& out);

}  // namespace corofetch::html
