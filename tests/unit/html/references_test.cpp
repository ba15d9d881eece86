// extract_references: every element and attribute that names a URL a crawler or a page load
// needs, the kinds selected, the base URL, rel=nofollow, meta robots, skipped references and
// bounds.
#include "references_support.hpp"

#include <corofetch/html/error.hpp>
#include <corofetch/url/error.hpp>

#include <string>

using corofetch::html::data_url_policy;
using corofetch::html::errc;
using corofetch::html::image_source;
using corofetch::html::reference_kind;
using corofetch::html::reference_kinds;
using corofetch::html::reference_options;
using references_test::described;
using references_test::extract;
using references_test::list;
using references_test::only;
using references_test::skipped;

TEST_CASE("references: a and area hyperlinks, in document order", "[unit]") {
  const auto r = extract(R"h(<p><a href="one.html">1</a> <a name="anchor-only">x</a>
      <a href=" /two?x=1&amp;y=2 ">2</a></p><map name="m"><area href="../area.html" shape="rect">
      <area nohref></map><a href="https://other.example/Three#part">3</a>)h");
  CHECK(described(r) == list{"hyperlink: https://example.com/dir/one.html",
                             "hyperlink: https://example.com/two?x=1&y=2",
                             "hyperlink: https://example.com/area.html",
                             "hyperlink: https://other.example/Three#part"});
  CHECK(r.items[1].text == "/two?x=1&y=2");
  CHECK(r.items[3].location.href_without_fragment() == "https://other.example/Three");
  for (const auto& ref : r.items) {
    CHECK_FALSE(ref.image.has_value());
    CHECK(ref.rel.empty());
    CHECK_FALSE(ref.nofollow);
    CHECK_FALSE(ref.inline_data);
  }
  CHECK(r.skipped.empty());
  CHECK_FALSE(r.truncated);
}

TEST_CASE("references: SVG a with href or xlink:href is a hyperlink", "[unit]") {
  const auto r = extract(R"h(<svg><a href="svg2.html"><text>a</text></a>
      <a xlink:href="xlink.html"><text>b</text></a><a href="wins.html" xlink:href="loses.html"/>
      </svg>)h");
  CHECK(described(r) == list{"hyperlink: https://example.com/dir/svg2.html",
                             "hyperlink: https://example.com/dir/xlink.html",
                             "hyperlink: https://example.com/dir/wins.html"});
}

TEST_CASE("references: rel=nofollow marks each hyperlink", "[unit]") {
  const auto r = extract(R"h(<a href="a.html" rel="nofollow">a</a>
      <a href="b.html" rel="noopener NoFollow external">b</a><a href="c.html" rel="ugc">c</a>
      <area href="d.html" rel="nofollow"><a href="e.html" rel="nofollowing">e</a>)h");
  REQUIRE(r.items.size() == 5);
  CHECK(r.items[0].nofollow);
  CHECK(r.items[1].nofollow);
  CHECK_FALSE(r.items[2].nofollow);
  CHECK(r.items[3].nofollow);
  CHECK_FALSE(r.items[4].nofollow);
  CHECK_FALSE(r.nofollow);  // the page itself says nothing
}

TEST_CASE("references: frames and iframes; an iframe with srcdoc loads no src", "[unit]") {
  const auto r = extract(R"h(<iframe src="embedded.html"></iframe>
      <iframe srcdoc="<p>inline</p>" src="ignored.html"></iframe><iframe></iframe>)h");
  CHECK(described(r) == list{"frame: https://example.com/dir/embedded.html"});
  const auto frameset = extract(R"h(<frameset cols="50%,50%"><frame src="left.html">
      <frame src="/right.html"></frameset>)h");
  CHECK(described(frameset) ==
        list{"frame: https://example.com/dir/left.html", "frame: https://example.com/right.html"});
}

