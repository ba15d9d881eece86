// The link scanner against gumbo's full parse: every HTML file of the repository's test data and
// corpora, and thousands of generated and mutated documents (fixed seeds), each extracted both
// ways with the crawler's options and with others the scanner covers. The two results must be
// identical, whichever path the scanner took; and the scanner must take its own path for most
// generated documents, or this test would prove nothing.
#include "scan_support.hpp"

#include <corofetch/html/references.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

using corofetch::html::extraction_path;
using corofetch::html::reference_kind;
using corofetch::html::reference_options;
using scan_test::run_both;

namespace {

std::vector<std::filesystem::path> html_files() {
  std::vector<std::filesystem::path> out;
  for (const char* dir : {CF_SOURCE_DIR "/tests/fuzz/corpus/html_extract",
                          CF_SOURCE_DIR "/tests/unit/html/pages", CF_TEST_DATA_DIR}) {
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      const std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".html" || ext == ".htm" || ext == ".xhtml")) {
        out.push_back(e.path());
      }
    }
  }
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A small deterministic generator (xorshift64*), so every run tests the same documents.
class prng {
 public:
  explicit prng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1DULL;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  template <class T, std::size_t N>
  const T& pick(const T (&a)[N]) {
    return a[below(N)];
  }

 private:
  std::uint64_t s_;
};

