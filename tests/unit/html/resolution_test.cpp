// What becomes an image and what is skipped: duplicates, data: URLs, schemes other than http and
// https, URLs that do not parse, empty references.
#include "extract_support.hpp"

#include <corofetch/url/error.hpp>

using corofetch::html::data_url_policy;
using corofetch::html::extract_options;
using corofetch::html::skip_reason;
using html_test::extract;
using html_test::hrefs;
using html_test::list;
using html_test::skipped;

TEST_CASE("resolution: duplicates are merged at their first place, fragment ignored", "[unit]") {
  const auto e = extract(R"h(<img src="a.png"><img src="b.png"><img src="a.png#one">
      <img srcset="/dir/a.png 2x, b.png 1x"><link rel=icon href="https://EXAMPLE.com/dir/a.png">)h");
  CHECK(hrefs(e) == list{"https://example.com/dir/a.png", "https://example.com/dir/b.png"});
  CHECK(e.images[0].occurrences == 4);
  CHECK(e.images[1].occurrences == 2);
  CHECK(e.images[0].source == corofetch::html::image_source::img_src);
}

TEST_CASE("resolution: duplicates kept apart when merging is off", "[unit]") {
  extract_options options;
  options.merge_duplicates = false;
  const auto e = extract(R"h(<img src="a.png"><img src="a.png#f"><img src="a.png">)h", options);
  CHECK(hrefs(e) == list{"https://example.com/dir/a.png", "https://example.com/dir/a.png#f",
                         "https://example.com/dir/a.png"});
  for (const auto& im : e.images) CHECK(im.occurrences == 1);
}

TEST_CASE("resolution: data: URLs are inline images, or skipped on request", "[unit]") {
  const std::string_view page =
      R"h(<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><img src="real.png">)h"
      R"h(<img src="DATA:image/png;base64,iVBOR">)h";
  const auto e = extract(page);
  REQUIRE(e.images.size() == 3);
  CHECK(e.images[0].inline_data);
  CHECK(e.images[0].location.href() == "data:image/gif;base64,R0lGODlhAQABAAAAACw=");
  CHECK_FALSE(e.images[1].inline_data);
  CHECK(e.images[2].inline_data);
  CHECK(e.images[2].location.scheme() == "data");

  extract_options options;
  options.data_urls = data_url_policy::skip;
  const auto s = extract(page, options);
  CHECK(hrefs(s) == list{"https://example.com/dir/real.png"});
  CHECK(skipped(s) == list{"data: URL excluded: data:image/gif;base64,R0lGODlhAQABAAAAACw=",
                           "data: URL excluded: DATA:image/png;base64,iVBOR"});
}

TEST_CASE("resolution: schemes other than http, https and data are skipped", "[unit]") {
  const auto e = extract(R"h(<img src="javascript:alert(1)"><img src="mailto:a@b.c">
      <img src="ftp://files.example/x.png"><img src="file:///etc/passwd">
      <img src="about:blank"><img src="HTTP://example.org/ok.png"><img src="blob:https://x/1">)h");
  CHECK(hrefs(e) == list{"http://example.org/ok.png"});
  CHECK(skipped(e) ==
        list{"unsupported scheme: javascript:alert(1)", "unsupported scheme: mailto:a@b.c",
             "unsupported scheme: ftp://files.example/x.png",
             "unsupported scheme: file:///etc/passwd", "unsupported scheme: about:blank",
             "unsupported scheme: blob:https://x/1"});
}

TEST_CASE("resolution: unparsable URLs are skipped with the URL error", "[unit]") {
  const auto e = extract(R"h(<img src="http://exa mple.com/x.png"><img src="http://[::1/x.png">
      <img src="https://example.com:99999/x.png"><img src="http://256.1.1.1/x.png">)h");
  CHECK(e.images.empty());
  REQUIRE(e.skipped.size() == 4);
  for (const auto& s : e.skipped) CHECK(s.reason == skip_reason::unparsable_url);
  CHECK(e.skipped[0].error == corofetch::url::errc::host_invalid_code_point);
  CHECK(e.skipped[1].error == corofetch::url::errc::ipv6_unclosed);
  CHECK(e.skipped[2].error == corofetch::url::errc::port_out_of_range);
  CHECK(e.skipped[3].error == corofetch::url::errc::ipv4_out_of_range_part);
  CHECK(e.skipped[0].reference == "http://exa mple.com/x.png");
  CHECK(e.skipped[0].error.category().name() == std::string("corofetch.url"));
}

TEST_CASE("resolution: empty references request nothing", "[unit]") {
  const auto e =
      extract(R"h(<img src=""><img src="  "><video poster=""></video><img alt="no src">)h");
  CHECK(e.images.empty());
  CHECK(skipped(e) == list{"empty reference: ", "empty reference: ", "empty reference: "});
  CHECK(e.skipped[2].source == corofetch::html::image_source::video_poster);
}

TEST_CASE("resolution: invalid srcset candidates are listed, valid ones kept", "[unit]") {
  const auto e = extract(R"h(<img srcset="good.png 1x, bad.png 2q, also-bad.png 0w">)h");
  CHECK(hrefs(e) == list{"https://example.com/dir/good.png"});
  CHECK(skipped(e) ==
        list{"invalid srcset candidate: bad.png 2q", "invalid srcset candidate: also-bad.png 0w"});
}

TEST_CASE("resolution: URL details are normalised by the URL parser", "[unit]") {
  const auto e =
      extract(R"h(<img src="../a/./b/../c.png"><img src="/x y.png"><img src="\back\slash.png">
      <img src="https://xn--caf-dma.example/%7Euser/ünï.png">)h");
  CHECK(hrefs(e) == list{"https://example.com/a/c.png", "https://example.com/x%20y.png",
                         "https://example.com/back/slash.png",
                         "https://xn--caf-dma.example/%7Euser/%C3%BCn%C3%AF.png"});
}