TEST_CASE("references: link types, each rel token its own reference", "[unit]") {
  const auto r = extract(R"h(<head>
      <link rel="stylesheet" href="/site.css" media="screen" type="text/css">
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" hreflang="de" href="https://example.de/">
      <link rel="next" href="page2.html"><link rel="prev" href="page0.html">
      <link rel="previous" href="old-prev.html">
      <link rel="canonical" href="https://example.com/canonical">
      <link rel="modulepreload" href="/mod.js"><link rel="manifest" href="/app.webmanifest">
      <link rel="dns-prefetch" href="//cdn.example"><link rel="author" href="/me">
      <link href="/no-rel.css"><link rel="stylesheet">
      </head>)h");
  CHECK(described(r) ==
        list{"stylesheet: https://example.com/site.css", "alternate: https://example.com/feed.xml",
             "alternate: https://example.de/", "next: https://example.com/dir/page2.html",
             "prev: https://example.com/dir/page0.html",
             "prev: https://example.com/dir/old-prev.html",
             "canonical: https://example.com/canonical",
             "modulepreload: https://example.com/mod.js",
             "manifest: https://example.com/app.webmanifest"});
  CHECK(r.items[0].media == "screen");
  CHECK(r.items[0].type == "text/css");
  CHECK(r.items[0].rel == reference_kinds{reference_kind::stylesheet});
  CHECK(r.items[1].type == "application/rss+xml");
  CHECK(r.skipped.empty());
}

TEST_CASE("references: several rel tokens on one link, in the order written", "[unit]") {
  const auto r = extract(R"h(<link rel="alternate stylesheet" href="/high-contrast.css">
      <link rel="ICON shortcut icon apple-touch-icon" href="/i.png">
      <link rel="next prefetch canonical" href="/2">)h");
  CHECK(described(r) == list{"alternate: https://example.com/high-contrast.css",
                             "stylesheet: https://example.com/high-contrast.css",
                             "icon (link icon): https://example.com/i.png",
                             "next: https://example.com/2", "canonical: https://example.com/2"});
  const reference_kinds both{reference_kind::alternate, reference_kind::stylesheet};
  CHECK(r.items[0].rel == both);
  CHECK(r.items[1].rel == both);  // a stylesheet that is only an alternative: not applied
  CHECK(r.items[2].rel == reference_kinds{reference_kind::icon});
}

TEST_CASE("references: preload with as; image preloads are images too", "[unit]") {
  const auto r = extract(R"h(<link rel="preload" as="Style" href="/a.css">
      <link rel="preload" as="font" href="/f.woff2" type="font/woff2" crossorigin>
      <link rel="preload" href="/no-as.bin">
      <link rel="preload" as="image" href="/hero.jpg" imagesrcset="/hero-2x.jpg 2x, /bad.jpg 2q">
      <link rel="preload icon" as="image" href="/both.png">)h");
  CHECK(described(r) == list{"preload: https://example.com/a.css",
                             "preload: https://example.com/f.woff2",
                             "preload: https://example.com/no-as.bin",
                             "preload (link preload): https://example.com/hero.jpg",
                             "preload (link preload imagesrcset): https://example.com/hero-2x.jpg",
                             "preload: https://example.com/both.png",
                             "icon (link icon): https://example.com/both.png"});
  CHECK(r.items[0].as == "style");
  CHECK(r.items[1].as == "font");
  CHECK(r.items[1].type == "font/woff2");
  CHECK(r.items[2].as.empty());
  CHECK(r.items[3].as == "image");
  CHECK(r.items[4].as == "image");
  CHECK(r.items[6].as.empty());  // as belongs to the preload, not to the icon
  CHECK(skipped(r) == list{"preload invalid srcset candidate: /bad.jpg 2q"});
  // An icon link is an icon to extract_images, so its preload is no image here either.
  CHECK_FALSE(r.items[5].image.has_value());
}

