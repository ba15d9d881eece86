#pragma once

#include <corofetch/css/error.hpp>
#include <corofetch/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::css {

/// The token types of CSS Syntax Level 3, section 4 (https://www.w3.org/TR/css-syntax-3/).
/// There is no unicode-range token: the current specification reads U+0-7F as an ident, a
/// number and a dimension, and leaves <urange> to the grammar that wants it.
enum class token_type : std::uint8_t {
  ident,         ///< value: the name, escapes decoded
  function,      ///< value: the name without '('; "url" for a quoted url("...")
  at_keyword,    ///< value: the name without '@'
  hash,          ///< value: the name without '#'; token::hash says id or unrestricted
  string,        ///< value: the contents without quotes, escapes decoded
  bad_string,    ///< a string cut by an unescaped newline
  url,           ///< an unquoted url(...): value is the URL, escapes decoded
  bad_url,       ///< an unquoted url(...) with a quote, '(', space or control inside
  delim,         ///< value: the one code point
  number,        ///< numeric_value; token::numeric says integer or number
  percentage,    ///< numeric_value (50% gives 50)
  dimension,     ///< numeric_value and token::numeric; value: the unit, escapes decoded
  whitespace,    ///< one or more spaces, tabs and newlines
  cdo,           ///< <!--
  cdc,           ///< -->
  colon,         ///< :
  semicolon,     ///< ;
  comma,         ///< ,
  open_square,   ///< [
  close_square,  ///< ]
  open_paren,    ///< (
  close_paren,   ///< )
  open_curly,    ///< {
  close_curly,   ///< }
  eof,           ///< the end of the input; next_token() keeps returning it
};

/// A short name for a type, as CSS Syntax writes it without brackets: "ident", "bad-url",
/// "CDO", "[" ...
[[nodiscard]] std::string_view to_string(token_type type) noexcept;

/// A hash token's type flag (CSS Syntax 4.3.1, U+0023 NUMBER SIGN): "id" when the name would
/// start an identifier, so it is a valid ID selector.
enum class hash_type : std::uint8_t { unrestricted, id };

/// A numeric token's type flag (CSS Syntax 4.3.12 "consume a number"): "number" when written
/// with a decimal point or an exponent.
enum class numeric_type : std::uint8_t { integer, number };

/// One token. Its byte range [begin, end) in the input is the token's representation (CSS
/// Syntax 4.2): comments before it are not part of it, so the ranges of successive tokens may
/// leave gaps that hold only comments.
struct token {
  token_type type = token_type::eof;
  hash_type hash = hash_type::unrestricted;      ///< for hash tokens
  numeric_type numeric = numeric_type::integer;  ///< for number, percentage and dimension
  /// The decoded value (see token_type), UTF-8, never with invalid sequences. It views the
  /// input when the value is the input's bytes unchanged (no escape, NUL, CR, FF or invalid
  /// UTF-8 in it), else a buffer of whoever produced the token: tokenizer values last until
  /// the next call of next_token() (or a move of the tokenizer), token_list values as long as
  /// the list.
  std::string_view value;
  double numeric_value = 0;  ///< for number, percentage and dimension
  std::size_t begin = 0;     ///< byte offset of the token's first byte in the input
  std::size_t end = 0;       ///< byte offset just past the token's last byte
};

struct tokenizer_options {
  /// Larger inputs fail with errc::input_too_large.
  std::size_t max_input_bytes = std::size_t{16} << 20;
};

/// Reads tokens one at a time from a stylesheet, so a large one is never held as a token list.
/// It views the input, which must outlive it. Input is UTF-8: invalid sequences read as U+FFFD
/// (WHATWG Encoding, UTF-8 decode), then CSS Syntax 3.3 preprocessing applies on the fly
/// (CR LF, CR and FF read as LF; NUL as U+FFFD). Byte offsets always index the input as given.
class tokenizer {
 public:
  /// A tokenizer over `css`. Errors (corofetch.css): input_too_large. Never throws except
  /// std::bad_alloc.
  [[nodiscard]] static result<tokenizer> create(std::string_view css,
                                                const tokenizer_options& options = {});

  /// The next token, following CSS Syntax 4.3.1 "consume a token" (after 4.3.2 "consume
  /// comments"); an eof token at the end, and again on every later call. Parse errors are
  /// recovered from as the standard says (bad-string, bad-url, a lone backslash as a delim, a
  /// string or url closed by the end of input). Linear in the input; never throws except
  /// std::bad_alloc.
  token next_token();

  /// True when the last token's value was decoded into this tokenizer's buffer (an escape,
  /// NUL, CR, FF or invalid UTF-8 in it), false when it views the input.
  [[nodiscard]] bool last_value_decoded() const noexcept { return last_value_decoded_; }

  /// The byte offset of the next unread byte of the input.
  [[nodiscard]] std::size_t position() const noexcept { return position_; }

  /// The input, as given to create().
  [[nodiscard]] std::string_view input() const noexcept { return input_; }

 private:
  explicit tokenizer(std::string_view css) noexcept : input_(css) {}

  std::string_view input_;
  std::size_t position_ = 0;
  std::string buffer_;  // decoded values; reused by every token
  bool last_value_decoded_ = false;
};

/// Every token of a stylesheet but the final eof, with values that live as long as the list
/// (or the input, for values that view it). Move-only: the values view the list's own buffer.
class token_list {
 public:
  token_list() = default;
  token_list(token_list&&) noexcept = default;
  token_list& operator=(token_list&&) noexcept = default;
  token_list(const token_list&) = delete;
  token_list& operator=(const token_list&) = delete;
  ~token_list() = default;

  [[nodiscard]] std::span<const token> tokens() const noexcept { return tokens_; }
  [[nodiscard]] std::size_t size() const noexcept { return tokens_.size(); }
  [[nodiscard]] bool empty() const noexcept { return tokens_.empty(); }
  [[nodiscard]] const token& operator[](std::size_t i) const noexcept { return tokens_[i]; }
  [[nodiscard]] auto begin() const noexcept { return tokens_.cbegin(); }
  [[nodiscard]] auto end() const noexcept { return tokens_.cend(); }

 private:
  friend result<token_list> tokenize(std::string_view css, const tokenizer_options& options);

  std::vector<token> tokens_;
  std::unique_ptr<char[]> decoded_;  // values that are not views of the input
};

/// Every token of `css` (CSS Syntax 4 tokenization, as tokenizer::next_token reads them), in
/// order, without the eof token. Errors (corofetch.css): input_too_large. Never throws except
/// std::bad_alloc.
[[nodiscard]] result<token_list> tokenize(std::string_view css,
                                          const tokenizer_options& options = {});

}  // namespace corofetch::css
