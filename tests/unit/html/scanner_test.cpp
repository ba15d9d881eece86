// The link scanner, rule by rule: each case is scanned without a tree (the scanner must not fall
// back) and must equal gumbo's full parse; the exact links are checked too. The cases the scanner
// hands to the full parse are checked to fall back, for the reason reported.
#include "scan_support.hpp"

#include <corofetch/html/error.hpp>

#include <string>
#include <string_view>

using corofetch::html::errc;
using corofetch::html::extraction_path;
using corofetch::html::reference_kind;
using corofetch::html::reference_options;
using scan_test::falls_back;
using scan_test::links;
using scan_test::list;
using scan_test::scan;

// gumbo 0.10 leaks on some malformed input: a duplicate attribute's name when, as parse_html
// runs it, it records no errors (add_duplicate_attr_error returns before freeing it), and a few
// bytes on other broken markup these tests generate by the thousand. The full parse compared
// against leaks there; the scanner does not. LeakSanitizer reads this hook.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgumbo.so\n";
}

namespace {
const std::string a = "hyperlink https://example.com/dir/";
const std::string f = "frame https://example.com/dir/";
}  // namespace

TEST_CASE("scanner: tag and attribute names are case-insensitive", "[unit]") {
  const auto r = scan("<A HREF=one.html>1</A><a hReF='two.html'><IFRAME SRC=f.html></IFRAME>");
  CHECK(links(r) == list{a + "one.html", a + "two.html", f + "f.html"});
}

TEST_CASE("scanner: quoted, unquoted and empty attribute values", "[unit]") {
  const auto r = scan(
      "<a href=\"d q.html\">x</a><a href='s\"q.html'>x</a><a href=u.html/>x</a>"
      "<a href = spaced.html >x</a><a href>x</a><a href=\"\">x</a><a href=>x</a>");
  CHECK(links(r) == list{a + "d%20q.html", a + "s%22q.html", a + "u.html/", a + "spaced.html"});
  CHECK(r.skipped.size() == 3);
  CHECK(r.items[0].source.exact);
  CHECK(r.items[0].source.end - r.items[0].source.begin == 8);
}

TEST_CASE("scanner: the first of duplicate attributes wins", "[unit]") {
  const auto r = scan("<a href=first.html HREF=second.html rel=x rel=nofollow>x</a>");
  CHECK(links(r) == list{a + "first.html"});
  CHECK_FALSE(r.items[0].nofollow);
}

TEST_CASE("scanner: odd attribute syntax", "[unit]") {
  const auto r = scan(
      "<a =x href=one.html>1</a><a href=\"two.html\"rel=nofollow>2</a><a / href=three.html>3</a>"
      "<a\thref=four.html\n>4</a>");
  CHECK(links(r) == list{a + "one.html", a + "two.html", a + "three.html", a + "four.html"});
  CHECK(r.items[1].nofollow);
}

TEST_CASE("scanner: comments, including their odd endings", "[unit]") {
  const auto r = scan(
      "<!-- <a href=hidden1.html> --><!--><a href=one.html>1</a><!---><a href=two.html>2</a>"
      "<!-- x --!><a href=three.html>3</a><!-- --!-><a href=hidden2.html> --><!---->"
      "<a href=four.html>4</a><!-- unterminated <a href=hidden3.html>");
  CHECK(links(r) == list{a + "one.html", a + "two.html", a + "three.html", a + "four.html"});
}

TEST_CASE("scanner: bogus comments and DOCTYPE", "[unit]") {
  const auto r = scan(
      "<!DOCTYPE html SYSTEM \"about:legacy-compat\"><?xml <a href=hidden.html>?>"
      "</ 1 <a href=hidden2.html>><a href=one.html>1</a><! x><a href=two.html>2</a></>"
      "<![CDATA[<a href=hidden3.html>]]><a href=three.html>3</a>");
  // Outside SVG and MathML, "<![CDATA[" starts a bogus comment, which the first '>' ends.
  CHECK(links(r) == list{a + "one.html", a + "two.html", a + "three.html"});
}

TEST_CASE("scanner: CDATA only in foreign content", "[unit]") {
  const auto r = scan("<svg><![CDATA[<a href=hidden.html>]]><a href=svg.html></a></svg>");
  CHECK(links(r) == list{a + "svg.html"});
}