TEST_CASE("references: scripts, module scripts, and data blocks that are never fetched", "[unit]") {
  const auto r = extract(R"h(<script src="classic.js"></script>
      <script type="module" src="/mod.js"></script><script type=" MODULE " src="/mod2.js"></script>
      <script type="text/javascript" src="tj.js"></script><script type="" src="empty-type.js">
      </script><script language="JavaScript" src="lang.js"></script>
      <script type="application/ld+json" src="data.json"></script>
      <script type="text/template" src="tpl.html"></script><script type="importmap" src="m.json">
      </script><script language="vbscript" src="vb.vbs"></script>
      <script>inline()</script><svg><script href="svg.js"></script></svg>)h");
  CHECK(described(r) ==
        list{"script: https://example.com/dir/classic.js", "script: https://example.com/mod.js",
             "script: https://example.com/mod2.js", "script: https://example.com/dir/tj.js",
             "script: https://example.com/dir/empty-type.js",
             "script: https://example.com/dir/lang.js"});
  REQUIRE(r.items.size() == 6);
  CHECK_FALSE(r.items[0].module);
  CHECK(r.items[1].module);
  CHECK(r.items[1].type == "module");
  CHECK(r.items[2].module);
  CHECK_FALSE(r.items[3].module);
  CHECK(r.items[3].type == "text/javascript");
}

TEST_CASE("references: media, tracks, embeds and objects", "[unit]") {
  const auto r = extract(R"h(<video src="clip.webm" poster="poster.jpg"></video>
      <video controls><source src="movie.mp4" type="video/mp4" media="(min-width: 800px)">
      <source src="movie.webm" type="video/webm"><track src="subs.vtt" kind="subtitles"></video>
      <audio src="sound.ogg"></audio><audio><source src="song.mp3"></audio>
      <picture><source srcset="pic.webp"><img src="pic.jpg"></picture>
      <div><source src="orphan.mp4"><track src="orphan.vtt"></div>
      <embed src="/flash.swf" type="application/x-shockwave-flash">
      <object data="/doc.pdf" type="application/pdf"></object><object></object>)h");
  CHECK(described(r) ==
        list{"image (video poster): https://example.com/dir/poster.jpg",
             "media: https://example.com/dir/clip.webm", "media: https://example.com/dir/movie.mp4",
             "media: https://example.com/dir/movie.webm", "track: https://example.com/dir/subs.vtt",
             "media: https://example.com/dir/sound.ogg", "media: https://example.com/dir/song.mp3",
             "image (picture source srcset): https://example.com/dir/pic.webp",
             "image (img src): https://example.com/dir/pic.jpg",
             "embed: https://example.com/flash.swf", "object: https://example.com/doc.pdf"});
  CHECK(r.items[1].type.empty());  // the video's src has no type of its own
  CHECK(r.items[2].type == "video/mp4");
  CHECK(r.items[2].media == "(min-width: 800px)");
  CHECK(r.items[9].type == "application/x-shockwave-flash");
  CHECK(r.items[10].type == "application/pdf");
}

TEST_CASE("references: every image extract_images finds, with its source", "[unit]") {
  const auto r = extract(R"h(<body background="bg.gif"><img src="a.png" srcset="a2.png 2x">
      <input type="image" src="go.png"><svg><image href="s.png"/></svg>
      <img src="a.png"><link rel="icon" href="/favicon.ico"></body>)h");
  CHECK(described(r) == list{"image (background attribute): https://example.com/dir/bg.gif",
                             "image (img src): https://example.com/dir/a.png",
                             "image (img srcset): https://example.com/dir/a2.png",
                             "image (input image): https://example.com/dir/go.png",
                             "image (svg image): https://example.com/dir/s.png",
                             "image (img src): https://example.com/dir/a.png",
                             "icon (link icon): https://example.com/favicon.ico"});
  // Lazy-loading attributes on request, as for extract_images.
  reference_options lazy;
  lazy.lazy_attributes = true;
  CHECK(described(extract(R"h(<img data-src="real.jpg" data-srcset="r2.jpg 2x">)h", lazy)) ==
        list{"image (img data-src): https://example.com/dir/real.jpg",
             "image (img data-srcset): https://example.com/dir/r2.jpg"});
  CHECK(extract(R"h(<img data-src="real.jpg">)h").items.empty());
}

