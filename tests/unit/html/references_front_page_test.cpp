// extract_references on the realistic front page (pages/front_page.html): what a crawler follows,
// what a page load fetches, and the images, which are exactly extract_images' own.
#include "extract_support.hpp"
#include "references_support.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <string>

using corofetch::html::data_url_policy;
using corofetch::html::extract_options;
using corofetch::html::reference_kind;
using corofetch::html::reference_kinds;
using corofetch::html::reference_options;
using references_test::described;
using references_test::extract;
using references_test::list;
using references_test::only;
using references_test::skipped;

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

// "source: href" of every reference that is an image, as html_test::described lists images.
list images_of(const corofetch::html::references& r) {
  list out;
  for (const auto& ref : r.items) {
    if (ref.image)
      out.push_back(std::string(to_string(*ref.image)) + ": " + std::string(ref.location.href()));
  }
  return out;
}

}  // namespace

TEST_CASE("references front page: what a crawler follows", "[unit]") {
  const auto r = extract(front_page(), only(reference_kinds::crawl()), front_page_url);
  list expected{"hyperlink: " + site("/")};
  for (const char* section : {"/world", "/tech", "/dns", "/http"}) {
    expected.push_back("hyperlink: " + site(section));
  }
  for (const char* story :
       {"resolver", "tcp", "cache", "mx", "cidr", "root", "tls", "pool", "url", "status"}) {
    // Each card links its picture and its headline to the story.
    expected.push_back("hyperlink: " + site("/story/") + story);
    expected.push_back("hyperlink: " + site("/story/") + story);
  }
  CHECK(described(r) == expected);
  CHECK(skipped(r) == list{"hyperlink unsupported scheme: mailto:editor@dailypacket.example",
                           "hyperlink unsupported scheme: javascript:void(0)"});
  CHECK_FALSE(r.noindex);
  CHECK_FALSE(r.nofollow);
  CHECK(r.title == "The Daily Packet \xE2\x80\x94 News about networks");
  CHECK(r.base.href() == front_page_url);
}

TEST_CASE("references front page: what a page load fetches besides images", "[unit]") {
  reference_options options = only(reference_kinds::requisites());
  options.kinds.erase(reference_kind::image);
  const auto r = extract(front_page(), options, front_page_url);
  CHECK(described(r) ==
        list{
            "stylesheet: " + site("/assets/css/site.css?v=42"),
            "icon (link icon): " + site("/assets/icons/favicon-32.png"),
            "icon (link icon): " + site("/assets/icons/favicon-16.png"),
            "icon (link icon): " + site("/favicon.ico"),
            "icon (link icon): " + site("/assets/icons/apple-touch-icon.png"),
            "preload (link preload): " + site("/media/hero/packet-800.jpg"),
            "preload (link preload imagesrcset): " + site("/media/hero/packet-800.jpg"),
            "preload (link preload imagesrcset): " + site("/media/hero/packet-1600.jpg"),
            "preload: " + site("/assets/js/app.js"),
            "media: " + site("/media/video/handshake.mp4"),
            "track: " + site("/media/video/handshake.vtt"),
            "media: " + site("/media/audio/podcast.mp3"),
            "script: " + site("/assets/js/app.js"),
        });
  CHECK(r.items[8].as == "script");
  CHECK(r.items[9].type == "video/mp4");
  CHECK(r.skipped.empty());
}

TEST_CASE("references front page: the canonical link", "[unit]") {
  const auto r = extract(front_page(), only({reference_kind::canonical}), front_page_url);
  CHECK(described(r) == list{"canonical: " + site("/")});
}

TEST_CASE("references front page: the images are extract_images' images", "[unit]") {
  // extract_images with every candidate and no merging lists each occurrence, as
  // extract_references does; with the same switches both give the same list.
  for (int variant = 0; variant < 4; ++variant) {
    extract_options image_options;
    image_options.merge_duplicates = false;
    reference_options options;
    options.data_urls = data_url_policy::report;
    image_options.lazy_attributes = options.lazy_attributes = (variant & 1) != 0;
    image_options.include_noscript = options.include_noscript = (variant & 2) != 0;
    image_options.include_template = options.include_template = variant == 3;
    INFO("variant " << variant);
    const auto images = html_test::extract(front_page(), image_options, front_page_url);
    const auto r = extract(front_page(), options, front_page_url);
    CHECK(images_of(r) == html_test::described(images));
    // The skipped images too, in order.
    list skipped_images;
    for (const auto& s : r.skipped) {
      if (s.image) skipped_images.push_back(std::string(to_string(s.reason)) + ": " + s.text);
    }
    CHECK(skipped_images == html_test::skipped(images));
  }
}

TEST_CASE("references front page: how many of each kind", "[unit]") {
  const auto r = extract(front_page(), {}, front_page_url);
  std::map<std::string, int> counts;
  for (const auto& ref : r.items) ++counts[std::string(to_string(ref.kind))];
  CHECK(counts == std::map<std::string, int>{{"canonical", 1},
                                             {"stylesheet", 1},
                                             {"icon", 4},
                                             {"preload", 4},
                                             {"hyperlink", 25},
                                             {"image", 35},
                                             {"media", 2},
                                             {"track", 1},
                                             {"script", 1}});
  CHECK(r.skipped.size() == 16);  // ten data: placeholders, two hyperlinks, four images
  CHECK_FALSE(r.truncated);
}