TEST_CASE("scanner: raw text and RCDATA elements hide markup", "[unit]") {
  const auto r = scan(
      "<title><a href=t.html></title><textarea><a href=ta.html></textarea>"
      "<style><a href=st.html></style><xmp><a href=x.html></xmp>"
      "<iframe src=frame.html><a href=if.html></iframe><noembed><a href=ne.html></noembed>"
      "<noframes><a href=nf.html></noframes><a href=one.html>1</a>"
      "<title>x</titlex><a href=hidden.html></title >");
  CHECK(links(r) == list{f + "frame.html", a + "one.html"});
  CHECK(r.title == "<a href=t.html>");
}

TEST_CASE("scanner: script data and its escapes", "[unit]") {
  const auto r = scan(
      "<script>document.write('<a href=s1.html>')</script><a href=one.html>1</a>"
      "<script><!-- <script> </script> <a href=s2.html> --></script><a href=two.html>2</a>"
      "<script><!-- </script><a href=three.html>3</a>"
      "<script><!--><a href=s3.html></script><a href=four.html>4</a>");
  CHECK(links(r) == list{a + "one.html", a + "two.html", a + "three.html", a + "four.html"});
}

TEST_CASE("scanner: plaintext makes the rest text", "[unit]") {
  const auto r = scan("<a href=one.html>1</a><plaintext><a href=hidden.html></plaintext>");
  CHECK(links(r) == list{a + "one.html"});
}

TEST_CASE("scanner: noscript is markup, left out as gumbo's walk leaves it", "[unit]") {
  const auto r = scan("<body><noscript><a href=ns.html></noscript><a href=one.html>1</a>");
  CHECK(links(r) == list{a + "one.html"});
  reference_options o = scan_test::crawl_options();
  o.include_noscript = true;
  const auto all = scan("<body><noscript><a href=ns.html></noscript><a href=one.html>1</a>", o);
  CHECK(links(all) == list{a + "ns.html", a + "one.html"});
  // In the head, anything but link, meta, style ends noscript (scripting off).
  const auto head = scan("<head><noscript><a href=out.html></noscript></head>");
  CHECK(links(head) == list{a + "out.html"});
}

TEST_CASE("scanner: numeric and named character references in values", "[unit]") {
  const auto r = scan(
      "<a href=\"?a=1&amp;b=2&#x41;&#66;&#128;&#0;\">1</a>"
      "<a href=\"?c=1&copy=2&copy;&notin;&not&ampx\">2</a>"
      "<a href='?&#xD800;&#x110000;&#65'>3</a><a href=?&quot;&unknown;&lt>4</a>");
  REQUIRE(r.items.size() == 4);
  CHECK(r.items[0].text == "?a=1&b=2AB\xE2\x82\xAC\xEF\xBF\xBD");
  CHECK(r.items[1].text == "?c=1&copy=2\xC2\xA9\xE2\x88\x89\xC2\xAC&ampx");
  CHECK(r.items[2].text ==
        "?\xEF\xBF\xBD\xEF\xBF\xBD"
        "A");
  CHECK(r.items[3].text == "?\"&unknown;<");
  CHECK_FALSE(r.items[0].source.exact);
}

TEST_CASE("scanner: named references in the title", "[unit]") {
  const auto r = scan("<title> A &amp; B &mdash; &copy 2026&hellip;</title>");
  CHECK(r.title == "A & B \xE2\x80\x94 \xC2\xA9 2026\xE2\x80\xA6");
}

TEST_CASE("scanner: CR and CR LF in values become LF; controls become U+FFFD", "[unit]") {
  const auto r = scan("<a href=\"a\r\nb\rc\x01.html\">1</a>");
  REQUIRE(r.items.size() == 1);
  CHECK(r.items[0].location.href() == "https://example.com/dir/abc%EF%BF%BD.html");
  CHECK_FALSE(r.items[0].source.exact);
}

TEST_CASE("scanner: the first base with an href", "[unit]") {
  const auto r = scan(
      "<base target=_top><a href=one.html>1</a><base href=\"https://b.example/x/\">"
      "<base href=\"https://ignored.example/\"><a href=two.html>2</a>");
  CHECK(links(r) ==
        list{"hyperlink https://b.example/x/one.html", "hyperlink https://b.example/x/two.html"});
}

TEST_CASE("scanner: meta robots, also with the crawler's own name", "[unit]") {
  reference_options o = scan_test::crawl_options();
  o.robots_name = "corofetchbot";
  const auto r =
      scan("<meta name=ROBOTS content=noindex><meta name=corofetchbot content=nofollow>", o);
  CHECK(r.noindex);
  CHECK(r.nofollow);
  const auto in_body = scan("<body><p>x<meta name=robots content=none>");
  CHECK(in_body.noindex);
  CHECK(in_body.nofollow);
}

