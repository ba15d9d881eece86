// The document base URL (HTML Standard 4.2.3): the first <base href>, resolved against the
// document URL, is the base of every relative reference.
#include "extract_support.hpp"

using html_test::extract;
using html_test::hrefs;
using html_test::list;

TEST_CASE("base: an absolute base href", "[unit]") {
  const auto e = extract(R"h(<head><base href="http://cdn.example.net/assets/"></head>
      <img src="a.png"><img src="/root.png"><img src="//other.example/x.png">)h");
  CHECK(e.base.href() == "http://cdn.example.net/assets/");
  CHECK(hrefs(e) == list{"http://cdn.example.net/assets/a.png", "http://cdn.example.net/root.png",
                         "http://other.example/x.png"});
}

TEST_CASE("base: a relative base href is resolved against the document URL", "[unit]") {
  const auto e = extract(R"h(<base href="../static/img/"><img src="logo.svg">)h");
  CHECK(e.base.href() == "https://example.com/static/img/");
  CHECK(hrefs(e) == list{"https://example.com/static/img/logo.svg"});
}

TEST_CASE("base: the first base with href wins, and applies to earlier images too", "[unit]") {
  const auto e = extract(R"h(<base target="_blank"><img src="early.png">
      <base href="/first/"><base href="/second/"><img src="late.png">)h");
  CHECK(e.base.href() == "https://example.com/first/");
  CHECK(hrefs(e) ==
        list{"https://example.com/first/early.png", "https://example.com/first/late.png"});
}

TEST_CASE("base: without any base href, the document URL", "[unit]") {
  const auto e = extract(R"h(<base target="_top"><img src="a.png">)h");
  CHECK(e.base.href() == html_test::document);
  CHECK(hrefs(e) == list{"https://example.com/dir/a.png"});
}

TEST_CASE("base: an unparsable, data: or javascript: base is ignored", "[unit]") {
  for (const char* page : {R"h(<base href="http://[::1"><img src="a.png">)h",
                           R"h(<base href="data:text/html,x"><img src="a.png">)h",
                           R"h(<base href="javascript:alert(1)"><img src="a.png">)h"}) {
    INFO(page);
    const auto e = extract(page);
    CHECK(e.base.href() == html_test::document);
    CHECK(hrefs(e) == list{"https://example.com/dir/a.png"});
  }
}

TEST_CASE("base: an empty base href is the document URL itself", "[unit]") {
  const auto e = extract(R"h(<base href=""><img src="x.png">)h", {},
                         "https://example.com/dir/page.html?q=1#frag");
  CHECK(e.base.href() == "https://example.com/dir/page.html?q=1");
  CHECK(hrefs(e) == list{"https://example.com/dir/x.png"});
}

TEST_CASE("base: a base inside template or noscript does not count", "[unit]") {
  corofetch::html::extract_options options;
  options.include_template = true;
  options.include_noscript = true;
  const auto e = extract(R"h(<template><base href="/tpl/"></template>
      <body><noscript><base href="/nos/"></noscript><img src="a.png"></body>)h",
                         options);
  CHECK(e.base.href() == html_test::document);
  CHECK(hrefs(e) == list{"https://example.com/dir/a.png"});
}
