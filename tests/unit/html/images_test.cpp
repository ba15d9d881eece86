// extract_images: every kind of element and attribute that names an image, the details reported
// with each, and the order.
#include "extract_support.hpp"

using corofetch::html::image_source;
using html_test::described;
using html_test::extract;
using html_test::hrefs;
using html_test::list;

TEST_CASE("images: img src and srcset, in document order, src before srcset", "[unit]") {
  const auto e = extract(R"h(<p><img src="a.png" srcset="a2.png 2x, a3.png 3x">
      <img srcset="b.png 1x" src="/b-fallback.png"></p>)h");
  CHECK(described(e) == list{"img src: https://example.com/dir/a.png",
                             "img srcset: https://example.com/dir/a2.png",
                             "img srcset: https://example.com/dir/a3.png",
                             "img src: https://example.com/b-fallback.png",
                             "img srcset: https://example.com/dir/b.png"});
  CHECK(e.images[1].density_descriptor == 2.0);
  CHECK(e.images[1].reference == "a2.png");
  CHECK_FALSE(e.images[0].density_descriptor.has_value());
  CHECK(e.skipped.empty());
  CHECK_FALSE(e.truncated);
  CHECK(e.base.href() == html_test::document);
}

TEST_CASE("images: picture sources only inside picture, before its img", "[unit]") {
  const auto e = extract(R"h(
    <picture>
      <source srcset="hero.avif 1x, hero-2x.avif 2x" type="image/avif" media="(min-width: 600px)">
      <source srcset="hero.webp" type="image/webp">
      <img src="hero.jpg" alt="A hero" width="800" height="400">
      <source srcset="after-img.webp">
    </picture>
    <video poster="poster.jpg" width="640"><source src="movie.mp4" type="video/mp4"></video>
    <audio><source src="sound.mp3"></audio>
    <div><source srcset="orphan.png"></div>)h");
  CHECK(described(e) == list{"picture source srcset: https://example.com/dir/hero.avif",
                             "picture source srcset: https://example.com/dir/hero-2x.avif",
                             "picture source srcset: https://example.com/dir/hero.webp",
                             "img src: https://example.com/dir/hero.jpg",
                             "video poster: https://example.com/dir/poster.jpg"});
  CHECK(e.images[0].type == "image/avif");
  CHECK(e.images[0].media == "(min-width: 600px)");
  CHECK(e.images[3].alt == "A hero");
  CHECK(e.images[3].width == 800u);
  CHECK(e.images[3].height == 400u);
  CHECK(e.images[4].width == 640u);
  CHECK_FALSE(e.images[4].height.has_value());
}

TEST_CASE("images: input type=image, and other inputs", "[unit]") {
  const auto e = extract(R"h(<form><input type="IMAGE" src="go.png" alt="Go">
      <input type="submit" src="not-an-image.png"><input src="no-type.png"></form>)h");
  CHECK(described(e) == list{"input image: https://example.com/dir/go.png"});
  CHECK(e.images[0].alt == "Go");
}

TEST_CASE("images: link icons by rel token, case-insensitive", "[unit]") {
  const auto e = extract(R"h(<head>
      <link rel="icon" href="/favicon.ico" type="image/x-icon">
      <link rel="Shortcut ICON" href="/shortcut.ico">
      <link rel="apple-touch-icon" sizes="180x180" href="/apple.png">
      <link rel="apple-touch-icon-precomposed" href="/apple-pre.png">
      <link rel="stylesheet" href="/style.css">
      <link rel="iconic" href="/not-a-token.png">
      <link rel="preload" as="image" href="/hero.jpg" imagesrcset="/hero-2x.jpg 2x">
      <link rel="preload" as="font" href="/font.woff2">
      </head>)h");
  CHECK(described(e) == list{"link icon: https://example.com/favicon.ico",
                             "link icon: https://example.com/shortcut.ico",
                             "link icon: https://example.com/apple.png",
                             "link icon: https://example.com/apple-pre.png",
                             "link preload: https://example.com/hero.jpg",
                             "link preload imagesrcset: https://example.com/hero-2x.jpg"});
  CHECK(e.images[0].type == "image/x-icon");
}

TEST_CASE("images: svg image href and xlink:href; legacy background attributes", "[unit]") {
  const auto e = extract(R"h(<body background="bg.gif"><svg>
      <image href="svg2.png" width="10"/><image xlink:href="xlink.png"/>
      <image href="wins.png" xlink:href="loses.png"/></svg>
      <table background="table.gif"><tr><td background="cell.gif">x</td></tr></table>
      <div background="div-ignored.gif"></div></body>)h");
  CHECK(described(e) == list{"background attribute: https://example.com/dir/bg.gif",
                             "svg image: https://example.com/dir/svg2.png",
                             "svg image: https://example.com/dir/xlink.png",
                             "svg image: https://example.com/dir/wins.png",
                             "background attribute: https://example.com/dir/table.gif",
                             "background attribute: https://example.com/dir/cell.gif"});
}

