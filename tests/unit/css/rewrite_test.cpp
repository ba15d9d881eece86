// Link rewriting for --convert-links: CSSOM string and URL serialization, and rewritten
// stylesheets whose other bytes stay as they were and whose new URLs read back as written.
#include <corofetch/css/rewrite.hpp>
#include <corofetch/css/tokenizer.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

using corofetch::css::reference;
using corofetch::css::reference_kind;
using corofetch::css::rewrite_css;
using corofetch::css::rewrite_css_references;
using corofetch::css::serialize_string;
using corofetch::css::serialize_url;

namespace {

const corofetch::url::url& sheet_url() {
  static const auto base = corofetch::url::parse("https://example.com/css/site.css");
  return base.value();
}

// What the tokenizer reads from `css`, which must be one string token.
std::string read_string(std::string_view css) {
  auto tokens = corofetch::css::tokenize(css);
  REQUIRE(tokens);
  REQUIRE(tokens->size() == 1);
  REQUIRE((*tokens)[0].type == corofetch::css::token_type::string);
  return std::string((*tokens)[0].value);
}

// Maps every reference to "saved/<last path segment>".
std::optional<std::string> to_saved(const reference& r) {
  const std::string_view path = r.location.pathname();
  return "saved/" + std::string(path.substr(path.rfind('/') + 1));
}

}  // namespace

TEST_CASE("rewrite: serialize a string and a URL as CSSOM does", "[unit]") {
  CHECK(serialize_string("a.png") == "\"a.png\"");
  CHECK(serialize_string("") == "\"\"");
  CHECK(serialize_string("say \"hi\" \\o/") == "\"say \\\"hi\\\" \\\\o/\"");
  CHECK(serialize_string("it's") == "\"it's\"");
  CHECK(serialize_string("a\nb\tc\x7F"
                         "d") == "\"a\\a b\\9 c\\7f d\"");
  CHECK(serialize_string(std::string_view("a\0b", 3)) ==
        "\"a\xEF\xBF\xBD"
        "b\"");
  CHECK(serialize_string("caf\xC3\xA9 (1).png") == "\"caf\xC3\xA9 (1).png\"");
  CHECK(serialize_url("../img/a b.png") == "url(\"../img/a b.png\")");
}

TEST_CASE("rewrite: serialized strings read back as the same string", "[unit]") {
  for (const std::string_view value :
       {"plain", "", "quote\" and ' apostrophe", "back\\slash", "new\nline", "\0011 hex after",
        "tab\tthen f", "\037F", "/*not a comment*/", "caf\xC3\xA9", "url(x)", "\r\n"}) {
    CAPTURE(value);
    CHECK(read_string(serialize_string(value)) == value);
  }
}

TEST_CASE("rewrite: references become saved paths, other bytes stay as they were", "[unit]") {
  const std::string css =
      "@import url(\"base.css\") screen;\r\n"
      "@import 'print.css' print;\n"
      "/* keep: url(comment.png) */\n"
      ".hero{background:URL( ../img/hero.png ) no-repeat, url('x.png')}\n"
      "@font-face{font-family:F;src:url(/f/a.woff2) format(\"woff2\")}\n"
      ".s{background-image:image-set(\"s1.png\" 1x, \"s2.png\" 2x)}\n"
      ".skip{background:url(#frag)}\n";
  const auto rewritten = rewrite_css_references(css, sheet_url(), to_saved);
  REQUIRE(rewritten);
  CHECK(*rewritten ==
        "@import url(\"saved/base.css\") screen;\r\n"
        "@import \"saved/print.css\" print;\n"
        "/* keep: url(comment.png) */\n"
        ".hero{background:url(\"saved/hero.png\") no-repeat, url(\"saved/x.png\")}\n"
        "@font-face{font-family:F;src:url(\"saved/a.woff2\") format(\"woff2\")}\n"
        ".s{background-image:image-set(\"saved/s1.png\" 1x, \"saved/s2.png\" 2x)}\n"
        ".skip{background:url(#frag)}\n");
}

TEST_CASE("rewrite: only the references the function maps change", "[unit]") {
  const std::string css = "a{background:url(a.png)}b{cursor:url(b.cur),auto}";
  const auto images_only = [](const reference& r) -> std::optional<std::string> {
    if (r.kind != reference_kind::image || r.property != "background") return std::nullopt;
    return std::string("x y\".png");
  };
  const auto rewritten = rewrite_css_references(css, sheet_url(), images_only);
  REQUIRE(rewritten);
  CHECK(*rewritten == "a{background:url(\"x y\\\".png\")}b{cursor:url(b.cur),auto}");
  const auto nothing = rewrite_css_references(
      css, sheet_url(), [](const reference&) { return std::optional<std::string>(); });
  REQUIRE(nothing);
  CHECK(*nothing == css);
}

TEST_CASE("rewrite: the rewritten stylesheet names the new URLs, kinds and conditions kept",
          "[unit]") {
  const std::string css =
      "@import url(a.css) layer(x) print;\n"
      "@font-face{src:url(\"f.woff\")}\n"
      "p{background:url(p\\ q.png);filter:url(f.svg#x);content:url('c.png')}\n"
      "q{background:url(\"unclosed";
  const auto before = corofetch::css::extract_css_references(css, sheet_url());
  REQUIRE(before);
  const std::string rewritten = rewrite_css(css, before->items, [](const reference& r) {
    return std::optional<std::string>("../saved/" + r.text + " (copy)");
  });
  const auto after = corofetch::css::extract_css_references(rewritten, sheet_url());
  REQUIRE(after);
  REQUIRE(after->items.size() == before->items.size());
  for (std::size_t i = 0; i < before->items.size(); ++i) {
    const reference& old_ref = before->items[i];
    const reference& new_ref = after->items[i];
    CAPTURE(i, old_ref.text);
    CHECK(new_ref.text == "../saved/" + old_ref.text + " (copy)");
    CHECK(new_ref.kind == old_ref.kind);
    CHECK(new_ref.property == old_ref.property);
    CHECK(new_ref.condition == old_ref.condition);
  }
  CHECK(after->items[0].condition == "layer(x) print");
  CHECK(after->items[2].location.href() == "https://example.com/saved/p%20q.png%20(copy)");
}

TEST_CASE("rewrite: references out of order or out of range are left alone", "[unit]") {
  const std::string css = "a{background:url(a.png),url(b.png)}";
  auto found = corofetch::css::extract_css_references(css, sheet_url());
  REQUIRE(found);
  REQUIRE(found->items.size() == 2);
  std::vector<reference> refs{found->items[1], found->items[0]};
  const auto mark = [](const reference&) { return std::optional<std::string>("z"); };
  CHECK(rewrite_css(css, refs, mark) == "a{background:url(a.png),url(\"z\")}");
  refs = {found->items[0]};
  refs[0].end = css.size() + 1;
  CHECK(rewrite_css(css, refs, mark) == css);
}
