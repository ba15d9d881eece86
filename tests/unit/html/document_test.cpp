// The document as a whole: title and declared charset, template and noscript, malformed markup,
// invalid UTF-8 and deep nesting.
#include "extract_support.hpp"

#include <string>

using corofetch::html::extract_options;
using html_test::described;
using html_test::extract;
using html_test::hrefs;
using html_test::list;

TEST_CASE("document: the first title, whitespace collapsed, entities decoded", "[unit]") {
  const auto e = extract("<title>\n  Caf&eacute; &amp;\t Bar  </title><title>second</title>");
  CHECK(e.title == "Caf\xC3\xA9 & Bar");
  CHECK(extract("<p>no title</p>").title.empty());
  // An svg title is not the document's title.
  CHECK(extract("<svg><title>svg</title></svg><title>html</title>").title == "html");
  // Markup in a title is text (RCDATA).
  CHECK(extract("<title>a <b>bold</b> move</title>").title == "a <b>bold</b> move");
}

TEST_CASE("document: declared charset from meta charset or http-equiv", "[unit]") {
  CHECK(extract(R"h(<meta charset="  ISO-8859-1 ">)h").declared_charset == "ISO-8859-1");
  CHECK(extract(R"h(<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">)h")
            .declared_charset == "windows-1252");
  CHECK(extract(R"h(<meta http-equiv="content-type" content="text/html;CHARSET = 'euc-kr' ">)h")
            .declared_charset == "euc-kr");
  CHECK(
      extract(R"h(<meta http-equiv="content-type" content="text/html; charsetx; charset=utf-8">)h")
          .declared_charset == "utf-8");
  // An unmatched quote gives nothing; another http-equiv is not about the encoding.
  CHECK(extract(R"h(<meta http-equiv="content-type" content='text/html; charset="utf-8'>)h")
            .declared_charset.empty());
  CHECK(extract(R"h(<meta http-equiv="refresh" content="0; charset=utf-8">)h")
            .declared_charset.empty());
  // The first declaration wins.
  CHECK(extract(R"h(<meta charset="utf-8"><meta charset="latin1">)h").declared_charset == "utf-8");
  CHECK(extract("<p>none</p>").declared_charset.empty());
}

TEST_CASE("document: template content is inert unless asked for", "[unit]") {
  const std::string_view page =
      R"h(<img src="before.png"><template><img src="in-template.png"><div><img src="deep.png"></div></template><img src="after.png">)h";
  CHECK(hrefs(extract(page)) ==
        list{"https://example.com/dir/before.png", "https://example.com/dir/after.png"});
  extract_options options;
  options.include_template = true;
  CHECK(hrefs(extract(page, options)) ==
        list{"https://example.com/dir/before.png", "https://example.com/dir/in-template.png",
             "https://example.com/dir/deep.png", "https://example.com/dir/after.png"});
}

TEST_CASE("document: noscript content is skipped unless asked for", "[unit]") {
  const std::string_view page = R"h(<body><img class="lazy" data-src="real.jpg" src="ph.gif">
      <noscript><img src="real.jpg"></noscript></body>)h";
  CHECK(hrefs(extract(page)) == list{"https://example.com/dir/ph.gif"});
  extract_options options;
  options.include_noscript = true;
  CHECK(hrefs(extract(page, options)) ==
        list{"https://example.com/dir/ph.gif", "https://example.com/dir/real.jpg"});
}

TEST_CASE("document: malformed markup is parsed as browsers do", "[unit]") {
  // Unclosed tags, attributes without quotes, a missing html/head/body, a stray end tag,
  // an attribute repeated (the first wins), and a tag cut off at end of input.
  const auto e = extract(
      "<div><p><img src=a.png alt=x y=z><span><img src=b.png src=ignored.png></div></p>"
      "<table><tr><td><img src=c.png></table><img src=d.png width=10><img src=\"cut.png");
  CHECK(hrefs(e) == list{"https://example.com/dir/a.png", "https://example.com/dir/b.png",
                         "https://example.com/dir/c.png", "https://example.com/dir/d.png"});
  // Images inside comments, scripts, styles and textareas are not markup.
  const auto c =
      extract(R"h(<!-- <img src="comment.png"> --><script>var s = '<img src="s.png">';</script>
      <style>/* <img src="css.png"> */</style><textarea><img src="t.png"></textarea>
      <img src="real.png">)h");
  CHECK(hrefs(c) == list{"https://example.com/dir/real.png"});
}

TEST_CASE("document: invalid UTF-8 and NUL bytes do not break extraction", "[unit]") {
  const std::string page = std::string("<title>bad \xFF\xFE byte</title><img src=\"a\xC3") +
                           std::string(1, '\0') + "b.png\"><img src=\"ok.png\">";
  const auto e = extract(page);
  CHECK(e.title == "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");  // each bad byte became U+FFFD
  REQUIRE(e.images.size() == 2);
  CHECK(e.images[0].location.href() == "https://example.com/dir/a%EF%BF%BD%EF%BF%BDb.png");
  CHECK(e.images[1].location.href() == "https://example.com/dir/ok.png");
}

TEST_CASE("document: nesting up to the limit is walked without recursion", "[unit]") {
  std::string page;
  for (int i = 0; i < 1000; ++i) page += (i % 2 == 0) ? "<div>" : "<span>";
  page += "<img src=\"deep.png\">";
  CHECK(hrefs(extract(page)) == list{"https://example.com/dir/deep.png"});
}

TEST_CASE("document: an empty document has nothing", "[unit]") {
  const auto e = extract("");
  CHECK(e.images.empty());
  CHECK(e.skipped.empty());
  CHECK(e.title.empty());
  CHECK(e.base.href() == html_test::document);
}