// Pieces of markup that exercise the tokenizer and tree construction rules the scanner models,
// and some it hands to the full parse.
constexpr const char* pieces[] = {
    "<a href=\"a.html\">",
    "<a href='b.html' rel=\"nofollow noopener\">",
    "<A HREF=C.HTML REL=NoFollow>",
    "<a href=d.html/>",
    "<a href=\" e.html?x=1&amp;y=2 \">",
    "<a href=\"f.html?a=1&copy=2&copy;&notin;&not\">",
    "<a href=\"g&#x41;&#66;&#128;&#0;&#xD800;&#x110000;&#65\">",
    "<a href=\"h\r\ni\rj\">",
    "<a href=\"javascript:void(0)\">",
    "<a href=\"mailto:x@example.com\">",
    "<a href=\"\">",
    "<a href>",
    "<a name=x href=k.html href=l.html>",
    "<a href=\"data:text/html,hi\">",
    "<a href=\"//other.example/m\">",
    "<a href=\"http://[::1\">",
    "<a\thref=n.html\n>",
    "<a href=o.html / >",
    "<a =x href=p.html>",
    "<a href=\"q.html\"rel=nofollow>",
    "</a>",
    "</a>",
    "<area href=\"area.html\">",
    "<area href=\"area2.html\" rel=nofollow>",
    "<iframe src=\"frame.html\"></iframe>",
    "<iframe src=\"f2.html\" srcdoc=\"<a href=x>\"></iframe>",
    "<iframe src=f3.html><a href=not-a-link.html></iframe>",
    "<frame src=frame.html>",
    "<base href=\"https://base.example/dir/\">",
    "<base target=_blank>",
    "<base href=\"javascript:x\">",
    "<meta name=robots content=\"noindex, nofollow\">",
    "<meta name=ROBOTS content=none>",
    "<meta name=\"corofetchbot\" content=nofollow>",
    "<meta name=robots content=index>",
    "<title>The &amp; title &mdash; &copy 2026</title>",
    "<title>Second title</title>",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<li>",
    "<ul>",
    "</ul>",
    "<ol>",
    "</li>",
    "<dd>",
    "<dt>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<font color=red>",
    "</font>",
    "<nobr>",
    "</nobr>",
    "<span>",
    "</span>",
    "<x-a>",
    "</x-b>",
    "<em>",
    "<strong>",
    "</strong>",
    "<h1>",
    "</h2>",
    "<h3>",
    "<pre>\n",
    "</pre>",
    "<listing>",
    "<hr>",
    "<br>",
    "</br>",
    "<form>",
    "</form>",
    "<button>",
    "</button>",
    "<input type=hidden>",
    "<img src=x.png>",
    "<object data=x>",
    "</object>",
    "<marquee>",
    "</marquee>",
    "<applet>",
    "</applet>",
    "<ruby>",
    "<rt>",
    "<rp>",
    "</ruby>",
    "<option>",
    "<optgroup>",
    "<textarea>",
    "</textarea>",
    "<xmp><a href=xmp.html></xmp>",
    "<noembed><a href=ne.html></noembed>",
    "<noframes><a href=nf.html></noframes>",
    "<plaintext>",
    "<script>var a = '<a href=s.html>';</script>",
    "<script><!-- <script> </script> <a href=s2.html> --></script>",
    "<script><!--</script><a href=after-script.html>",
    "<style>a { background: url(<a href=st.html>) }</style>",
    "<noscript><a href=ns.html></noscript>",
    "<noscript>",
    "</noscript>",
    "<head>",
    "</head>",
    "<body>",
    "</body>",
    "</html>",
    "<html>",
    "<!-- <a href=c1.html> -->",
    "<!--><a href=c2.html>",
    "<!---><a href=c3.html>",
    "<!-- a --!><a href=c4.html>",
    "<!-- a --!-><a href=c5.html> -->",
    "<? php <a href=c6.html> ?>",
    "</ 1><a href=c7.html>",
    "<!DOCTYPE html>",
    "<!doctype html public \"x>\">",
    "<![CDATA[<a href=cd.html>]]>",
    "<svg><![CDATA[<a href=cd2.html>]]></svg>",
    "<svg><a href=\"svg.html\"><circle/></a></svg>",
    "<svg><a xlink:href=\"xl.html\"></a></svg>",
    "<svg><title>icon</title><path d=\"M0\"/></svg>",
    "<svg><desc>d</desc></svg>",
    "<svg/>",
    "<svg><g><a href=g.html></g></svg>",
    "<svg><p>",
    "<svg><foreignObject><a href=fo.html></foreignObject></svg>",
    "<math><mi><a href=mi.html></mi></math>",
    "<table><tr><td><a href=td.html></td></tr></table>",
    "<select><option><a href=sel.html></select>",
    "<template><a href=tpl.html></template>",
    "<frameset><frame src=fs.html></frameset>",
    "text ",
    "a < b ",
    "&amp; ",
    "\n",
    "  ",
    "<",
    "</",
    "<!",
    "<a",
    "<a href=\"unterminated",
    "<isindex>",
    "<image src=i.png>",
    "<col>",
    "<tr>",
    "<table>",
    "<table>",
    "</table>",
    "<tr>",
    "<td>",
    "<td>",
    "</td>",
    "<th>",
    "</tr>",
    "<tbody>",
    "</tbody>",
    "<thead>",
    "<tfoot>",
    "<caption>",
    "</caption>",
    "<colgroup>",
    "</colgroup>",
    "<col span=2>",
    " x ",
    "<input type=HIDDEN>",
    "<input type=text>",
    "<table><tr><td><a href=t1.html>1</a><td><a href=t2.html>2</table>",
    "<table><caption><a href=cap.html></caption><tr><td></table>",
    "<p><table>",
    "<table><a href=foster.html></table>",
    "<table><b>x</table>",
    "<template><table><tr><td><a href=tt.html></td></tr></table></template>",
    "<template><script></template></script></template>",
    "<template><col><title></template>",
    "<template><template></template><a href=t3.html></template>",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\">",
};

std::string generated_document(prng& rng) {
  std::string doc;
  const std::size_t n = 3 + rng.below(40);
  for (std::size_t i = 0; i < n; ++i) doc += rng.pick(pieces);
  return doc;
}

