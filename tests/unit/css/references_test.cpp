// extract_css_references: every kind of URL a stylesheet names, where browsers fetch it and
// where they do not, resolution against the base URL, @import forms and conditions, skipped
// URLs, style attributes and <style> text, byte ranges, and the bounds.
#include <corofetch/css/references.hpp>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using corofetch::css::extract_css_references;
using corofetch::css::reference_kind;
using corofetch::css::reference_options;
using corofetch::css::skip_reason;
using corofetch::css::source_kind;
using corofetch::css::url_syntax;

namespace {

const corofetch::url::url& sheet_url() {
  static const auto base = corofetch::url::parse("https://example.com/css/site.css?v=2");
  return base.value();
}

corofetch::css::references extract(std::string_view css, const reference_options& options = {}) {
  auto found = extract_css_references(css, sheet_url(), options);
  REQUIRE(found);
  return std::move(*found);
}

// Each item as "kind property href".
std::vector<std::string> items_of(std::string_view css, const reference_options& options = {}) {
  std::vector<std::string> out;
  for (const auto& r : extract(css, options).items) {
    out.push_back(fmt::format("{} {} {}", to_string(r.kind), r.property, r.location.href()));
  }
  return out;
}

// Each skipped URL as "reason kind text".
std::vector<std::string> skipped_of(std::string_view css, const reference_options& options = {}) {
  std::vector<std::string> out;
  for (const auto& s : extract(css, options).skipped) {
    out.push_back(fmt::format("{}|{}|{}", to_string(s.reason), to_string(s.kind), s.text));
  }
  return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("css references: url() in declarations, quoted and unquoted, resolved", "[unit]") {
  CHECK(items_of("body { background: url(../img/bg.png) no-repeat; }\n"
                 ".a { background-image: url('a.png'), url( \"/b.png\" ) }\n"
                 "#c{BACKGROUND-IMAGE:URL(//cdn.example.net/c.png)}") ==
        strings{"image background https://example.com/img/bg.png",
                "image background-image https://example.com/css/a.png",
                "image background-image https://example.com/b.png",
                "image background-image https://cdn.example.net/c.png"});
  // Escapes are decoded before the URL is parsed; comments are not part of anything.
  CHECK(items_of("p{background/**/:/**/url(a\\ b\\).png)}p{content:url('q\\'x\\\n.png')}") ==
        strings{"image background https://example.com/css/a%20b).png",
                "image content https://example.com/css/q'x.png"});
}

TEST_CASE("css references: the kind follows the property", "[unit]") {
  CHECK(items_of("a{border-image:url(1.png) 30;border-image-source:url(2.png);"
                 "list-style:url(3.png) inside;list-style-image:url(4.png);content:url(5.png);"
                 "cursor:url(6.cur) 2 2,auto;mask:url(7.svg);mask-image:url(8.svg);"
                 "-webkit-mask-box-image:url(9.png);-webkit-mask-image:url(10.png);"
                 "shape-outside:url(11.png);mask-border-source:url(12.png)}") ==
        strings{"image border-image https://example.com/css/1.png",
                "image border-image-source https://example.com/css/2.png",
                "image list-style https://example.com/css/3.png",
                "image list-style-image https://example.com/css/4.png",
                "image content https://example.com/css/5.png",
                "image cursor https://example.com/css/6.cur",
                "image mask https://example.com/css/7.svg",
                "image mask-image https://example.com/css/8.svg",
                "image -webkit-mask-box-image https://example.com/css/9.png",
                "image -webkit-mask-image https://example.com/css/10.png",
                "image shape-outside https://example.com/css/11.png",
                "image mask-border-source https://example.com/css/12.png"});
  CHECK(items_of("a{filter:url(f.svg#blur);clip-path:url(c.svg#p);behavior:url(b.htc);"
                 "--Hero:url(h.png)}") == strings{"other filter https://example.com/css/f.svg#blur",
                                                  "other clip-path https://example.com/css/c.svg#p",
                                                  "other behavior https://example.com/css/b.htc",
                                                  "other --Hero https://example.com/css/h.png"});
}

TEST_CASE("css references: fonts in @font-face src", "[unit]") {
  CHECK(items_of("@font-face {\n  font-family: \"Open Sans\";\n"
                 "  src: local(\"Open Sans\"), url(/fonts/os.woff2) format(\"woff2\"),\n"
                 "       url('/fonts/os.woff') format('woff');\n}\n"
                 "p { src: url(not-a-font.png) }") ==
        strings{"font src https://example.com/fonts/os.woff2",
                "font src https://example.com/fonts/os.woff",
                "other src https://example.com/css/not-a-font.png"});
  // @font-face nested in @media is still a font face.
  CHECK(items_of("@media screen{@font-face{src:url(a.woff)}}") ==
        strings{"font src https://example.com/css/a.woff"});
}

TEST_CASE("css references: image-set() strings and urls", "[unit]") {
  CHECK(items_of("a{background-image:image-set(\"a.png\" 1x, url(b.png) 2x, 'c.avif' "
                 "type(\"image/avif\"));b{--x:-webkit-image-set('d.png' 1x)}") ==
        strings{"image background-image https://example.com/css/a.png",
                "image background-image https://example.com/css/b.png",
                "image background-image https://example.com/css/c.avif",
                "image --x https://example.com/css/d.png"});
  // Strings elsewhere are not URLs.
  CHECK(items_of("a{content:\"x.png\";font-family:\"y.png\";quotes:'a' 'b'}").empty());
}

TEST_CASE("css references: @import forms and their conditions", "[unit]") {
  const std::string_view css =
      "@charset \"utf-8\";\n"
      "@layer base, theme;\n"
      "@import url(\"reset.css\") layer(base) supports(display: grid) screen and (min-width: "
      "600px);\n"
      "@import 'theme.css';\n"
      "@IMPORT url(print.css)  print ;\n"
      "@import \"late.css\" screen";
  const auto refs = extract(css);
  REQUIRE(refs.items.size() == 4);
  CHECK(refs.items[0].location.href() == "https://example.com/css/reset.css");
  CHECK(refs.items[0].kind == reference_kind::import);
  CHECK(refs.items[0].property.empty());
  CHECK(refs.items[0].condition ==
        "layer(base) supports(display: grid) screen and (min-width: 600px)");
  CHECK(refs.items[0].syntax == url_syntax::string);
  CHECK(refs.items[1].location.href() == "https://example.com/css/theme.css");
  CHECK(refs.items[1].condition.empty());
  CHECK(refs.items[2].location.href() == "https://example.com/css/print.css");
  CHECK(refs.items[2].condition == "print");
  CHECK(refs.items[2].syntax == url_syntax::url_token);
  CHECK(refs.items[3].condition == "screen");  // ended by the end of input
  CHECK(refs.skipped.empty());
}

TEST_CASE("css references: only the first component of an @import is its URL", "[unit]") {
  // A bad string as the url() argument invalidates the rule; URLs later in a url() or in the
  // condition are not imports.
  const auto refs = extract(
      "@import url(\"bad\nstring url(b.png) \"x.css\" ) screen;\n"
      "@import url( \"a.css\" url(c.png) \"d.css\") supports(background: url(s.png)) print;\n"
      "@import screen \"late.css\";");
  REQUIRE(refs.items.size() == 1);
  CHECK(refs.items[0].location.href() == "https://example.com/css/a.css");
  CHECK(refs.items[0].condition == "supports(background: url(s.png)) print");
  CHECK(refs.skipped.empty());
}

TEST_CASE("css references: misplaced @import rules are skipped", "[unit]") {
  // CSS Cascade 5, 6.1: only @charset and @layer statements may come before @import.
  CHECK(skipped_of("@import 'a.css'; p{} @import 'b.css'; @import url(c.css);") ==
        strings{"misplaced import|import|b.css", "misplaced import|import|c.css"});
  CHECK(skipped_of("@namespace svg url(http://www.w3.org/2000/svg); @import 'a.css';") ==
        strings{"misplaced import|import|a.css"});
  CHECK(skipped_of("@layer x { } @import 'a.css';") == strings{"misplaced import|import|a.css"});
  CHECK(skipped_of("@media print { @import 'a.css'; }") ==
        strings{"misplaced import|import|a.css"});
  reference_options attribute;
  attribute.source = source_kind::style_attribute;
  CHECK(skipped_of("@import 'a.css'; color: red", attribute) ==
        strings{"misplaced import|import|a.css"});
  // <!-- and --> around <style> text do not count as rules.
  reference_options element;
  element.source = source_kind::style_element;
  CHECK(items_of("<!--\n@import 'a.css';\n-->", element) ==
        strings{"import  https://example.com/css/a.css"});
}

TEST_CASE("css references: URLs browsers do not fetch are not references", "[unit]") {
  CHECK(extract("@namespace url(http://www.w3.org/1999/xhtml);\n"
                "@-moz-document url-prefix() { a { color: red } }\n"
                "@document url(http://example.com/) { }\n"
                "@supports (background: url(s.png)) { a { color: red } }\n"
                "a[href=\"x.png\"], a:not(.x) { color: blue }\n"
                "background: url(top-level.png);\n"
                "p { foo bar: url(junk.png); }\n"
                "@import supports(x: url(i.png)) 'not-first.css';")
            .items.empty());
}

TEST_CASE("css references: skipped URLs and why", "[unit]") {
  CHECK(skipped_of("a{background:url();cursor:url(\"\");mask:url(#m);filter:url(  #f);"
                   "b:url(javascript:alert(1));c:url(ftp://h/x);d:url(\"http://[bad\");"
                   "background:url(a b.png)}") ==
        strings{"empty url|image|", "empty url|image|", "fragment only|image|#m",
                "fragment only|other|#f", "bad url|other|url(javascript:alert(1)",
                "unsupported scheme|other|ftp://h/x", "unparsable url|other|http://[bad",
                "bad url|image|url(a b.png)"});
  const auto refs = extract("a{d:url(\"http://[bad\")}");
  REQUIRE(refs.skipped.size() == 1);
  CHECK(refs.skipped[0].error);
  CHECK(refs.skipped[0].property == "d");
}

TEST_CASE("css references: data: URLs are inline, or skipped on request", "[unit]") {
  const std::string_view css = "@font-face{src:url(data:font/woff2;base64,d09GMgAB)}";
  const auto refs = extract(css);
  REQUIRE(refs.items.size() == 1);
  CHECK(refs.items[0].inline_data);
  CHECK(refs.items[0].kind == reference_kind::font);
  CHECK(refs.items[0].location.scheme() == "data");
  reference_options no_data;
  no_data.include_data_urls = false;
  CHECK(skipped_of(css, no_data) ==
        strings{"data url excluded|font|data:font/woff2;base64,d09GMgAB"});
}

TEST_CASE("css references: nested rules and at-rule blocks", "[unit]") {
  CHECK(items_of("@media (min-width: 600px) { .hero { background: url(m.png) } }\n"
                 "@supports (display: grid) { @media print { p { background: url(s.png) } } }\n"
                 ".card { color: red; &:hover { background-image: url(h.png) }\n"
                 "  a:focus { background: url(f.png) } border-image: url(b.png) }\n"
                 "@keyframes k { from { background: url(k.png) } }\n"
                 "@page :first { background: url(p.png) }\n"
                 ".x { --slot: { background: url(v.png) }; cursor: url(c.cur), auto }") ==
        strings{"image background https://example.com/css/m.png",
                "image background https://example.com/css/s.png",
                "image background-image https://example.com/css/h.png",
                "image background https://example.com/css/f.png",
                "image border-image https://example.com/css/b.png",
                "image background https://example.com/css/k.png",
                "image background https://example.com/css/p.png",
                "other --slot https://example.com/css/v.png",
                "image cursor https://example.com/css/c.cur"});
}

TEST_CASE("css references: style attributes and style elements", "[unit]") {
  reference_options attribute;
  attribute.source = source_kind::style_attribute;
  CHECK(items_of("background: url(a.png); color: red; list-style: url('b.png')", attribute) ==
        strings{"image background https://example.com/css/a.png",
                "image list-style https://example.com/css/b.png"});
  reference_options element;
  element.source = source_kind::style_element;
  CHECK(items_of("<!-- body { background: url(a.png) } -->", element) ==
        strings{"image background https://example.com/css/a.png"});
}

TEST_CASE("css references: byte ranges cover the token that holds the URL", "[unit]") {
  const std::string_view css = "a{background:url( x.png ) , url(\"y.png\")}\n@import 'z.css';";
  reference_options options;
  const auto refs = extract(css, options);
  REQUIRE(refs.items.size() == 2);  // the @import comes after a rule: misplaced
  CHECK(css.substr(refs.items[0].begin, refs.items[0].end - refs.items[0].begin) == "url( x.png )");
  CHECK(refs.items[0].syntax == url_syntax::url_token);
  CHECK(refs.items[0].text == "x.png");
  CHECK(css.substr(refs.items[1].begin, refs.items[1].end - refs.items[1].begin) == "\"y.png\"");
  CHECK(refs.items[1].syntax == url_syntax::string);
  REQUIRE(refs.skipped.size() == 1);
  CHECK(css.substr(refs.skipped[0].begin, refs.skipped[0].end - refs.skipped[0].begin) ==
        "'z.css'");
}

TEST_CASE("css references: bounds", "[unit]") {
  reference_options few;
  few.max_references = 2;
  few.max_skipped = 1;
  const auto refs = extract("a{background:url(1.png),url(2.png),url(3.png),url(),url(#x)}", few);
  CHECK(refs.items.size() == 2);
  CHECK(refs.skipped.size() == 1);
  CHECK(refs.truncated);

  reference_options small;
  small.max_input_bytes = 8;
  const auto too_large = extract_css_references("a{b:c}d{}", sheet_url(), small);
  REQUIRE_FALSE(too_large);
  CHECK(too_large.error() == corofetch::css::errc::input_too_large);

  reference_options shallow;
  shallow.max_nesting_depth = 3;
  CHECK(extract_css_references("a{b:f(g(h))}", sheet_url(), shallow));
  const auto deep = extract_css_references("a{b:f(g(h(i)))}", sheet_url(), shallow);
  REQUIRE_FALSE(deep);
  CHECK(deep.error() == corofetch::css::errc::nesting_too_deep);
  CHECK(deep.error().message().find("deeper") != std::string::npos);
}

TEST_CASE("css references: names of kinds and reasons", "[unit]") {
  CHECK(to_string(reference_kind::import) == "import");
  CHECK(to_string(reference_kind::font) == "font");
  CHECK(to_string(skip_reason::misplaced_import) == "misplaced import");
  CHECK(to_string(skip_reason::fragment_only) == "fragment only");
}