TEST_CASE("references: the first base href resolves every reference", "[unit]") {
  const auto r = extract(R"h(<head><a href="early.html">e</a>
      <base href="https://cdn.example/root/"><base href="/second/">
      <link rel="stylesheet" href="s.css"></head><body><a href="page.html">p</a>
      <img src="/i.png"><script src="//js.example/x.js"></script></body>)h");
  CHECK(r.base.href() == "https://cdn.example/root/");
  CHECK(described(r) == list{"hyperlink: https://cdn.example/root/early.html",
                             "stylesheet: https://cdn.example/root/s.css",
                             "hyperlink: https://cdn.example/root/page.html",
                             "image (img src): https://cdn.example/i.png",
                             "script: https://js.example/x.js"});
  const auto none = extract(R"h(<base href="javascript:x()"><a href="a.html">a</a>)h");
  CHECK(none.base.href() == references_test::document);
  CHECK(described(none) == list{"hyperlink: https://example.com/dir/a.html"});
}

TEST_CASE("references: meta robots noindex, nofollow, none", "[unit]") {
  struct example {
    const char* page;
    bool noindex;
    bool nofollow;
  };
  const example examples[] = {
      {R"h(<meta name="robots" content="noindex">)h", true, false},
      {R"h(<meta name="robots" content="nofollow">)h", false, true},
      {R"h(<meta name="robots" content="none">)h", true, true},
      {R"h(<meta name="ROBOTS" content="NoIndex, NOFOLLOW">)h", true, true},
      {R"h(<meta name=" robots " content=" noindex ,nofollow ">)h", true, true},
      {R"h(<meta name="robots" content="noindex nofollow">)h", true, true},
      {R"h(<meta name="robots" content="index, follow, max-snippet:-1">)h", false, false},
      {R"h(<meta name="robots" content="noindexing, nofollowed, all">)h", false, false},
      {R"h(<meta name="robots" content="noindex"><meta name="robots" content="nofollow">)h", true,
       true},
      {R"h(<meta name="googlebot" content="noindex, nofollow">)h", false, false},
      {R"h(<meta name="robots">)h", false, false},
      {R"h(<meta content="noindex">)h", false, false},
      {R"h(<meta http-equiv="robots" content="noindex">)h", false, false},
      {R"h(<noscript><meta name="robots" content="none"></noscript>)h", false, false},
      {R"h(<p>no meta</p>)h", false, false},
  };
  for (const example& e : examples) {
    INFO(e.page);
    reference_options options;
    options.include_noscript = true;  // still not a document fact inside noscript
    const auto r = extract(e.page, options);
    CHECK(r.noindex == e.noindex);
    CHECK(r.nofollow == e.nofollow);
  }
}

TEST_CASE("references: meta robots for the crawler's own name", "[unit]") {
  const std::string_view page = R"h(<meta name="CorofetchBot" content="nofollow">
      <meta name="otherbot" content="noindex"><a href="x.html">x</a>)h";
  CHECK_FALSE(extract(page).nofollow);
  reference_options options;
  options.robots_name = "corofetchbot";
  const auto r = extract(page, options);
  CHECK(r.nofollow);
  CHECK_FALSE(r.noindex);
  // The links are still reported: obeying nofollow is the crawler's decision.
  CHECK(r.items.size() == 1);
  // Robots directives are read whatever kinds are collected.
  options.kinds = {};
  CHECK(extract(page, options).nofollow);
}

