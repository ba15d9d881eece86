// Bounds and errors: input size, image and skipped counts, invalid options, the corofetch.html
// error category.
#include "extract_support.hpp"

#include <corofetch/html/error.hpp>

#include <cmath>
#include <limits>
#include <string>

using corofetch::html::errc;
using corofetch::html::extract_images;
using corofetch::html::extract_options;
using html_test::extract;
using html_test::hrefs;
using html_test::list;

namespace {

corofetch::url::url document_url() {
  return corofetch::url::parse(html_test::document).value();
}

std::string images(int count, const char* prefix) {
  std::string page;
  for (int i = 0; i < count; ++i)
    page += "<img src=\"" + std::string(prefix) + std::to_string(i) + ".png\">";
  return page;
}

}  // namespace

TEST_CASE("limits: a document over max_input_bytes fails with input_too_large", "[unit]") {
  extract_options options;
  options.max_input_bytes = 64;
  const std::string page(65, 'x');
  const auto r = extract_images(page, document_url(), options);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == errc::input_too_large);
  CHECK(extract_images(std::string_view(page).substr(0, 64), document_url(), options).has_value());
  CHECK(extract_options{}.max_input_bytes == 16u * 1024 * 1024);
}

TEST_CASE("limits: max_images truncates, duplicates of kept images still counted", "[unit]") {
  extract_options options;
  options.max_images = 3;
  const auto e = extract(images(5, "i") + "<img src=\"i0.png\"><img src=\"i4.png\">", options);
  CHECK(hrefs(e) == list{"https://example.com/dir/i0.png", "https://example.com/dir/i1.png",
                         "https://example.com/dir/i2.png"});
  CHECK(e.images[0].occurrences == 2);
  CHECK(e.truncated);
  CHECK(extract_options{}.max_images == 10'000u);

  options.max_images = 5;
  CHECK_FALSE(extract(images(5, "i"), options).truncated);
}

TEST_CASE("limits: max_skipped truncates the skipped list", "[unit]") {
  extract_options options;
  options.max_skipped = 2;
  const auto e = extract(images(4, "javascript:x") + "<img src=\"ok.png\">", options);
  CHECK(e.skipped.size() == 2);
  CHECK(hrefs(e) == list{"https://example.com/dir/ok.png"});
  CHECK(e.truncated);
}

TEST_CASE("limits: max_images of zero keeps only the document facts", "[unit]") {
  extract_options options;
  options.max_images = 0;
  const auto e = extract("<title>t</title><img src=a.png>", options);
  CHECK(e.images.empty());
  CHECK(e.truncated);
  CHECK(e.title == "t");
}

TEST_CASE("limits: 10,000 images by default, the rest truncated", "[unit]") {
  const auto e = extract(images(10'050, "n"));
  CHECK(e.images.size() == 10'000);
  CHECK(e.images.back().location.href() == "https://example.com/dir/n9999.png");
  CHECK(e.truncated);
}

TEST_CASE("limits: options out of range fail with invalid_options", "[unit]") {
  const double bad[] = {0.0, -1.0, std::numeric_limits<double>::infinity(),
                        std::numeric_limits<double>::quiet_NaN()};
  for (const double value : bad) {
    extract_options a;
    a.device_pixel_ratio = value;
    CHECK(extract_images("<img src=a.png>", document_url(), a).error() == errc::invalid_options);
    extract_options b;
    b.viewport_width = value;
    CHECK(extract_images("<img src=a.png>", document_url(), b).error() == errc::invalid_options);
    extract_options c;
    c.viewport_height = value;
    CHECK(extract_images("<img src=a.png>", document_url(), c).error() == errc::invalid_options);
  }
}

TEST_CASE("limits: the corofetch.html error category", "[unit]") {
  const std::error_code ec = errc::input_too_large;
  CHECK(ec.category().name() == std::string("corofetch.html"));
  CHECK(ec.message() == "HTML document is larger than the configured maximum input size");
  CHECK(std::error_code(errc::invalid_options).message().find("device pixel ratio") !=
        std::string::npos);
  CHECK(std::error_code(errc::parser_failed).message() ==
        "HTML parser returned no document (out of memory)");
  CHECK(std::error_code(static_cast<errc>(999)).message() == "unknown HTML error");
  CHECK(&corofetch::html::html_category() == &ec.category());
}

namespace {

std::error_code extract_error(const std::string& page, std::size_t max_depth = 1024) {
  extract_options options;
  options.max_nesting_depth = max_depth;
  return extract_images(page, document_url(), options).error();
}

std::string repeat(std::string_view piece, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += piece;
  return out;
}

}  // namespace

TEST_CASE("limits: nesting deeper than max_nesting_depth fails fast", "[unit]") {
  CHECK(extract_error(repeat("<div>", 1025)) == errc::nesting_too_deep);
  CHECK_FALSE(extract_error(repeat("<div>", 1000)));
  CHECK(extract_error(repeat("<b>", 101), 100) == errc::nesting_too_deep);
  // 16 MiB of nested <div>: refused by the linear pre-scan, not after minutes of parsing.
  CHECK(extract_error(repeat("<div>", 3'000'000), 1024) == errc::nesting_too_deep);
}

TEST_CASE("limits: ordinary sloppy markup does not count as nesting", "[unit]") {
  // Unclosed list items, paragraphs, cells, options and definition terms close their siblings;
  // end tags close what they match; void elements, comments and script text push nothing.
  const std::string page =
      "<ul>" + repeat("<li><span>item<b>bold", 3000) + "</ul>" + repeat("<p>para<i>x", 3000) +
      "<table>" + repeat("<tr><td>a<td>b<div>c", 3000) + "</table><select>" +
      repeat("<option>o", 3000) + "</select><dl>" + repeat("<dt>t<dd>d", 3000) + "</dl>" +
      repeat("<div><br><img src=x.png><input></div>", 3000) +
      repeat("<!-- <div> --><script>'<div>'</script><div title='<div>'></div>", 3000);
  CHECK_FALSE(extract_error(page));
}

TEST_CASE("limits: elements kept open on purpose count", "[unit]") {
  // </span> cannot close across a <div> (a special element), so each div stays open.
  CHECK(extract_error(repeat("<div><span></span></div>x", 1100)).value() == 0);
  CHECK(extract_error(repeat("<div></span>", 1100)) == errc::nesting_too_deep);
  // A </div> does not close across a table cell, and a nested list keeps its outer item open.
  CHECK(extract_error("<div><table><tr><td>" + repeat("<span></div>", 1100)) ==
        errc::nesting_too_deep);
  CHECK(extract_error(repeat("<ul><li>", 600)) == errc::nesting_too_deep);
  // Inside svg, style is markup: what it holds nests.
  CHECK(extract_error("<svg><style><foreignObject>" + repeat("<div>", 1100)) ==
        errc::nesting_too_deep);
  // "<!-->" is a whole comment: what follows is markup.
  CHECK(extract_error("<!-->" + repeat("<div>", 1100)) == errc::nesting_too_deep);
  CHECK(extract_error("<!--->" + repeat("<div>", 1100)) == errc::nesting_too_deep);
  CHECK(extract_error("<!-- x --!>" + repeat("<div>", 1100)) == errc::nesting_too_deep);
  // </form> removes the form alone; what it held stays open.
  CHECK(extract_error(repeat("<form><div></form>", 1100)) == errc::nesting_too_deep);
  // A new li does not close an item across a special element such as section.
  CHECK(extract_error("<ul>" + repeat("<li><section>", 600)) == errc::nesting_too_deep);
  // </table> does not close a table across a template.
  CHECK(extract_error("<table><template>" + repeat("<div></table>", 1100)) ==
        errc::nesting_too_deep);
  // In svg, "a=b/>" is an unquoted value "b/", not a self-closing tag.
  CHECK(extract_error("<svg>" + repeat("<g a=b/>", 1100)) == errc::nesting_too_deep);
  CHECK_FALSE(extract_error("<svg>" + repeat("<g a=b />", 1100)));
}

TEST_CASE("limits: end tags count towards the parse cost", "[unit]") {
  // 1000 open elements, then end tags that close nothing: each one walks the whole stack.
  const std::string page = repeat("<span>", 1000) + repeat("</nothing>", 2000);
  CHECK(extract_error(page) == errc::nesting_too_deep);
  CHECK_FALSE(extract_error(repeat("<span>", 1000) + repeat("</nothing>", 10)));
}

TEST_CASE("limits: tags that close siblings, first in the document", "[unit]") {
  // Found by the fuzzer: with nothing open yet, an option closed "the current option".
  for (const char* page : {"<option>", "<optgroup><option>x", "<h1>", "<li><dd><td><tr>",
                           "</p></li></form></table></td>", "<a><a><button><button>"}) {
    INFO(page);
    CHECK_FALSE(extract_error(page));
  }
}

TEST_CASE("limits: common sloppy patterns stay shallow", "[unit]") {
  const std::string page = repeat("<form action=/s><input name=q></form>", 2000) +
                           repeat("<a href=/x>unclosed link ", 2000) +
                           repeat("<h2>title<h3>sub", 2000) + repeat("<button>b", 2000) +
                           repeat("<li>item", 2000) + repeat("<dd>def", 2000) +
                           repeat("<svg><path d=M0/></svg>", 2000);
  CHECK_FALSE(extract_error(page));
}
