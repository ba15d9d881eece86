// A realistic front page (pages/front_page.html, 264 lines): icons, preload, inline svg, an
// image button, a responsive hero picture, lazy-loaded cards with noscript fallbacks, a gallery
// with srcset, a video poster, a template, legacy table backgrounds, trackers and broken links.
#include "extract_support.hpp"

#include <fstream>
#include <iterator>
#include <string>

using corofetch::html::extract_options;
using corofetch::html::srcset_policy;
using html_test::described;
using html_test::extract;
using html_test::hrefs;
using html_test::list;
using html_test::skipped;

namespace {

constexpr std::string_view front_page_url = "https://www.dailypacket.example/index.html";

std::string front_page() {
  std::ifstream in(CF_SOURCE_DIR "/tests/unit/html/pages/front_page.html", std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string site(std::string_view path) {
  return "https://www.dailypacket.example" + std::string(path);
}

}  // namespace

TEST_CASE("front page: every image, in document order", "[unit]") {
  const auto e = extract(front_page(), {}, front_page_url);
  CHECK(e.title == "The Daily Packet \xE2\x80\x94 News about networks");
  CHECK(e.declared_charset == "utf-8");
  CHECK(e.base.href() == front_page_url);
  CHECK_FALSE(e.truncated);
  CHECK(described(e) ==
        list{
            "link icon: " + site("/assets/icons/favicon-32.png"),
            "link icon: " + site("/assets/icons/favicon-16.png"),
            "link icon: " + site("/favicon.ico"),
            "link icon: " + site("/assets/icons/apple-touch-icon.png"),
            "link preload: " + site("/media/hero/packet-800.jpg"),
            "link preload imagesrcset: " + site("/media/hero/packet-1600.jpg"),
            "svg image: " + site("/assets/logo/logo.svg"),
            "input image: " + site("/assets/icons/search.svg"),
            "picture source srcset: " + site("/media/hero/packet-800.avif"),
            "picture source srcset: " + site("/media/hero/packet-1600.avif"),
            "picture source srcset: " + site("/media/hero/packet-800.webp"),
            "picture source srcset: " + site("/media/hero/packet-1600.webp"),
            "img src: data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==",
            "img src: " + site("/media/authors/bo.jpg"),
            "img src: " + site("/media/authors/chen.jpg"),
            "img src: " + site("/media/authors/ana.jpg"),
            "img src: " + site("/media/gallery/01.jpg"),
            "img srcset: " + site("/media/gallery/01@2x.jpg"),
            "img src: " + site("/media/gallery/02.jpg"),
            "img srcset: " + site("/media/gallery/02@2x.jpg"),
            "img src: " + site("/media/gallery/03.jpg#zoom"),
            "img src: " + site("/media/gallery/04.jpg"),
            "img src: " + site("/media/gallery/05.jpg?w=300&h=200"),
            "img src: https://cdn.partner.example/ads/banner,wide.png",
            "video poster: " + site("/media/video/handshake-poster.jpg"),
            "background attribute: " + site("/media/legacy/table-bg.gif"),
            "background attribute: " + site("/media/legacy/cell-bg.gif"),
            "img src: https://stats.dailypacket.example/p.gif?page=home&t=1",
        });
  CHECK(skipped(e) == list{"unsupported scheme: javascript:void(0)",
                           "unparsable URL: http://exa mple.invalid/pixel.gif", "empty reference: ",
                           "unsupported scheme: ftp://files.dailypacket.example/archive.gif"});
  REQUIRE(e.images.size() == 28);
  // Occurrences: the hero jpg is named four times, the placeholder by all ten cards.
  CHECK(e.images[4].occurrences == 4);
  CHECK(e.images[5].occurrences == 2);
  CHECK(e.images[6].occurrences == 2);  // the logo, again in the footer
  CHECK(e.images[12].occurrences == 10);
  CHECK(e.images[12].inline_data);
  CHECK(e.images[13].occurrences == 4);  // bo: cards 1, 4, 7, 10
  CHECK(e.images[20].occurrences == 2);  // 03.jpg with and without #zoom
  CHECK(e.images[7].alt == "Search");
  CHECK(e.images[7].width == 24u);
  CHECK(e.images[9].width_descriptor == 1600u);
  CHECK(e.images[9].type == "image/avif");
  CHECK(e.images[13].alt == "");
  CHECK(e.images[13].width == 32u);
  CHECK(e.images[21].reference == "/media/gallery/04.jpg");
  CHECK(e.images[24].width == 640u);
  CHECK(e.images[24].height == 360u);
}

TEST_CASE("front page: lazy attributes and noscript fallbacks on request", "[unit]") {
  extract_options options;
  options.lazy_attributes = true;
  const auto lazy = extract(front_page(), options, front_page_url);
  CHECK(lazy.images.size() == 28 + 20);  // each card: a 400w and an 800w picture
  CHECK(described(lazy)[13] == "img data-src: " + site("/media/stories/resolver-400.jpg"));
  CHECK(described(lazy)[14] == "img data-srcset: " + site("/media/stories/resolver-800.jpg"));

  extract_options noscript;
  noscript.include_noscript = true;
  const auto fallback = extract(front_page(), noscript, front_page_url);
  CHECK(fallback.images.size() == 28 + 10);
  CHECK(described(fallback)[13] == "img src: " + site("/media/stories/resolver-400.jpg"));

  extract_options both = options;
  both.include_noscript = true;
  const auto all = extract(front_page(), both, front_page_url);
  CHECK(all.images.size() == 28 + 20);     // the noscript copies are duplicates of data-src
  CHECK(all.images[13].occurrences == 3);  // data-src, data-srcset, noscript src
}

TEST_CASE("front page: what a 1x and a 2x browser load", "[unit]") {
  extract_options options;
  options.srcset = srcset_policy::browser_choice;
  const auto e = extract(front_page(), options, front_page_url);
  // 1280 CSS px wide: the 1600w candidates (1.25x) are the smallest at or above 1x.
  CHECK(hrefs(e) ==
        list{site("/assets/icons/favicon-32.png"),
             site("/assets/icons/favicon-16.png"),
             site("/favicon.ico"),
             site("/assets/icons/apple-touch-icon.png"),
             site("/media/hero/packet-1600.jpg"),
             site("/assets/logo/logo.svg"),
             site("/assets/icons/search.svg"),
             site("/media/hero/packet-1600.avif"),
             "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==",
             site("/media/authors/bo.jpg"),
             site("/media/authors/chen.jpg"),
             site("/media/authors/ana.jpg"),
             site("/media/gallery/01.jpg"),
             site("/media/gallery/02.jpg"),
             site("/media/gallery/03.jpg#zoom"),
             site("/media/gallery/04.jpg"),
             site("/media/gallery/05.jpg?w=300&h=200"),
             "https://cdn.partner.example/ads/banner,wide.png",
             site("/media/video/handshake-poster.jpg"),
             site("/media/legacy/table-bg.gif"),
             site("/media/legacy/cell-bg.gif"),
             "https://stats.dailypacket.example/p.gif?page=home&t=1"});
  options.device_pixel_ratio = 2;
  options.viewport_width = 400;
  const auto phone = extract(front_page(), options, front_page_url);
  CHECK(hrefs(phone)[4] == site("/media/hero/packet-800.jpg"));  // 800w / 400px = 2x
  CHECK(hrefs(phone)[7] == site("/media/hero/packet-800.avif"));
  CHECK(hrefs(phone)[12] == site("/media/gallery/01@2x.jpg"));
}