TEST_CASE("references: schemes a crawler must not fetch are skipped", "[unit]") {
  const auto r = extract(R"h(<a href="mailto:editor@example.com">mail</a>
      <a href="javascript:void(0)">js</a><a href="tel:+1-555-0100">call</a>
      <a href="ftp://files.example/a.zip">ftp</a><a href="file:///etc/passwd">file</a>
      <a href="data:text/html,hi">data</a><a href="">self</a><a href="  ">blank</a>
      <a href="http://exa mple.com/">bad host</a><a href="HTTPS://Example.com/ok">ok</a>
      <iframe src="about:blank"></iframe><script src="blob:https://example.com/1"></script>)h");
  CHECK(described(r) == list{"hyperlink: https://example.com/ok"});
  CHECK(skipped(r) == list{"hyperlink unsupported scheme: mailto:editor@example.com",
                           "hyperlink unsupported scheme: javascript:void(0)",
                           "hyperlink unsupported scheme: tel:+1-555-0100",
                           "hyperlink unsupported scheme: ftp://files.example/a.zip",
                           "hyperlink unsupported scheme: file:///etc/passwd",
                           "hyperlink data: URL excluded: data:text/html,hi",
                           "hyperlink empty reference: ", "hyperlink empty reference: ",
                           "hyperlink unparsable URL: http://exa mple.com/",
                           "frame unsupported scheme: about:blank",
                           "script unsupported scheme: blob:https://example.com/1"});
  CHECK(r.skipped[8].error == corofetch::url::errc::host_invalid_code_point);
  CHECK_FALSE(r.skipped[0].image.has_value());
}

TEST_CASE("references: data: URLs reported as inline on request", "[unit]") {
  const std::string_view page =
      R"h(<img src="data:image/gif;base64,R0lGOD"><script src="data:text/javascript,x()"></script>)h";
  CHECK(skipped(extract(page)) == list{"image data: URL excluded: data:image/gif;base64,R0lGOD",
                                       "script data: URL excluded: data:text/javascript,x()"});
  reference_options report;
  report.data_urls = data_url_policy::report;
  const auto r = extract(page, report);
  REQUIRE(r.items.size() == 2);
  CHECK(r.items[0].inline_data);
  CHECK(r.items[0].image == image_source::img_src);
  CHECK(r.items[1].inline_data);
  CHECK(r.items[1].location.scheme() == "data");
}

TEST_CASE("references: noscript and template content on request", "[unit]") {
  const std::string_view page = R"h(<a href="visible.html">v</a>
      <noscript><a href="noscript.html">n</a><img src="n.png"></noscript>
      <template><a href="template.html">t</a></template>)h";
  CHECK(described(extract(page)) == list{"hyperlink: https://example.com/dir/visible.html"});
  reference_options options;
  options.include_noscript = true;
  options.include_template = true;
  CHECK(described(extract(page, options)) ==
        list{"hyperlink: https://example.com/dir/visible.html",
             "hyperlink: https://example.com/dir/noscript.html",
             "image (img src): https://example.com/dir/n.png",
             "hyperlink: https://example.com/dir/template.html"});
}

