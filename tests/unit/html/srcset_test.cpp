// parse_srcset against the HTML Standard's "parse a srcset attribute" (4.8.4.3.10), and
// select_candidate, the browser's choice among candidates.
#include <corofetch/html/srcset.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using corofetch::html::parse_srcset;
using corofetch::html::select_candidate;
using corofetch::html::srcset_candidate;

namespace {

std::vector<std::string> urls_of(const corofetch::html::srcset& s) {
  std::vector<std::string> urls;
  for (const auto& c : s.candidates) urls.emplace_back(c.url);
  return urls;
}

std::vector<std::string> invalid_of(const corofetch::html::srcset& s) {
  return {s.invalid.begin(), s.invalid.end()};
}

}  // namespace

TEST_CASE("srcset: density and width descriptors", "[unit]") {
  const auto s = parse_srcset("a.png 1x, b.png 1.5x,c.png 2x");
  REQUIRE(urls_of(s) == std::vector<std::string>{"a.png", "b.png", "c.png"});
  CHECK(s.candidates[0].density == 1.0);
  CHECK(s.candidates[1].density == 1.5);
  CHECK(s.candidates[2].density == 2.0);
  CHECK_FALSE(s.candidates[0].width.has_value());
  CHECK(s.invalid.empty());

  const auto w = parse_srcset("small.jpg 320w, large.jpg 1024w");
  REQUIRE(urls_of(w) == std::vector<std::string>{"small.jpg", "large.jpg"});
  CHECK(w.candidates[0].width == 320u);
  CHECK(w.candidates[1].width == 1024u);
  CHECK_FALSE(w.candidates[1].density.has_value());
}

TEST_CASE("srcset: a candidate without descriptors, and an empty or blank attribute", "[unit]") {
  const auto s = parse_srcset("  image.png  ");
  REQUIRE(urls_of(s) == std::vector<std::string>{"image.png"});
  CHECK_FALSE(s.candidates[0].density.has_value());
  CHECK_FALSE(s.candidates[0].width.has_value());
  CHECK(parse_srcset("").candidates.empty());
  CHECK(parse_srcset(" \t\n ,, , ").candidates.empty());
  CHECK(parse_srcset(" \t\n ,, , ").invalid.empty());
}

TEST_CASE("srcset: commas inside URLs and trailing commas", "[unit]") {
  // The URL is everything up to whitespace, so inner commas stay in it.
  const auto s = parse_srcset("/img/a,b.png 1x, /img/c,d,e.png 2x");
  CHECK(urls_of(s) == std::vector<std::string>{"/img/a,b.png", "/img/c,d,e.png"});
  // data: URLs are full of commas.
  const auto d = parse_srcset("data:image/png;base64,iVBOR= 1x,data:image/gif;base64,R0lG= 2x");
  CHECK(urls_of(d) ==
        std::vector<std::string>{"data:image/png;base64,iVBOR=", "data:image/gif;base64,R0lG="});
  // A URL ending in commas ends the candidate: those commas are separators, not the URL's.
  const auto t = parse_srcset("a.png,b.png 2x");
  CHECK(urls_of(t) == std::vector<std::string>{"a.png,b.png"});
  const auto u = parse_srcset("a.png,, b.png 2x");
  REQUIRE(urls_of(u) == std::vector<std::string>{"a.png", "b.png"});
  CHECK_FALSE(u.candidates[0].density.has_value());
  CHECK(u.candidates[1].density == 2.0);
  const auto v = parse_srcset("a.png 1x,b.png 2x");
  CHECK(urls_of(v) == std::vector<std::string>{"a.png", "b.png"});
}

TEST_CASE("srcset: invalid candidates are dropped and reported", "[unit]") {
  const auto s = parse_srcset(
      "ok.png 1x, two.png 1x 2x, wx.png 100w 2x, zero.png 0w, neg.png -1x, frac.png 1.5w, "
      "unit.png 2dppx, upper.png 2X, h-only.png 100h, plus.png +2x, dot.png 1.x, ok2.png 3x");
  CHECK(urls_of(s) == std::vector<std::string>{"ok.png", "ok2.png"});
  CHECK(invalid_of(s) == std::vector<std::string>{"two.png 1x 2x", "wx.png 100w 2x", "zero.png 0w",
                                                  "neg.png -1x", "frac.png 1.5w", "unit.png 2dppx",
                                                  "upper.png 2X", "h-only.png 100h", "plus.png +2x",
                                                  "dot.png 1.x"});
}

