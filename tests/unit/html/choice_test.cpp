// srcset_policy::browser_choice: only the image a browser with the given viewport and device
// pixel ratio loads, per <img>, <picture> and <link rel=preload>.
#include "extract_support.hpp"

using corofetch::html::extract_options;
using corofetch::html::srcset_policy;
using html_test::described;
using html_test::extract;
using html_test::hrefs;
using html_test::list;

namespace {

extract_options browser(double dpr, double width = 1280, double height = 800) {
  extract_options o;
  o.srcset = srcset_policy::browser_choice;
  o.device_pixel_ratio = dpr;
  o.viewport_width = width;
  o.viewport_height = height;
  return o;
}

}  // namespace

TEST_CASE("choice: img srcset densities with src as 1x", "[unit]") {
  const std::string_view page = R"h(<img src="lo.png" srcset="hi.png 2x, huge.png 3x">)h";
  CHECK(hrefs(extract(page, browser(1))) == list{"https://example.com/dir/lo.png"});
  CHECK(hrefs(extract(page, browser(2))) == list{"https://example.com/dir/hi.png"});
  CHECK(hrefs(extract(page, browser(2.5))) == list{"https://example.com/dir/huge.png"});
  CHECK(extract(page, browser(2)).images[0].density_descriptor == 2.0);
}

TEST_CASE("choice: img srcset widths with sizes", "[unit]") {
  const std::string_view page = R"h(<img src="fallback.jpg"
      srcset="s.jpg 400w, m.jpg 800w, l.jpg 1600w"
      sizes="(max-width: 600px) 100vw, (min-width: 1000px) 50vw, 800px">)h";
  // 1280 wide: 50vw = 640px; at 1x the smallest density >= 1 is m (800/640).
  CHECK(hrefs(extract(page, browser(1))) == list{"https://example.com/dir/m.jpg"});
  // 1280 wide at 2x needs 1280px: l.
  CHECK(hrefs(extract(page, browser(2))) == list{"https://example.com/dir/l.jpg"});
  // 500 wide: 100vw = 500px, 1x: m (1.6) is the smallest >= 1... s is 0.8.
  CHECK(hrefs(extract(page, browser(1, 500))) == list{"https://example.com/dir/m.jpg"});
  // 800 wide: 800px source size, 1x: m.
  CHECK(hrefs(extract(page, browser(1, 800))) == list{"https://example.com/dir/m.jpg"});
  // 360 wide at 1x: s (400/360).
  CHECK(hrefs(extract(page, browser(1, 360))) == list{"https://example.com/dir/s.jpg"});
}

TEST_CASE("choice: sizes entries the evaluator does not understand are skipped", "[unit]") {
  const std::string_view page = R"h(<img srcset="s.jpg 400w, l.jpg 1600w"
      sizes="(min-width: 10px) calc(100vw - 20px), (unknown-feature: 1) 10px, 25em">)h";
  // 25em = 400px: s is exactly 1x.
  CHECK(hrefs(extract(page, browser(1))) == list{"https://example.com/dir/s.jpg"});
  // Without sizes: 100vw.
  CHECK(hrefs(extract(R"h(<img srcset="s.jpg 400w, l.jpg 1600w">)h", browser(1))) ==
        list{"https://example.com/dir/l.jpg"});
}

TEST_CASE("choice: picture takes the first matching source", "[unit]") {
  const std::string_view page = R"h(<picture>
      <source media="(max-width: 599px)" srcset="narrow.webp">
      <source type="image/jxl" srcset="wide.jxl">
      <source media="screen and (min-width: 600px)" type="image/webp; codecs=x"
              srcset="wide.webp 1x, wide-2x.webp 2x">
      <source srcset="never.png">
      <img src="fallback.jpg" alt="pic">
    </picture>)h";
  CHECK(described(extract(page, browser(1))) ==
        list{"picture source srcset: https://example.com/dir/wide.webp"});
  CHECK(hrefs(extract(page, browser(2))) == list{"https://example.com/dir/wide-2x.webp"});
  CHECK(hrefs(extract(page, browser(1, 400))) == list{"https://example.com/dir/narrow.webp"});
  // Every candidate mode lists them all (but never a source after the img).
  CHECK(hrefs(extract(page)) ==
        list{"https://example.com/dir/narrow.webp", "https://example.com/dir/wide.jxl",
             "https://example.com/dir/wide.webp", "https://example.com/dir/wide-2x.webp",
             "https://example.com/dir/never.png", "https://example.com/dir/fallback.jpg"});
}