// Cuts, repeats, or inserts a piece into a document.
std::string mutated(const std::string& base, prng& rng) {
  std::string doc = base;
  const std::size_t edits = 1 + rng.below(4);
  for (std::size_t k = 0; k < edits && !doc.empty(); ++k) {
    const std::size_t at = rng.below(doc.size());
    const std::size_t len = 1 + rng.below(16);
    switch (rng.below(4)) {
      case 0:
        doc.erase(at, len);
        break;
      case 1:
        doc.insert(at, doc.substr(at, len));
        break;
      case 2:
        doc.insert(at, rng.pick(pieces));
        break;
      default:
        doc[at] = static_cast<char>(rng.below(256));
        break;
    }
  }
  return doc;
}

reference_options options_variant(std::size_t i) {
  reference_options o = scan_test::crawl_options();
  switch (i % 4) {
    case 1:
      o.kinds = {reference_kind::hyperlink};
      o.robots_name = "corofetchbot";
      break;
    case 2:
      o.kinds = {reference_kind::frame};
      o.include_noscript = true;
      o.data_urls = corofetch::html::data_url_policy::report;
      break;
    case 3:
      o.max_references = 2;
      o.max_skipped = 1;
      o.max_nesting_depth = 8;
      break;
    default:
      break;
  }
  return o;
}

struct tally {
  std::size_t scanned = 0;
  std::size_t fell_back = 0;
  std::map<std::string, std::size_t> reasons;

  void add(const scan_test::both& b) {
    if (b.path == extraction_path::scanned) ++scanned;
    if (b.path == extraction_path::fell_back) {
      ++fell_back;
      ++reasons[std::string(b.reason)];
    }
  }
};

void compare(const std::string& doc, const reference_options& options, tally& t) {
  const auto b = run_both(doc, options);
  if (b.scanned != b.parsed) {
    INFO("document: " << doc);
    CHECK(b.scanned == b.parsed);
  }
  t.add(b);
}

}  // namespace

TEST_CASE("scanner: the same references as the full parse for every test HTML file", "[unit]") {
  const auto files = html_files();
  REQUIRE(files.size() >= 10);
  tally t;
  for (const auto& path : files) {
    const std::string doc = read_file(path);
    INFO("file: " << path.string());
    for (std::size_t v = 0; v < 4; ++v) compare(doc, options_variant(v), t);
  }
  CHECK(t.scanned + t.fell_back > 0);
}

TEST_CASE("scanner: the same references as the full parse for generated documents", "[unit]") {
  prng rng(20261207);
  tally t;
  // CF_SCAN_DOCUMENTS raises the count for a longer local run.
  const char* more = std::getenv("CF_SCAN_DOCUMENTS");
  const std::size_t count = more != nullptr ? std::strtoul(more, nullptr, 10) : 3000;
  for (std::size_t i = 0; i < count; ++i) compare(generated_document(rng), options_variant(i), t);
  for (const auto& [reason, n] : t.reasons) UNSCOPED_INFO(reason << ": " << n);
  INFO("scanned " << t.scanned << ", fell back " << t.fell_back);
  // The pieces include tables, selects, templates...: most documents meet one. Those that do
  // not must be scanned.
  CHECK(t.scanned >= 300);
}

TEST_CASE("scanner: the same references as the full parse for mutated test files", "[unit]") {
  const auto files = html_files();
  std::vector<std::string> bases;
  for (const auto& p : files) bases.push_back(read_file(p));
  prng rng(42);
  for (int i = 0; i < 200; ++i) bases.push_back(generated_document(rng));
  tally t;
  const char* more = std::getenv("CF_SCAN_DOCUMENTS");
  const std::size_t count = more != nullptr ? std::strtoul(more, nullptr, 10) : 3000;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& base = bases[rng.below(bases.size())];
    compare(mutated(base, rng), options_variant(i), t);
  }
  INFO("scanned " << t.scanned << ", fell back " << t.fell_back);
  CHECK(t.scanned >= 300);
}