TEST_CASE("srcset: floating-point densities, 0x, and width with height", "[unit]") {
  const auto s = parse_srcset("a.png .5x, b.png 1e1x, c.png 0x, d.png 100w 50h, e.png 1E-1x");
  REQUIRE(s.candidates.size() == 5);
  CHECK(s.candidates[0].density == 0.5);
  CHECK(s.candidates[1].density == 10.0);
  CHECK(s.candidates[2].density == 0.0);
  CHECK(s.candidates[3].width == 100u);
  CHECK(s.candidates[3].height == 50u);
  CHECK(s.candidates[4].density == Approx(0.1));
  // Out of double's range, or of a 32-bit width: dropped.
  const auto big = parse_srcset("a.png 1e400x, b.png 99999999999w");
  CHECK(big.candidates.empty());
  CHECK(big.invalid.size() == 2);
}

TEST_CASE("srcset: parenthesised descriptors keep their spaces and commas", "[unit]") {
  // "(a, b)" is one (unknown, so invalid) descriptor: the comma inside does not split.
  const auto s = parse_srcset("a.png (x, y) 2x, b.png 1x");
  CHECK(urls_of(s) == std::vector<std::string>{"b.png"});
  CHECK(invalid_of(s) == std::vector<std::string>{"a.png (x, y) 2x"});
  // Unclosed parenthesis: the rest of the attribute is that descriptor.
  const auto t = parse_srcset("a.png 1x, b.png (2x, c.png 3x");
  CHECK(urls_of(t) == std::vector<std::string>{"a.png"});
  CHECK(invalid_of(t) == std::vector<std::string>{"b.png (2x, c.png 3x"});
}

TEST_CASE("srcset: whitespace of every ASCII kind separates", "[unit]") {
  const auto s = parse_srcset("\ta.png\n2x\f,\rb.png  \t 3x  ");
  REQUIRE(urls_of(s) == std::vector<std::string>{"a.png", "b.png"});
  CHECK(s.candidates[0].density == 2.0);
  CHECK(s.candidates[1].density == 3.0);
  // A non-ASCII space (U+00A0) is not whitespace: it belongs to the URL or descriptor.
  const auto n = parse_srcset(
      "a.png\xC2\xA0"
      "2x");
  REQUIRE(n.candidates.size() == 1);
  CHECK(n.candidates[0].url ==
        "a.png\xC2\xA0"
        "2x");
}

TEST_CASE("select_candidate: densities", "[unit]") {
  const auto s = parse_srcset("a1.png 1x, a2.png 2x, a3.png 3x");
  CHECK(select_candidate(s.candidates, 1.0, 1280) == 0u);
  CHECK(select_candidate(s.candidates, 1.5, 1280) == 1u);
  CHECK(select_candidate(s.candidates, 2.0, 1280) == 1u);
  CHECK(select_candidate(s.candidates, 2.5, 1280) == 2u);
  CHECK(select_candidate(s.candidates, 4.0, 1280) == 2u);  // none big enough: the largest
  CHECK(select_candidate({}, 1.0, 1280) == std::nullopt);
}

TEST_CASE("select_candidate: widths against the source size", "[unit]") {
  const auto s = parse_srcset("s.jpg 400w, m.jpg 800w, l.jpg 1600w");
  CHECK(select_candidate(s.candidates, 1.0, 800) == 1u);   // 0.5, 1, 2 -> 1
  CHECK(select_candidate(s.candidates, 2.0, 800) == 2u);   // needs 2
  CHECK(select_candidate(s.candidates, 1.0, 300) == 0u);   // 1.33 is the smallest >= 1
  CHECK(select_candidate(s.candidates, 1.0, 2000) == 2u);  // 0.8 is the largest
}

TEST_CASE("select_candidate: src as the 1x fallback, duplicates keep the first", "[unit]") {
  const auto s = parse_srcset("hi.png 2x");
  CHECK(select_candidate(s.candidates, 1.0, 1280, "lo.png") == 1u);  // the fallback
  CHECK(select_candidate(s.candidates, 2.0, 1280, "lo.png") == 0u);
  // A 1x candidate in srcset comes first, so the fallback (also 1x) is the duplicate dropped.
  const auto one = parse_srcset("one.png, two.png 2x");
  CHECK(select_candidate(one.candidates, 1.0, 1280, "src.png") == 0u);
  // With width descriptors, src takes no part.
  const auto w = parse_srcset("w.png 640w");
  CHECK(select_candidate(w.candidates, 1.0, 1280, "src.png") == 0u);
  const auto dup = parse_srcset("first.png 2x, second.png 2x");
  CHECK(select_candidate(dup.candidates, 2.0, 1280) == 0u);
}