TEST_CASE("choice: a second img in a picture is a plain img", "[unit]") {
  const std::string_view page = R"h(<picture><source srcset="s.webp"><img src="first.png">
      <img src="second.png"></picture>)h";
  CHECK(hrefs(extract(page, browser(1))) ==
        list{"https://example.com/dir/s.webp", "https://example.com/dir/second.png"});
}

TEST_CASE("choice: picture falls back to its img when no source matches", "[unit]") {
  const std::string_view page = R"h(<picture>
      <source media="print" srcset="print.png">
      <source media="(orientation: portrait)" srcset="portrait.png">
      <source media="not screen" srcset="not-screen.png">
      <source media="(min-resolution: 2dppx)" srcset="retina.png">
      <source media="garbage ((" srcset="broken.png">
      <source srcset="">
      <img src="img.png" srcset="img-2x.png 2x">
    </picture>)h";
  CHECK(hrefs(extract(page, browser(1))) == list{"https://example.com/dir/img.png"});
  CHECK(hrefs(extract(page, browser(2))) == list{"https://example.com/dir/retina.png"});
  CHECK(hrefs(extract(page, browser(1, 600, 900))) == list{"https://example.com/dir/portrait.png"});
}

TEST_CASE("choice: media queries with or, not, ranges and webkit ratios", "[unit]") {
  auto pick = [](std::string_view media, double dpr, double width) {
    const std::string page = "<picture><source media=\"" + std::string(media) +
                             "\" srcset=\"yes.png\"><img src=\"no.png\"></picture>";
    const auto e = extract(page, browser(dpr, width));
    REQUIRE(e.images.size() == 1);
    return std::string(e.images[0].location.pathname()) == "/dir/yes.png";
  };
  CHECK(pick("(max-width: 500px) or (min-width: 1200px)", 1, 1280));
  CHECK_FALSE(pick("(max-width: 500px) or (min-width: 1300px)", 1, 1280));
  CHECK(pick("not (max-width: 500px)", 1, 1280));
  CHECK(pick("(width >= 1000px)", 1, 1280));
  CHECK_FALSE(pick("(width < 1000px)", 1, 1280));
  CHECK(pick("(-webkit-min-device-pixel-ratio: 1.5)", 2, 1280));
  CHECK_FALSE(pick("(-webkit-min-device-pixel-ratio: 1.5)", 1, 1280));
  CHECK(pick("print, (min-width: 40em)", 1, 1280));
  CHECK(pick("only screen and (min-width: 100px) and (max-width: 2000px)", 1, 1280));
  CHECK_FALSE(pick("screen and (hover: hover)", 1, 1280));  // unknown feature: no match
  CHECK(pick("(prefers-color-scheme: light)", 1, 1280));
  CHECK(pick("all", 1, 1280));
  CHECK(pick("", 1, 1280));  // empty media matches
  std::string deep(40, '(');
  CHECK_FALSE(pick(deep + "min-width: 1px" + std::string(40, ')'), 1, 1280));
}

TEST_CASE("choice: preload, icons, posters and lazy attributes", "[unit]") {
  extract_options o = browser(2);
  o.lazy_attributes = true;
  const auto e = extract(R"h(<link rel=preload as=image href="pre.jpg" imagesrcset="pre-2x.jpg 2x">
      <link rel=preload as=image media="print" href="print-only.jpg">
      <link rel=icon href=a.ico><link rel=icon href=b.png>
      <video poster=poster.jpg></video>
      <img src="ph.gif" data-src="lazy.jpg" data-srcset="lazy-2x.jpg 2x">)h",
                         o);
  CHECK(described(e) == list{"link preload imagesrcset: https://example.com/dir/pre-2x.jpg",
                             "link icon: https://example.com/dir/a.ico",
                             "link icon: https://example.com/dir/b.png",
                             "video poster: https://example.com/dir/poster.jpg",
                             "img src: https://example.com/dir/ph.gif",
                             "img data-srcset: https://example.com/dir/lazy-2x.jpg"});
}

TEST_CASE("choice: invalid candidates are still reported, src used when none is valid", "[unit]") {
  const auto e = extract(R"h(<img src="src.png" srcset="bad.png 2y">)h", browser(2));
  CHECK(hrefs(e) == list{"https://example.com/dir/src.png"});
  REQUIRE(e.skipped.size() == 1);
  CHECK(e.skipped[0].reference == "bad.png 2y");
}
