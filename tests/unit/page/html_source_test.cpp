// What page::save's link conversion relies on from html::extract_references: where each
// reference and each piece of inline CSS is written in the input.
#include <corofetch/html/references.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace html = corofetch::html;

namespace {

std::string at(const std::string& input, const html::source_range& r) {
  return input.substr(r.begin, r.end - r.begin);
}

}  // namespace

TEST_CASE("references and inline CSS carry where they are written", "[unit]") {
  const std::string input =
      R"x(<img src=" a.png " srcset="b.png 1x, c.png 2x"><a href='x?a=1&amp;b=2'>x</a>)x"
      R"x(<p style="background: url(&quot;d.png&quot;)"></p><style>i{background:url(e.png)}</style>)x"
      R"x(<template><p style="color:red"></p></template><a href=bare.html>b</a>)x";
  auto base = corofetch::url::parse("http://h.test/");
  REQUIRE(base);
  html::reference_options o;
  o.include_styles = true;
  auto refs = html::extract_references(input, *base, o);
  REQUIRE(refs);
  REQUIRE(refs->items.size() == 5);
  CHECK(at(input, refs->items[0].source) == "a.png");
  CHECK(refs->items[0].source.exact);
  CHECK(at(input, refs->items[1].source) == "b.png");
  CHECK(at(input, refs->items[2].source) == "c.png");
  CHECK(at(input, refs->items[3].source) == "x?a=1&amp;b=2");  // the whole value
  CHECK_FALSE(refs->items[3].source.exact);
  CHECK(at(input, refs->items[4].source) == "bare.html");
  REQUIRE(refs->styles.size() == 2);  // template content is inert
  CHECK(refs->styles[0].attribute);
  CHECK(refs->styles[0].text == R"x(background: url("d.png"))x");
  CHECK(at(input, refs->styles[0].source) == "background: url(&quot;d.png&quot;)");
  CHECK_FALSE(refs->styles[1].attribute);
  CHECK(at(input, refs->styles[1].source) == "i{background:url(e.png)}");
  CHECK(refs->styles[1].source.exact);

  auto without = html::extract_references(input, *base);
  REQUIRE(without);
  CHECK(without->styles.empty());
}