TEST_CASE("scanner: rel=nofollow per hyperlink, area too", "[unit]") {
  const auto r = scan(
      "<a href=one.html rel=\"external NoFollow\">1</a><map><area href=two.html rel=nofollow>"
      "<area href=three.html></map>");
  REQUIRE(r.items.size() == 3);
  CHECK(r.items[0].nofollow);
  CHECK(r.items[1].nofollow);
  CHECK_FALSE(r.items[2].nofollow);
}

TEST_CASE("scanner: iframe srcdoc wins over src; frame outside a frameset is ignored", "[unit]") {
  const auto r = scan("<iframe src=a.html srcdoc=x></iframe><frame src=b.html><iframe src=c.html>");
  CHECK(links(r) == list{f + "c.html"});
}

TEST_CASE("scanner: SVG a with href or xlink:href", "[unit]") {
  const auto r = scan(
      "<svg><title>icon</title><a href=one.html><path/></a><a xlink:href=\"two.html\"/>"
      "<A HREF=three.html xlink:href=no.html></a></svg><a href=four.html>4</a>");
  CHECK(links(r) == list{a + "one.html", a + "two.html", a + "three.html", a + "four.html"});
}

TEST_CASE("scanner: an unclosed a reopened by the tree builder is reported again", "[unit]") {
  // <div> closes the p, which pops the a; the text in the div reopens it (a clone in gumbo's tree).
  const auto r = scan("<p><a href=one.html>1<div>2</div>");
  CHECK(links(r) == list{a + "one.html", a + "one.html"});
  const auto second = scan("<a href=one.html>1<a href=two.html>2</a>");
  CHECK(links(second) == list{a + "one.html", a + "two.html"});
}

TEST_CASE("scanner: unknown end tags close any unknown element, as in gumbo", "[unit]") {
  const auto r = scan("<x-a><b><a href=one.html>1</x-b><a href=two.html>2</a>");
  CHECK(links(r) == list{a + "one.html", a + "two.html"});
}

TEST_CASE("scanner: tables whose content is in cells", "[unit]") {
  const auto r = scan(
      "<!DOCTYPE html><p><table><caption><a href=c.html>c</a></caption><col><tr><td>"
      "<a href=one.html>1</a><td><table><tr><th><a href=two.html>2</table></td></tr></table>"
      "<a href=three.html>3</a>");
  CHECK(links(r) == list{a + "c.html", a + "one.html", a + "two.html", a + "three.html"});
}

TEST_CASE("scanner: a select ignores most tags, and a table closes it", "[unit]") {
  const auto r = scan(
      "<select><option><a href=ignored.html><style><a href=ignored2.html></style></select>"
      "<a href=one.html>1</a><table><tr><td><select><option><tr><td><a href=two.html>2</table>"
      "<select><optgroup><option></optgroup><textarea></textarea><a href=three.html>3</a>");
  CHECK(links(r) == list{a + "one.html", a + "two.html", a + "three.html"});
}

TEST_CASE("scanner: template contents are skipped", "[unit]") {
  const auto r = scan(
      "<template><a href=t.html><template></template><script></template></script></template>"
      "<a href=one.html>1</a>");
  CHECK(links(r) == list{a + "one.html"});
}

TEST_CASE("scanner: truncated tags at the end are dropped", "[unit]") {
  CHECK(scan("<a href=one.html>1</a><a href=\"two.html").items.size() == 1);
  CHECK(scan("<a href=one.html>1</a><a href=two.html").items.size() == 1);
  CHECK(scan("<a href=one.html>1</a><a").items.size() == 1);
  CHECK(scan("<a href=one.html>1</a></").items.size() == 1);
}

TEST_CASE("scanner: huge attributes and binary input", "[unit]") {
  const std::string huge = "<a href=\"" + std::string(1 << 20, 'x') + "\">x</a>";
  CHECK(scan(huge).items.size() == 1);
  std::string binary;
  for (int i = 1; i < 256; ++i) binary += static_cast<char>(i);
  binary += "<a href=b.html>";
  const auto both = scan_test::run_both(binary);
  CHECK(both.scanned == both.parsed);
}