TEST_CASE("images: <image> outside svg is an img, as the parser says", "[unit]") {
  const auto e = extract(R"h(<image src="old.png">)h");
  CHECK(described(e) == list{"img src: https://example.com/dir/old.png"});
}

TEST_CASE("images: lazy-loading data-src and data-srcset only when asked", "[unit]") {
  const std::string_view page =
      R"h(<img src="placeholder.gif" data-src="real.jpg" data-srcset="real-2x.jpg 2x">)h";
  CHECK(hrefs(extract(page)) == list{"https://example.com/dir/placeholder.gif"});
  corofetch::html::extract_options options;
  options.lazy_attributes = true;
  const auto e = extract(page, options);
  CHECK(described(e) == list{"img src: https://example.com/dir/placeholder.gif",
                             "img data-src: https://example.com/dir/real.jpg",
                             "img data-srcset: https://example.com/dir/real-2x.jpg"});
}

TEST_CASE("images: width and height follow the HTML integer rules", "[unit]") {
  const auto e = extract(R"h(
      <img src="1.png" width="100" height=" 50">
      <img src="2.png" width="100px" height="+7">
      <img src="3.png" width="50%" height="abc">
      <img src="4.png" width="-5" height="99999999999">
      <img src="5.png" width="12.7" height="0">)h");
  REQUIRE(e.images.size() == 5);
  CHECK(e.images[0].width == 100u);
  CHECK(e.images[0].height == 50u);
  CHECK(e.images[1].width == 100u);
  CHECK(e.images[1].height == 7u);
  CHECK_FALSE(e.images[2].width.has_value());
  CHECK_FALSE(e.images[2].height.has_value());
  CHECK_FALSE(e.images[3].width.has_value());
  CHECK_FALSE(e.images[3].height.has_value());
  CHECK(e.images[4].width == 12u);
  CHECK(e.images[4].height == 0u);
}

TEST_CASE("images: alt absent, empty and present", "[unit]") {
  const auto e =
      extract(R"h(<img src="a.png"><img src="b.png" alt><img src="c.png" alt="C &amp; D">)h");
  REQUIRE(e.images.size() == 3);
  CHECK_FALSE(e.images[0].alt.has_value());
  CHECK(e.images[1].alt == "");
  CHECK(e.images[2].alt == "C & D");
}

TEST_CASE("images: entities are decoded and surrounding whitespace stripped", "[unit]") {
  const auto e = extract(
      "<img src=\"img.php?a=1&amp;b=2&lt;\"><img src=\" \t\n/spaced.png \r\n\">"
      "<img src=\"&#x2F;hex&#47;dec.png\"><img src='caf&eacute;.png'><img src=\"a&b;c.png\">");
  CHECK(hrefs(e) == list{"https://example.com/dir/img.php?a=1&b=2%3C",
                         "https://example.com/spaced.png", "https://example.com/hex/dec.png",
                         "https://example.com/dir/caf%C3%A9.png",
                         "https://example.com/dir/a&b;c.png"});
  CHECK(e.images[0].reference == "img.php?a=1&b=2<");
  CHECK(e.images[1].reference == "/spaced.png");
}

TEST_CASE("images: tags and attributes are case-insensitive; quotes optional", "[unit]") {
  const auto e = extract(R"h(<IMG SRC="upper.png" ALT=Up><Img sRc=unquoted.png WIDTH=5>
      <PICTURE><SOURCE SRCSET='single.webp 2x'><IMG SRC=p.png></PICTURE>
      <VIDEO POSTER=v.jpg></VIDEO><LINK REL=ICON HREF=/i.ico>)h");
  CHECK(described(e) == list{"img src: https://example.com/dir/upper.png",
                             "img src: https://example.com/dir/unquoted.png",
                             "picture source srcset: https://example.com/dir/single.webp",
                             "img src: https://example.com/dir/p.png",
                             "video poster: https://example.com/dir/v.jpg",
                             "link icon: https://example.com/i.ico"});
  CHECK(e.images[0].alt == "Up");
  CHECK(e.images[1].width == 5u);
}

TEST_CASE("images: names of sources and reasons", "[unit]") {
  using corofetch::html::skip_reason;
  CHECK(to_string(image_source::picture_source_srcset) == "picture source srcset");
  CHECK(to_string(image_source::img_data_srcset) == "img data-srcset");
  CHECK(to_string(skip_reason::unsupported_scheme) == "unsupported scheme");
  CHECK(to_string(skip_reason::invalid_srcset_candidate) == "invalid srcset candidate");
}
