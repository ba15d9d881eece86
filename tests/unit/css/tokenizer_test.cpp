// The CSS tokenizer against CSS Syntax Level 3, section 4: every token type, preprocessing
// (3.3), escapes, strings, url(), comments, numbers, and the byte offsets and value views the
// page loader relies on.
#include <corofetch/css/tokenizer.hpp>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using corofetch::css::hash_type;
using corofetch::css::numeric_type;
using corofetch::css::token;
using corofetch::css::token_type;
using corofetch::css::tokenize;
using corofetch::css::tokenizer;

namespace {

// A token in a compact form: "ident:red", "hash:id:x", "number:int:12", "dimension:num:1.5:px",
// "delim:." and the punctuation tokens as themselves (" " for whitespace).
std::string describe(const token& t) {
  const std::string_view v = t.value;
  const char* numeric = t.numeric == numeric_type::integer ? "int" : "num";
  switch (t.type) {
    case token_type::ident:
    case token_type::function:
    case token_type::at_keyword:
    case token_type::string:
    case token_type::url:
    case token_type::delim:
      return fmt::format("{}:{}", to_string(t.type), v);
    case token_type::hash:
      return fmt::format("hash:{}:{}", t.hash == hash_type::id ? "id" : "unrestricted", v);
    case token_type::number:
      return fmt::format("number:{}:{}", numeric, t.numeric_value);
    case token_type::percentage:
      return fmt::format("percentage:{}", t.numeric_value);
    case token_type::dimension:
      return fmt::format("dimension:{}:{}:{}", numeric, t.numeric_value, v);
    case token_type::whitespace:
      return " ";
    default:
      return std::string(to_string(t.type));
  }
}

std::vector<std::string> tokens_of(std::string_view css) {
  auto list = tokenize(css);
  REQUIRE(list);
  std::vector<std::string> out;
  for (const token& t : *list) out.push_back(describe(t));
  return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("tokenizer: every token type of a small stylesheet", "[unit]") {
  CHECK(tokens_of("@media screen{a#x.y>b:hover[href],p{color:red;}}") == strings{"at-keyword:media",
                                                                                 " ",
                                                                                 "ident:screen",
                                                                                 "{",
                                                                                 "ident:a",
                                                                                 "hash:id:x",
                                                                                 "delim:.",
                                                                                 "ident:y",
                                                                                 "delim:>",
                                                                                 "ident:b",
                                                                                 "colon",
                                                                                 "ident:hover",
                                                                                 "[",
                                                                                 "ident:href",
                                                                                 "]",
                                                                                 "comma",
                                                                                 "ident:p",
                                                                                 "{",
                                                                                 "ident:color",
                                                                                 "colon",
                                                                                 "ident:red",
                                                                                 "semicolon",
                                                                                 "}",
                                                                                 "}"});
  CHECK(tokens_of("width: calc(50% - 2.5em) !important") ==
        strings{"ident:width", "colon", " ", "function:calc", "percentage:50", " ", "delim:-", " ",
                "dimension:num:2.5:em", ")", " ", "delim:!", "ident:important"});
  CHECK(tokens_of("<!-- a --> <!- -- -->") == strings{"CDO", " ", "ident:a", " ", "CDC", " ",
                                                      "delim:<", "delim:!", "delim:-", " ",
                                                      "ident:--", " ", "CDC"});
  CHECK(tokens_of("").empty());
}

TEST_CASE("tokenizer: comments are consumed everywhere, but not inside strings and urls",
          "[unit]") {
  CHECK(tokens_of("a/**/b /* x */ c/*") == strings{"ident:a", "ident:b", " ", " ", "ident:c"});
  CHECK(tokens_of("/*a*//*b*/").empty());
  CHECK(tokens_of("1/**/px") == strings{"number:int:1", "ident:px"});
  CHECK(tokens_of("'/*x*/' url(/*y*/)") == strings{"string:/*x*/", " ", "url:/*y*/"});
  CHECK(tokens_of("/* unterminated \n comment").empty());
  CHECK(tokens_of("-/**/->") == strings{"delim:-", "delim:-", "delim:>"});
}

TEST_CASE("tokenizer: identifiers and would start an identifier", "[unit]") {
  CHECK(tokens_of("-a --b -- -\\31  -1 -. - _x") ==
        strings{"ident:-a", " ", "ident:--b", " ", "ident:--", " ", "ident:-1", " ",
                "number:int:-1", " ", "delim:-", "delim:.", " ", "delim:-", " ", "ident:_x"});
  CHECK(tokens_of("caf\xC3\xA9 \xE2\x98\x83") ==
        strings{"ident:caf\xC3\xA9", " ", "ident:\xE2\x98\x83"});
  CHECK(tokens_of("@a @-b @1 @ @\\40") == strings{"at-keyword:a", " ", "at-keyword:-b", " ",
                                                  "delim:@", "number:int:1", " ", "delim:@", " ",
                                                  "at-keyword:@"});
  CHECK(tokens_of("#a #1 #- #\\@ # x") == strings{"hash:id:a", " ", "hash:unrestricted:1", " ",
                                                  "hash:unrestricted:-", " ", "hash:id:@", " ",
                                                  "delim:#", " ", "ident:x"});
}

TEST_CASE("tokenizer: escapes", "[unit]") {
  // Hex escapes take up to six digits and one whitespace after them (CR LF counting as one).
  CHECK(tokens_of("\\41 B \\000041B \\41\r\nB \\41\tB") ==
        strings{"ident:AB", " ", "ident:AB", " ", "ident:AB", " ", "ident:AB"});
  CHECK(tokens_of("\\1F600x") == strings{"ident:\xF0\x9F\x98\x80x"});
  CHECK(tokens_of("\\0000411") == strings{"ident:A1"});
  // Zero, surrogates and values past U+10FFFF read as U+FFFD.
  CHECK(tokens_of("a\\0  a\\D800  a\\110000") ==
        strings{"ident:a\xEF\xBF\xBD", " ", "ident:a\xEF\xBF\xBD", " ", "ident:a\xEF\xBF\xBD"});
  // Any other code point escapes itself.
  CHECK(tokens_of("\\.a\\:b \\\"c \\\xC3\xA9") ==
        strings{"ident:.a:b", " ", "ident:\"c", " ", "ident:\xC3\xA9"});
  // An escape cut by the end of input is U+FFFD.
  CHECK(tokens_of("ab\\") == strings{"ident:ab\xEF\xBF\xBD"});
  CHECK(tokens_of("\\") == strings{"ident:\xEF\xBF\xBD"});
  // A backslash before a newline is no escape: a delim, then the newline.
  CHECK(tokens_of("a\\\nb") == strings{"ident:a", "delim:\\", " ", "ident:b"});
  // An escaped hex digit is not a number, and 'e' cannot be escaped in an exponent.
  CHECK(tokens_of("\\31 0 3\\65-2") == strings{"ident:10", " ", "dimension:int:3:e-2"});
}

TEST_CASE("tokenizer: strings, escaped newlines and bad strings", "[unit]") {
  CHECK(tokens_of("'a' \"b\" 'c\"d' \"e'f\"") ==
        strings{"string:a", " ", "string:b", " ", "string:c\"d", " ", "string:e'f"});
  // An escaped newline (any of LF, CR LF, CR, FF) continues the string and adds nothing.
  CHECK(tokens_of("'a\\\nb' 'a\\\r\nb' 'a\\\rb' 'a\\\fb'") ==
        strings{"string:ab", " ", "string:ab", " ", "string:ab", " ", "string:ab"});
  CHECK(tokens_of("'\\'' \"\\\\\" '\\41 x'") ==
        strings{"string:'", " ", "string:\\", " ", "string:Ax"});
  // An unescaped newline makes a bad string, and is itself read again as whitespace.
  CHECK(tokens_of("'ab\ncd'") == strings{"bad-string", " ", "ident:cd", "string:"});
  CHECK(tokens_of("\"ab\r\n") == strings{"bad-string", " "});
  // The end of input closes a string, even after a backslash.
  CHECK(tokens_of("'abc") == strings{"string:abc"});
  CHECK(tokens_of("'abc\\") == strings{"string:abc"});
}

TEST_CASE("tokenizer: url(), quoted and unquoted, and bad urls", "[unit]") {
  CHECK(tokens_of("url(a.png) URL( b.png ) uRl(\n\tc\\)d.png\n)") ==
        strings{"url:a.png", " ", "url:b.png", " ", "url:c)d.png"});
  CHECK(tokens_of("url() url(   ) url(a") == strings{"url:", " ", "url:", " ", "url:a"});
  // A quoted url( is a function token and a string token (4.3.4); one whitespace before the
  // quote stays a token of its own.
  CHECK(tokens_of("url(\"a b\") url( 'c')") ==
        strings{"function:url", "string:a b", ")", " ", "function:url", " ", "string:c", ")"});
  CHECK(tokens_of("url(    \"x\" )") == strings{"function:url", " ", "string:x", " ", ")"});
  CHECK(tokens_of("\\75 rl(x) url (x)") ==
        strings{"url:x", " ", "ident:url", " ", "(", "ident:x", ")"});
  // Whitespace inside, a quote, '(' or a control character: a bad url, up to the next ')'
  // that is not escaped.
  CHECK(tokens_of("url(a b) url(a\"b) url(a'b) url(a(b) url(a\x01) url(a\\\n) x") ==
        strings{"bad-url", " ", "bad-url", " ", "bad-url", " ", "bad-url", " ", "bad-url", " ",
                "bad-url", " ", "ident:x"});
  CHECK(tokens_of("url(a b\\) c) d") == strings{"bad-url", " ", "ident:d"});
  CHECK(tokens_of("url(a\\ b\\(c)") == strings{"url:a b(c"});
  CHECK(tokens_of("url(a\\") == strings{"url:a\xEF\xBF\xBD"});
}

TEST_CASE("tokenizer: numbers, signs, exponents and their type flags", "[unit]") {
  CHECK(tokens_of("12 +34 -45 .67 +.89 -.01 2.3 +45.0") ==
        strings{"number:int:12", " ", "number:int:34", " ", "number:int:-45", " ",
                "number:num:0.67", " ", "number:num:0.89", " ", "number:num:-0.01", " ",
                "number:num:2.3", " ", "number:num:45"});
  CHECK(tokens_of("1e3 1E+2 5e-1 3e 3e+ 3.e2") ==
        strings{"number:num:1000", " ", "number:num:100", " ", "number:num:0.5", " ",
                "dimension:int:3:e", " ", "dimension:int:3:e", "delim:+", " ", "number:int:3",
                "delim:.", "ident:e2"});
  CHECK(tokens_of("3e-2.1 1.5.5") ==
        strings{"number:num:0.03", "number:num:0.1", " ", "number:num:1.5", "number:num:0.5"});
  CHECK(tokens_of("50% -1.5% 10px 1e3px 1ex 2--x 3-- 4\\%") ==
        strings{"percentage:50", " ", "percentage:-1.5", " ", "dimension:int:10:px", " ",
                "dimension:num:1000:px", " ", "dimension:int:1:ex", " ", "dimension:int:2:--x", " ",
                "dimension:int:3:--", " ", "dimension:int:4:%"});
  CHECK(tokens_of("+ - . +a -.a") == strings{"delim:+", " ", "delim:-", " ", "delim:.", " ",
                                             "delim:+", "ident:a", " ", "delim:-", "delim:.",
                                             "ident:a"});

  auto huge = tokenize("1e999 -1e999 1e-999 12345678901234567890");
  REQUIRE(huge);
  REQUIRE(huge->size() == 7);
  CHECK(std::isinf((*huge)[0].numeric_value));
  CHECK((*huge)[0].numeric_value > 0);
  CHECK((*huge)[2].numeric_value < 0);
  CHECK((*huge)[4].numeric_value == 0.0);
  CHECK((*huge)[6].numeric_value == 12345678901234567890.0);
  CHECK((*huge)[6].numeric == numeric_type::integer);
}

TEST_CASE("tokenizer: unicode ranges are idents, numbers and dimensions", "[unit]") {
  // CSS Syntax 3 has no unicode-range token; <urange> is read from these
  // (CSS Syntax, "the <urange> type").
  CHECK(tokens_of("U+0025-00FF u+4?? U+1F600") ==
        strings{"ident:U", "number:int:25", "dimension:int:-0:FF", " ", "ident:u", "number:int:4",
                "delim:?", "delim:?", " ", "ident:U", "dimension:int:1:F600"});
}

TEST_CASE("tokenizer: preprocessing of newlines, NUL and invalid UTF-8", "[unit]") {
  CHECK(tokens_of("a\r\nb\rc\fd") ==
        strings{"ident:a", " ", "ident:b", " ", "ident:c", " ", "ident:d"});
  CHECK(tokens_of(std::string_view("a\0b", 3)) == strings{"ident:a\xEF\xBF\xBD"
                                                          "b"});
  CHECK(tokens_of(std::string_view("'\0'", 3)) == strings{"string:\xEF\xBF\xBD"});
  // Invalid sequences read as U+FFFD per maximal subpart (WHATWG Encoding, UTF-8 decode),
  // so an encoded surrogate is three of them and a truncated sequence one.
  CHECK(tokens_of("a\xFF"
                  "b") == strings{"ident:a\xEF\xBF\xBD"
                                  "b"});
  CHECK(tokens_of("a\xED\xA0\x80") == strings{"ident:a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"});
  CHECK(tokens_of("a\xE2\x98") == strings{"ident:a\xEF\xBF\xBD"});
  CHECK(tokens_of("'\xC0\xAF'") == strings{"string:\xEF\xBF\xBD\xEF\xBF\xBD"});
  CHECK(tokens_of("\xF0\x9F\x98\x80") == strings{"ident:\xF0\x9F\x98\x80"});
}

TEST_CASE("tokenizer: byte offsets of each token, comments left out", "[unit]") {
  const std::string_view css = "a { /* c */ background:url( x.png )}\r\n'\\41'";
  auto list = tokenize(css);
  REQUIRE(list);
  std::vector<std::pair<std::string, std::string_view>> seen;
  for (const token& t : *list) seen.emplace_back(describe(t), css.substr(t.begin, t.end - t.begin));
  using pair = std::pair<std::string, std::string_view>;
  CHECK(seen == std::vector<pair>{{"ident:a", "a"},
                                  {" ", " "},
                                  {"{", "{"},
                                  {" ", " "},
                                  {" ", " "},
                                  {"ident:background", "background"},
                                  {"colon", ":"},
                                  {"url:x.png", "url( x.png )"},
                                  {"}", "}"},
                                  {" ", "\r\n"},
                                  {"string:A", "'\\41'"}});
}

TEST_CASE("tokenizer: pull API, value views and the decoding buffer", "[unit]") {
  const std::string css = "abc \\61 b 'x\\\ny' #id";
  auto reader = tokenizer::create(css);
  REQUIRE(reader);
  CHECK(reader->input().data() == css.data());

  token t = reader->next_token();
  CHECK(t.value == "abc");
  CHECK(t.value.data() == css.data());  // a view of the input: nothing decoded
  CHECK_FALSE(reader->last_value_decoded());
  CHECK(reader->position() == 3);

  CHECK(reader->next_token().type == token_type::whitespace);
  t = reader->next_token();
  CHECK(t.value == "ab");
  CHECK(reader->last_value_decoded());
  CHECK(reader->next_token().type == token_type::whitespace);
  t = reader->next_token();
  CHECK(t.value == "xy");  // the escaped newline breaks the view
  CHECK(reader->last_value_decoded());
  reader->next_token();
  t = reader->next_token();
  CHECK(t.type == token_type::hash);
  CHECK(t.value.data() == css.data() + css.size() - 2);
  for (int i = 0; i < 3; ++i) {
    t = reader->next_token();
    CHECK(t.type == token_type::eof);
    CHECK(t.begin == css.size());
    CHECK(t.end == css.size());
  }
}

TEST_CASE("tokenizer: tokenize keeps decoded values valid across moves", "[unit]") {
  const std::string css = "\\41  \\42  'd\\\ne' a";
  auto list = tokenize(css);
  REQUIRE(list);
  corofetch::css::token_list moved = std::move(*list);
  REQUIRE(moved.size() == 7);
  CHECK(moved[0].value == "A");
  CHECK(moved[2].value == "B");
  CHECK(moved[4].value == "de");
  CHECK(moved[6].value == "a");
  CHECK(moved[6].value.data() == css.data() + css.size() - 1);
}

TEST_CASE("tokenizer: input larger than the maximum is an error", "[unit]") {
  corofetch::css::tokenizer_options options;
  options.max_input_bytes = 4;
  CHECK(tokenizer::create("abcd", options).has_value());
  const auto too_large = tokenizer::create("abcde", options);
  REQUIRE_FALSE(too_large);
  CHECK(too_large.error() == corofetch::css::errc::input_too_large);
  CHECK(std::string(too_large.error().category().name()) == "corofetch.css");
  CHECK_FALSE(tokenize("abcde", options));
}