TEST_CASE("scanner: the bounds fail as the full parse fails", "[unit]") {
  reference_options o = scan_test::crawl_options();
  o.max_input_bytes = 10;
  const auto big = scan_test::run_both("<a href=one.html>1</a>", o);
  CHECK(big.scanned == big.parsed);
  CHECK(big.scanned.find("error") == 0);
  o = scan_test::crawl_options();
  o.max_nesting_depth = 4;
  const auto deep = scan_test::run_both("<div><div><div><div><div><div><a href=x>", o);
  CHECK(deep.scanned == deep.parsed);
  CHECK(deep.scanned.find("error") == 0);
  o = scan_test::crawl_options();
  o.max_references = 1;
  o.max_skipped = 1;
  const auto r = scan("<a href=one.html><a href=two.html><a href=''><a href=' '>", o);
  CHECK(r.items.size() == 1);
  CHECK(r.skipped.size() == 1);
  CHECK(r.truncated);
}

TEST_CASE("scanner: what it hands to the full parse", "[unit]") {
  falls_back("<table><a href=foster.html></table>", "table");
  falls_back("<template><select></select></template>", "select");
  falls_back("<frameset><frame src=f.html></frameset>", "frameset");
  falls_back("<math><mi><a href=x.html></mi></math>", "MathML");
  falls_back("<svg><p><a href=x.html>", "HTML start tag in SVG");
  falls_back("<svg><foreignObject><a href=x.html></foreignObject></svg>",
             "start tag in SVG integration point");
  falls_back("<a href=one.html><div>x</a>", "misnested formatting element");
  // gumbo compares an end tag's whole text with SVG names: "</svg >" closes nothing there.
  falls_back("<svg><g></g></svg ><a href=one.html>", "end tag closing SVG");
  falls_back(std::string_view("<a href=\"x\0y\">", 14), "NUL byte");
  falls_back("<a href=\"\xC3(\">", "invalid UTF-8 in a value");
  falls_back("<a href=\"&#99999999999;\">", "numeric character reference overflow");
  falls_back("<isindex>", "isindex");
  falls_back("<b><b><b><b>x", "three alike formatting elements");
}

TEST_CASE("scanner: options it does not cover take the full parse", "[unit]") {
  reference_options o;  // every kind
  const auto r = scan_test::run_both("<a href=one.html>1</a><img src=i.png>", o);
  CHECK(r.scanned == r.parsed);
  CHECK(r.path == extraction_path::parsed);
  o = scan_test::crawl_options();
  o.include_styles = true;
  CHECK(scan_test::run_both("<a href=x>", o).path == extraction_path::parsed);
}

TEST_CASE("scanner: the process-wide counts", "[unit]") {
  const auto before = corofetch::html::extraction_statistics();
  (void)scan("<a href=one.html>1</a>");
  falls_back("<table><a href=foster.html></table>", "table");
  const auto after = corofetch::html::extraction_statistics();
  // Each helper also runs the full parse once (scan = false) and the scanner a second time.
  CHECK(after.scanned - before.scanned == 2);
  CHECK(after.fell_back - before.fell_back == 1);
  CHECK(after.parsed - before.parsed == 2);
}

TEST_CASE("scanner: source ranges as gumbo's original_value gives them", "[unit]") {
  // Exact when the value is written as decoded; else the whole value as written. gumbo starts an
  // unquoted value that begins with a character reference after that reference.
  const std::string html =
      "<a href=' one.html '>1</a><a href=\"t&amp;o.html\">2</a>"
      "<a href=&amp;three.html>3</a><a href=&amp;\"q\">4</a>";
  const auto r = scan(html);
  REQUIRE(r.items.size() == 4);
  CHECK(r.items[0].source.exact);
  CHECK(html.substr(r.items[0].source.begin, r.items[0].source.end - r.items[0].source.begin) ==
        "one.html");
  CHECK_FALSE(r.items[1].source.exact);
  CHECK(html.substr(r.items[1].source.begin, r.items[1].source.end - r.items[1].source.begin) ==
        "t&amp;o.html");
  CHECK_FALSE(r.items[2].source.exact);
  CHECK(html.substr(r.items[2].source.begin, r.items[2].source.end - r.items[2].source.begin) ==
        "three.html");
  CHECK(html.substr(r.items[3].source.begin, r.items[3].source.end - r.items[3].source.begin) ==
        "q");
}

TEST_CASE("scanner: a duplicate attribute's name starts the next one, as in gumbo", "[unit]") {
  // extract_references runs gumbo with max_errors 0, and then gumbo does not clear a duplicate
  // attribute's name: "<a hre hre f=x>" has an attribute "href".
  const auto r = scan("<a hre hre f=one.html>1</a><a href=two.html HREF hre=x>2</a>");
  CHECK(links(r) == list{a + "one.html", a + "two.html"});
}