TEST_CASE("references: only the kinds asked for are collected", "[unit]") {
  const std::string_view page = R"h(<link rel="stylesheet alternate" href="/s.css">
      <link rel="icon" href="/i.ico"><script src="/a.js"></script>
      <a href="/link"><img src="/img.png" srcset="/bad.png 2q"></a><iframe src="/frame"></iframe>
      <video src="/v.mp4" poster="/p.jpg"><track src="/t.vtt"></video>
      <embed src="/e"><object data="/o"></object>)h";
  CHECK(described(extract(page, only(reference_kinds::crawl()))) ==
        list{"hyperlink: https://example.com/link", "frame: https://example.com/frame"});
  CHECK(extract(page, only(reference_kinds::crawl())).skipped.empty());  // no srcset parsed
  CHECK(described(extract(page, only({reference_kind::alternate}))) ==
        list{"alternate: https://example.com/s.css"});
  CHECK(described(extract(page, only({reference_kind::image}))) ==
        list{"image (img src): https://example.com/img.png",
             "image (video poster): https://example.com/p.jpg"});
  CHECK(described(extract(page, only({reference_kind::media, reference_kind::track}))) ==
        list{"media: https://example.com/v.mp4", "track: https://example.com/t.vtt"});
  CHECK(described(extract(page, only(reference_kinds::requisites()))) ==
        list{"stylesheet: https://example.com/s.css", "icon (link icon): https://example.com/i.ico",
             "script: https://example.com/a.js", "image (img src): https://example.com/img.png",
             "frame: https://example.com/frame", "image (video poster): https://example.com/p.jpg",
             "media: https://example.com/v.mp4", "track: https://example.com/t.vtt",
             "embed: https://example.com/e", "object: https://example.com/o"});
  const auto nothing = extract(page, only({}));
  CHECK(nothing.items.empty());
  CHECK(nothing.skipped.empty());
}

TEST_CASE("references: reference_kinds as a set", "[unit]") {
  reference_kinds k;
  CHECK(k.empty());
  k.insert(reference_kind::script).insert(reference_kind::object);
  CHECK(k.contains(reference_kind::script));
  CHECK(k.contains(reference_kind::object));
  CHECK_FALSE(k.contains(reference_kind::hyperlink));
  k.erase(reference_kind::script);
  CHECK(k == reference_kinds{reference_kind::object});
  CHECK(reference_kinds::all().contains(reference_kind::hyperlink));
  CHECK(reference_kinds::all().contains(reference_kind::object));
  CHECK(reference_options{}.kinds == reference_kinds::all());
  CHECK_FALSE(reference_kinds::requisites().contains(reference_kind::hyperlink));
  CHECK_FALSE(reference_kinds::requisites().contains(reference_kind::canonical));
  CHECK(to_string(reference_kind::hyperlink) == "hyperlink");
  CHECK(to_string(reference_kind::modulepreload) == "modulepreload");
  CHECK(to_string(reference_kind::object) == "object");
}

TEST_CASE("references: bounds on references, skipped, input size and nesting", "[unit]") {
  std::string page;
  for (int i = 0; i < 10; ++i) page += "<a href=\"p" + std::to_string(i) + ".html\">x</a>";
  for (int i = 0; i < 5; ++i) page += "<a href=\"mailto:m" + std::to_string(i) + "@x\">m</a>";
  reference_options options;
  options.max_references = 4;
  options.max_skipped = 2;
  const auto r = extract(page, options);
  CHECK(r.items.size() == 4);
  CHECK(r.items.back().location.href() == "https://example.com/dir/p3.html");
  CHECK(r.skipped.size() == 2);
  CHECK(r.truncated);
  options.max_references = 10;
  options.max_skipped = 5;
  CHECK_FALSE(extract(page, options).truncated);
  CHECK(reference_options{}.max_references == 100'000u);
  CHECK(reference_options{}.max_input_bytes == (std::size_t{16} << 20));

  const auto doc = corofetch::url::parse(references_test::document).value();
  options.max_input_bytes = 64;
  CHECK(corofetch::html::extract_references(std::string(65, 'x'), doc, options).error() ==
        errc::input_too_large);
  std::string deep;
  for (int i = 0; i < 1025; ++i) deep += "<div>";
  CHECK(corofetch::html::extract_references(deep, doc).error() == errc::nesting_too_deep);
}

TEST_CASE("references: an empty document names nothing", "[unit]") {
  const auto r = extract("");
  CHECK(r.items.empty());
  CHECK(r.skipped.empty());
  CHECK(r.base.href() == references_test::document);
  CHECK(r.title.empty());
  CHECK_FALSE(r.noindex);
  CHECK_FALSE(r.nofollow);
  CHECK(extract("<title> A  title </title>").title == "A title");
}
