// CSS Syntax Module Level 3, section 4 (tokenization), over UTF-8 bytes. The input is never
// copied: each code point is decoded where it is read, with the preprocessing of 3.3 applied
// then, and a token's value views the input until something in it differs from the input's
// bytes (an escape, NUL, CR, FF, invalid UTF-8), when it moves to the tokenizer's buffer.
// Section numbers are those of the 2021 Candidate Recommendation Draft.
#include <corofetch/css/tokenizer.hpp>

#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <utility>

namespace corofetch::css {
namespace {

// The EOF code point (4.2): beyond Unicode, so no test for a real code point matches it.
constexpr char32_t eof_code_point = 0x110000;
constexpr char32_t replacement_character = 0xFFFD;
constexpr char32_t maximum_allowed_code_point = 0x10FFFF;

// One code point of the preprocessed input stream.
struct code_point {
  char32_t value = eof_code_point;
  std::uint32_t size = 0;  // input bytes it spans (0 at EOF)
  bool verbatim = true;    // those bytes are exactly its UTF-8 encoding
};

// WHATWG Encoding Standard, "UTF-8 decoder", for a sequence starting with a non-ASCII byte:
// an invalid or truncated sequence reads as U+FFFD spanning its longest valid prefix (at least
// one byte), so surrogates and overlong forms never come out (CSS Syntax 3.2 decodes bytes with
// this decoder; 3.3 would turn surrogates into U+FFFD anyway).
[[gnu::noinline]] code_point decode_utf8(std::string_view in, std::size_t pos) noexcept {
  const auto lead = static_cast<unsigned char>(in[pos]);
  std::uint32_t needed = 0;
  char32_t value = 0;
  unsigned lower = 0x80;
  unsigned upper = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1;
    value = lead & 0x1FU;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2;
    value = lead & 0x0FU;
    if (lead == 0xE0) lower = 0xA0;
    if (lead == 0xED) upper = 0x9F;  // U+D800..U+DFFF would follow
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3;
    value = lead & 0x07U;
    if (lead == 0xF0) lower = 0x90;
    if (lead == 0xF4) upper = 0x8F;  // beyond U+10FFFF would follow
  } else {
    return {replacement_character, 1, false};
  }
  for (std::uint32_t i = 1; i <= needed; ++i) {
    if (pos + i >= in.size()) return {replacement_character, i, false};
    const auto byte = static_cast<unsigned char>(in[pos + i]);
    if (byte < lower || byte > upper) return {replacement_character, i, false};
    lower = 0x80;
    upper = 0xBF;
    value = (value << 6U) | (byte & 0x3FU);
  }
  return {value, needed + 1, true};
}

// The code point at byte `pos` after preprocessing (3.3): CR LF, CR and FF read as one LF;
// NUL as U+FFFD. Inline: every code point read goes through here, most of them ASCII.
inline code_point decode_at(std::string_view in, std::size_t pos) noexcept {
  if (pos >= in.size()) return {};
  const auto byte = static_cast<unsigned char>(in[pos]);
  if (byte >= 0x80) return decode_utf8(in, pos);
  switch (byte) {
    case '\r':
      return {U'\n', pos + 1 < in.size() && in[pos + 1] == '\n' ? 2U : 1U, false};
    case '\f':
      return {U'\n', 1, false};
    case 0:
      return {replacement_character, 1, false};
    default:
      return {byte, 1, true};
  }
}

// 4.2 Definitions.
constexpr bool is_digit(char32_t c) noexcept {
  return c >= U'0' && c <= U'9';
}
constexpr bool is_hex_digit(char32_t c) noexcept {
  return is_digit(c) || (c >= U'a' && c <= U'f') || (c >= U'A' && c <= U'F');
}
constexpr bool is_letter(char32_t c) noexcept {
  return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}
constexpr bool is_non_ascii(char32_t c) noexcept {
  return c >= 0x80 && c != eof_code_point;
}
constexpr bool is_name_start(char32_t c) noexcept {
  return is_letter(c) || is_non_ascii(c) || c == U'_';
}
constexpr bool is_name_code_point(char32_t c) noexcept {
  return is_name_start(c) || is_digit(c) || c == U'-';
}
constexpr bool is_non_printable(char32_t c) noexcept {
  return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F;
}
constexpr bool is_whitespace(char32_t c) noexcept {
  return c == U'\n' || c == U'\t' || c == U' ';
}
// Whitespace at the byte level, before preprocessing (CR and FF become LF).
constexpr bool is_whitespace_byte(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// ASCII bytes that stand for themselves inside a name, a string and an unquoted url: the fast
// paths of 4.3.11, 4.3.5 and 4.3.6 copy runs of them without decoding (every other byte, and
// every non-ASCII one, takes the code point path).
enum plain_in : std::uint8_t { plain_in_name = 1, plain_in_string = 2, plain_in_url = 4 };

constexpr std::array<std::uint8_t, 256> plain_byte_table() noexcept {
  std::array<std::uint8_t, 256> table{};
  for (unsigned c = 0; c < 0x80; ++c) {
    const bool name = is_name_code_point(c);
    const bool string =
        c != '"' && c != '\'' && c != '\\' && c != '\n' && c != '\r' && c != '\f' && c != 0;
    const bool url =
        string && c != ')' && c != '(' && c != ' ' && c != '\t' && !is_non_printable(c);
    table[c] = static_cast<std::uint8_t>((name ? plain_in_name : 0) |
                                         (string ? plain_in_string : 0) | (url ? plain_in_url : 0));
  }
  return table;
}
constexpr std::array<std::uint8_t, 256> plain_bytes = plain_byte_table();

constexpr std::uint32_t hex_value(char32_t c) noexcept {
  if (is_digit(c)) return c - U'0';
  if (c >= U'a' && c <= U'f') return c - U'a' + 10;
  return c - U'A' + 10;
}

// 4.3.8 Check if two code points are a valid escape.
constexpr bool are_valid_escape(char32_t first, char32_t second) noexcept {
  return first == U'\\' && second != U'\n';
}

// 4.3.9 Check if three code points would start an ident sequence.
constexpr bool would_start_ident(char32_t first, char32_t second, char32_t third) noexcept {
  if (first == U'-') {
    return is_name_start(second) || second == U'-' || are_valid_escape(second, third);
  }
  if (is_name_start(first)) return true;
  return are_valid_escape(first, second);
}

// 4.3.10 Check if three code points would start a number.
constexpr bool would_start_number(char32_t first, char32_t second, char32_t third) noexcept {
  if (first == U'+' || first == U'-')
    return is_digit(second) || (second == U'.' && is_digit(third));
  if (first == U'.') return is_digit(second);
  return is_digit(first);
}

bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

void append_utf8(std::string& out, char32_t c) {
  const auto byte = [](char32_t v) { return static_cast<char>(static_cast<unsigned char>(v)); };
  if (c < 0x80) {
    out += byte(c);
  } else if (c < 0x800) {
    out += byte(0xC0 | (c >> 6U));
    out += byte(0x80 | (c & 0x3FU));
  } else if (c < 0x10000) {
    out += byte(0xE0 | (c >> 12U));
    out += byte(0x80 | ((c >> 6U) & 0x3FU));
    out += byte(0x80 | (c & 0x3FU));
  } else {
    out += byte(0xF0 | (c >> 18U));
    out += byte(0x80 | ((c >> 12U) & 0x3FU));
    out += byte(0x80 | ((c >> 6U) & 0x3FU));
    out += byte(0x80 | (c & 0x3FU));
  }
}

// 4.3.13 Convert a string to a number, for a representation that 4.3.12 produced. from_chars
// rounds correctly and ignores the locale; it takes no '+'. Out of range means an exponent
// too large either way: the value is then an infinity or a zero of the number's sign.
double convert_to_number(std::string_view repr) noexcept {
  if (!repr.empty() && repr.front() == '+') repr.remove_prefix(1);
  double value = 0;
  const auto [end, error] =
      std::from_chars(repr.data(), repr.data() + repr.size(), value, std::chars_format::general);
  if (error != std::errc::result_out_of_range) return value;
  const bool negative = !repr.empty() && repr.front() == '-';
  const std::size_t e = repr.find_first_of("eE");
  const bool tiny = e != std::string_view::npos && e + 1 < repr.size() && repr[e + 1] == '-';
  const double magnitude = tiny ? 0.0 : std::numeric_limits<double>::infinity();
  return negative ? -magnitude : magnitude;
}

// A token's value: a view of the input for as long as every code point appended is its own
// bytes, following on from the previous one; a copy in the buffer from the first that is not.
class value_builder {
 public:
  value_builder(std::string_view in, std::string& buffer) : in_(in), buffer_(buffer) {
    buffer_.clear();
  }

  // Appends the code point `c`, read at byte `pos`.
  void append_read(const code_point& c, std::size_t pos) {
    if (!c.verbatim) return append(c.value);
    if (!decoded_) {
      if (begin_ == end_) begin_ = end_ = pos;
      if (pos == end_) {
        end_ += c.size;
        return;
      }
      move_to_buffer();
    }
    buffer_.append(in_.data() + pos, c.size);
  }

  // Appends the input's bytes [from, to), each an ASCII code point standing for itself.
  void append_run(std::size_t from, std::size_t to) {
    if (!decoded_) {
      if (begin_ == end_) begin_ = end_ = from;
      if (from == end_) {
        end_ = to;
        return;
      }
      move_to_buffer();
    }
    buffer_.append(in_.data() + from, to - from);
  }

  // Appends a code point that is not the input's bytes (an escape, a replacement).
  void append(char32_t c) {
    move_to_buffer();
    append_utf8(buffer_, c);
  }

  [[nodiscard]] std::string_view value() const noexcept {
    return decoded_ ? std::string_view(buffer_) : in_.substr(begin_, end_ - begin_);
  }
  [[nodiscard]] bool decoded() const noexcept { return decoded_; }

 private:
  void move_to_buffer() {
    if (decoded_) return;
    buffer_.assign(in_.substr(begin_, end_ - begin_));
    decoded_ = true;
  }

  std::string_view in_;
  std::string& buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool decoded_ = false;
};

// The algorithms of 4.3, reading from a tokenizer's input at its position.
class token_reader {
 public:
  token_reader(std::string_view in, std::size_t& pos, std::string& buffer) noexcept
      : in_(in), pos_(pos), buffer_(buffer) {}

  // 4.3.1 Consume a token.
  token consume_token() {
    consume_comments();
    start_ = pos_;
    const code_point c = read();
    switch (c.value) {
      case U'\n':
      case U'\t':
      case U' ':
        consume_whitespace();
        return make(token_type::whitespace);
      case U'"':
      case U'\'':
        return consume_string_token(c.value);
      case U'#':
        return consume_hash_or_delim();
      case U'(':
        return make(token_type::open_paren);
      case U')':
        return make(token_type::close_paren);
      case U'+':
      case U'.':
        return starts_number(c.value) ? reconsume_numeric_token() : delim();
      case U',':
        return make(token_type::comma);
      case U'-':
        return consume_after_hyphen();
      case U':':
        return make(token_type::colon);
      case U';':
        return make(token_type::semicolon);
      case U'<':
        return consume_cdo_or_delim();
      case U'@':
        return consume_at_keyword_or_delim();
      case U'[':
        return make(token_type::open_square);
      case U'\\':
        // A backslash before a newline is a parse error, and a delim.
        return are_valid_escape(c.value, peek().value) ? reconsume_ident_like_token() : delim();
      case U']':
        return make(token_type::close_square);
      case U'{':
        return make(token_type::open_curly);
      case U'}':
        return make(token_type::close_curly);
      case eof_code_point:
        return make(token_type::eof);
      default:
        if (is_digit(c.value)) return reconsume_numeric_token();
        if (is_name_start(c.value)) return reconsume_ident_like_token();
        return delim();
    }
  }

  [[nodiscard]] bool value_decoded() const noexcept { return value_decoded_; }

 private:
  // The next code point, consumed.
  code_point read() noexcept {
    const code_point c = decode_at(in_, pos_);
    pos_ += c.size;
    return c;
  }
  // The code point `skip` code points after the next one, not consumed.
  [[nodiscard]] code_point peek(int skip = 0) const noexcept {
    std::size_t at = pos_;
    code_point c = decode_at(in_, at);
    for (int i = 0; i < skip; ++i) {
      at += c.size;
      c = decode_at(in_, at);
    }
    return c;
  }
  [[nodiscard]] char byte_at(std::size_t at) const noexcept {
    return at < in_.size() ? in_[at] : '\0';
  }
  // The byte at `at` as a code point, for tests that only ASCII passes (digits, hex digits).
  [[nodiscard]] char32_t byte_value(std::size_t at) const noexcept {
    return static_cast<unsigned char>(byte_at(at));
  }

  // Consumes the run of bytes plain in `context` (a plain_in flag) from the position, into
  // `out`.
  void consume_plain_run(std::uint8_t context, value_builder& out) {
    const std::size_t from = pos_;
    while (pos_ < in_.size() &&
           (plain_bytes[static_cast<unsigned char>(in_[pos_])] & context) != 0) {
      ++pos_;
    }
    if (pos_ > from) out.append_run(from, pos_);
  }

  // "starts with a number" / "would start an identifier" for the current code point `current`
  // (already consumed) and the next two.
  [[nodiscard]] bool starts_number(char32_t current) const noexcept {
    return would_start_number(current, peek().value, peek(1).value);
  }
  [[nodiscard]] bool next_three_start_ident() const noexcept {
    return would_start_ident(peek().value, peek(1).value, peek(2).value);
  }

  token make(token_type type) const noexcept {
    token t;
    t.type = type;
    t.begin = start_;
    t.end = pos_;
    return t;
  }
  token make(token_type type, const value_builder& value) {
    token t = make(type);
    t.value = value.value();
    value_decoded_ = value.decoded();
    return t;
  }
  // A delim token for the code point just consumed: always one ASCII byte, as every non-ASCII
  // code point starts a name.
  token delim() const noexcept {
    token t = make(token_type::delim);
    t.value = in_.substr(start_, pos_ - start_);
    return t;
  }
  token reconsume_numeric_token() {
    pos_ = start_;
    return consume_numeric_token();
  }
  token reconsume_ident_like_token() {
    pos_ = start_;
    return consume_ident_like_token();
  }

  // 4.3.2 Consume comments. '/' and '*' are ASCII, which UTF-8 never uses inside a sequence.
  void consume_comments() noexcept {
    while (pos_ + 1 < in_.size() && in_[pos_] == '/' && in_[pos_ + 1] == '*') {
      const std::size_t close = in_.find("*/", pos_ + 2);
      pos_ = close == std::string_view::npos ? in_.size() : close + 2;  // EOF: a parse error
    }
  }

  void consume_whitespace() noexcept {
    while (pos_ < in_.size() && is_whitespace_byte(in_[pos_])) ++pos_;
  }

  token consume_hash_or_delim() {
    const code_point next = peek();
    if (!is_name_code_point(next.value) && !are_valid_escape(next.value, peek(1).value)) {
      return delim();
    }
    const bool id = next_three_start_ident();
    value_builder name(in_, buffer_);
    consume_ident_sequence(name);
    token t = make(token_type::hash, name);
    t.hash = id ? hash_type::id : hash_type::unrestricted;
    return t;
  }

  token consume_after_hyphen() {
    if (starts_number(U'-')) return reconsume_numeric_token();
    if (byte_at(pos_) == '-' && byte_at(pos_ + 1) == '>') {
      pos_ += 2;
      return make(token_type::cdc);
    }
    if (would_start_ident(U'-', peek().value, peek(1).value)) return reconsume_ident_like_token();
    return delim();
  }

  token consume_cdo_or_delim() {
    if (in_.substr(pos_, 3) != "!--") return delim();
    pos_ += 3;
    return make(token_type::cdo);
  }

  token consume_at_keyword_or_delim() {
    if (!next_three_start_ident()) return delim();
    value_builder name(in_, buffer_);
    consume_ident_sequence(name);
    return make(token_type::at_keyword, name);
  }

  // 4.3.3 Consume a numeric token.
  token consume_numeric_token() {
    const auto [value, type] = consume_number();
    token t;
    if (next_three_start_ident()) {
      value_builder unit(in_, buffer_);
      consume_ident_sequence(unit);
      t = make(token_type::dimension, unit);
    } else if (byte_at(pos_) == '%') {
      ++pos_;
      t = make(token_type::percentage);
    } else {
      t = make(token_type::number);
    }
    t.numeric_value = value;
    t.numeric = type;  // a percentage has no type flag in the standard; kept for callers
    return t;
  }

  // 4.3.12 Consume a number. Every code point it reads is ASCII, so it reads bytes.
  std::pair<double, numeric_type> consume_number() noexcept {
    const std::size_t begin = pos_;
    numeric_type type = numeric_type::integer;
    const auto digit_at = [this](std::size_t at) { return is_digit(byte_value(at)); };
    const auto consume_digits = [&] {
      while (digit_at(pos_)) ++pos_;
    };
    if (byte_at(pos_) == '+' || byte_at(pos_) == '-') ++pos_;
    consume_digits();
    if (byte_at(pos_) == '.' && digit_at(pos_ + 1)) {
      pos_ += 2;
      type = numeric_type::number;
      consume_digits();
    }
    if (byte_at(pos_) == 'e' || byte_at(pos_) == 'E') {
      const bool sign = byte_at(pos_ + 1) == '+' || byte_at(pos_ + 1) == '-';
      if (digit_at(pos_ + (sign ? 2 : 1))) {
        pos_ += sign ? 3 : 2;
        type = numeric_type::number;
        consume_digits();
      }
    }
    return {convert_to_number(in_.substr(begin, pos_ - begin)), type};
  }

  // 4.3.4 Consume an ident-like token.
  token consume_ident_like_token() {
    value_builder name(in_, buffer_);
    consume_ident_sequence(name);
    if (byte_at(pos_) != '(') return make(token_type::ident, name);
    ++pos_;
    if (!ascii_iequals(name.value(), "url")) return make(token_type::function, name);
    // A quoted url( is a function token, the string a token of its own; all but one
    // whitespace before the quote belongs to the function token.
    while (is_whitespace(peek().value) && is_whitespace(peek(1).value)) read();
    const char32_t next = peek().value;
    const char32_t quote = is_whitespace(next) ? peek(1).value : next;
    if (quote == U'"' || quote == U'\'') return make(token_type::function, name);
    return consume_url_token();
  }

  // 4.3.5 Consume a string token.
  token consume_string_token(char32_t ending) {
    value_builder value(in_, buffer_);
    for (;;) {
      consume_plain_run(plain_in_string, value);
      const std::size_t at = pos_;
      const code_point c = decode_at(in_, at);
      if (c.value == eof_code_point) return make(token_type::string, value);  // a parse error
      if (c.value == U'\n') return make(token_type::bad_string);  // the newline is reconsumed
      pos_ += c.size;
      if (c.value == ending) return make(token_type::string, value);
      if (c.value != U'\\') {
        value.append_read(c, at);
        continue;
      }
      const code_point next = peek();
      if (next.value == eof_code_point) continue;
      if (next.value == U'\n') {
        pos_ += next.size;  // an escaped newline continues the string, adding nothing
        continue;
      }
      value.append(consume_escaped_code_point());
    }
  }

  // 4.3.6 Consume a url token, after "url(".
  token consume_url_token() {
    value_builder value(in_, buffer_);
    consume_whitespace();
    for (;;) {
      consume_plain_run(plain_in_url, value);
      const std::size_t at = pos_;
      const code_point c = read();
      if (c.value == U')' || c.value == eof_code_point) return make(token_type::url, value);
      if (is_whitespace(c.value)) {
        consume_whitespace();
        const code_point next = peek();
        if (next.value == U')' || next.value == eof_code_point) {
          pos_ += next.size;
          return make(token_type::url, value);
        }
        return consume_remnants_of_bad_url();
      }
      if (c.value == U'"' || c.value == U'\'' || c.value == U'(' || is_non_printable(c.value)) {
        return consume_remnants_of_bad_url();
      }
      if (c.value == U'\\') {
        if (!are_valid_escape(c.value, peek().value)) return consume_remnants_of_bad_url();
        value.append(consume_escaped_code_point());
        continue;
      }
      value.append_read(c, at);
    }
  }

  // 4.3.14 Consume the remnants of a bad url.
  token consume_remnants_of_bad_url() {
    for (;;) {
      const code_point c = read();
      if (c.value == U')' || c.value == eof_code_point) return make(token_type::bad_url);
      // An escaped ')' does not end it.
      if (are_valid_escape(c.value, peek().value)) consume_escaped_code_point();
    }
  }

  // 4.3.7 Consume an escaped code point, after the backslash of a valid escape.
  char32_t consume_escaped_code_point() noexcept {
    const code_point c = read();
    if (c.value == eof_code_point) return replacement_character;  // a parse error
    if (!is_hex_digit(c.value)) return c.value;
    std::uint32_t value = hex_value(c.value);
    for (int digits = 1; digits < 6 && is_hex_digit(byte_value(pos_)); ++digits) {
      value = value * 16 + hex_value(byte_value(pos_));
      ++pos_;
    }
    if (is_whitespace(peek().value)) read();  // CR LF is one whitespace (3.3)
    if (value == 0 || (value >= 0xD800 && value <= 0xDFFF) || value > maximum_allowed_code_point) {
      return replacement_character;
    }
    return value;
  }

  // 4.3.11 Consume an ident sequence ("consume a name").
  void consume_ident_sequence(value_builder& out) {
    for (;;) {
      consume_plain_run(plain_in_name, out);
      const std::size_t at = pos_;
      const code_point c = decode_at(in_, at);
      if (is_name_code_point(c.value)) {
        pos_ += c.size;
        out.append_read(c, at);
      } else if (c.value == U'\\' && are_valid_escape(c.value, decode_at(in_, at + 1).value)) {
        pos_ += 1;
        out.append(consume_escaped_code_point());
      } else {
        return;
      }
    }
  }

  std::string_view in_;
  std::size_t& pos_;
  std::string& buffer_;
  std::size_t start_ = 0;  // where the token being read begins
  bool value_decoded_ = false;
};

}  // namespace

std::string_view to_string(token_type type) noexcept {
  static constexpr std::array<std::string_view, 25> names{
      "ident",   "function", "at-keyword", "hash",       "string",    "bad-string", "url",
      "bad-url", "delim",    "number",     "percentage", "dimension", "whitespace", "CDO",
      "CDC",     "colon",    "semicolon",  "comma",      "[",         "]",          "(",
      ")",       "{",        "}",          "EOF"};
  const auto i = static_cast<std::size_t>(type);
  return i < names.size() ? names[i] : "unknown";
}

result<tokenizer> tokenizer::create(std::string_view css, const tokenizer_options& options) {
  if (css.size() > options.max_input_bytes) return errc::input_too_large;
  return tokenizer(css);
}

token tokenizer::next_token() {
  token_reader reader(input_, position_, buffer_);
  token t = reader.consume_token();
  last_value_decoded_ = reader.value_decoded();
  return t;
}

result<token_list> tokenize(std::string_view css, const tokenizer_options& options) {
  auto reader = tokenizer::create(css, options);
  if (!reader) return reader.error();
  token_list list;
  // A typical stylesheet has a token per three to four bytes; growing past that is rare.
  list.tokens_.reserve(css.size() / 4 + 1);
  std::string decoded;
  std::vector<std::pair<std::size_t, std::size_t>> moved;  // token index, offset in decoded
  for (;;) {
    const token t = reader->next_token();
    if (t.type == token_type::eof) break;
    if (reader->last_value_decoded()) {
      moved.emplace_back(list.tokens_.size(), decoded.size());
      decoded.append(t.value);
    }
    list.tokens_.push_back(t);
  }
  // The values that were in the tokenizer's buffer move to storage that a move of the list
  // leaves in place (a std::string's small-string storage would not).
  list.decoded_ = std::make_unique<char[]>(decoded.size());
  if (!decoded.empty()) std::memcpy(list.decoded_.get(), decoded.data(), decoded.size());
  for (const auto& [index, offset] : moved) {
    token& t = list.tokens_[index];
    t.value = std::string_view(list.decoded_.get() + offset, t.value.size());
  }
  return list;
}

}  // namespace corofetch::css
