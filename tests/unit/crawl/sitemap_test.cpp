// Sitemaps (sitemaps.org protocol 0.9): XML with and without the namespace, indexes, gzip,
// entities and CDATA, bounds, malformed and hostile documents, text sitemaps, W3C datetimes.
#include <corofetch/crawl/sitemap.hpp>

#include <catch2/catch.hpp>

#include <zlib.h>

#include <string>

namespace crawl = corofetch::crawl;
namespace url = corofetch::url;
using crawl::errc;

namespace {

const url::url base = url::parse("https://example.test/maps/sitemap.xml").value();

std::string gzip(std::string_view data) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string urlset(
    std::string_view body,
    std::string_view attributes = R"( xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")") {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)") + "\n<urlset" +
         std::string(attributes) + ">\n" + std::string(body) + "</urlset>\n";
}

std::vector<std::string> locs(const crawl::sitemap& s) {
  std::vector<std::string> out;
  for (const auto& e : s.entries) out.emplace_back(e.loc.href());
  return out;
}

using std::chrono::sys_days;
using std::chrono::year;

}  // namespace

TEST_CASE("sitemap: a urlset in the protocol's namespace", "[unit]") {
  const std::string doc = urlset(R"(
  <url>
    <loc>https://example.test/</loc>
    <lastmod>2005-01-01</lastmod>
    <changefreq>monthly</changefreq>
    <priority>0.8</priority>
  </url>
  <url>
    <loc>https://example.test/catalog?item=12&amp;desc=vacation_hawaii</loc>
    <changefreq>weekly</changefreq>
  </url>
  <url><loc>https://example.test/b</loc><lastmod>2004-12-23T18:00:15+00:00</lastmod>
    <priority>0.3</priority></url>
)");
  auto s = crawl::parse_sitemap(doc, base);
  REQUIRE(s);
  CHECK(s->kind == crawl::sitemap_kind::urlset);
  CHECK(s->skipped == 0);
  REQUIRE(s->entries.size() == 3);
  const auto& a = s->entries[0];
  CHECK(a.loc.href() == "https://example.test/");
  CHECK(a.lastmod == "2005-01-01");
  CHECK(a.lastmod_time == sys_days(year(2005) / 1 / 1));
  CHECK(a.changefreq == crawl::change_frequency::monthly);
  CHECK(a.priority == 0.8);
  const auto& b = s->entries[1];
  CHECK(b.loc.href() == "https://example.test/catalog?item=12&desc=vacation_hawaii");
  CHECK(b.lastmod.empty());
  CHECK_FALSE(b.lastmod_time);
  CHECK(b.changefreq == crawl::change_frequency::weekly);
  CHECK_FALSE(b.priority);
  const auto& c = s->entries[2];
  CHECK(c.lastmod_time ==
        sys_days(year(2004) / 12 / 23) + std::chrono::hours(18) + std::chrono::seconds(15));
  CHECK(c.priority == 0.3);
}

TEST_CASE("sitemap: documents without a namespace, or with a prefix", "[unit]") {
  auto plain =
      crawl::parse_sitemap(urlset("<url><loc>http://example.test/a</loc></url>", ""), base);
  REQUIRE(plain);
  CHECK(locs(*plain) == std::vector<std::string>{"http://example.test/a"});

  const std::string prefixed =
      R"(<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">)"
      "<sm:url><sm:loc>http://example.test/p</sm:loc></sm:url></sm:urlset>";
  auto p = crawl::parse_sitemap(prefixed, base);
  REQUIRE(p);
  CHECK(locs(*p) == std::vector<std::string>{"http://example.test/p"});

  // Elements outside the root's namespace are not the protocol's, whatever their name.
  const std::string mixed =
      urlset(R"(<url><loc>http://example.test/a</loc></url>)"
             R"(<url xmlns="http://example.test/other"><loc>http://example.test/b</loc></url>)");
  auto m = crawl::parse_sitemap(mixed, base);
  REQUIRE(m);
  CHECK(locs(*m) == std::vector<std::string>{"http://example.test/a"});
}

TEST_CASE("sitemap: extension namespaces are ignored", "[unit]") {
  const std::string doc = urlset(
      R"(
  <url>
    <loc>https://example.test/page</loc>
    <image:image><image:loc>https://example.test/photo.jpg</image:loc></image:image>
    <xhtml:link rel="alternate" hreflang="de" href="https://example.test/de/page"/>
    <news:news><news:publication><news:name>N</news:name></news:publication>
      <news:title>T</news:title></news:news>
    <video:video><video:content_loc>https://example.test/v.mp4</video:content_loc></video:video>
  </url>
  <image:loc>https://example.test/stray.jpg</image:loc>
)",
      R"( xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")"
      R"( xmlns:image="http://www.google.com/schemas/sitemap-image/1.1")"
      R"( xmlns:xhtml="http://www.w3.org/1999/xhtml")"
      R"( xmlns:news="http://www.google.com/schemas/sitemap-news/0.9")"
      R"( xmlns:video="http://www.google.com/schemas/sitemap-video/1.1")");
  auto s = crawl::parse_sitemap(doc, base);
  REQUIRE(s);
  CHECK(locs(*s) == std::vector<std::string>{"https://example.test/page"});
  CHECK(s->skipped == 0);
}

TEST_CASE("sitemap: a sitemap index lists sitemaps", "[unit]") {
  const std::string doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap>
    <loc>http://www.example.test/sitemap1.xml.gz</loc>
    <lastmod>2004-10-01T18:23:17+00:00</lastmod>
  </sitemap>
  <sitemap>
    <loc>http://www.example.test/sitemap2.xml.gz</loc>
    <lastmod>2005-01-01</lastmod>
    <priority>0.9</priority>
  </sitemap>
</sitemapindex>)";
  auto s = crawl::parse_sitemap(doc, base);
  REQUIRE(s);
  CHECK(s->kind == crawl::sitemap_kind::index);
  CHECK(locs(*s) == std::vector<std::string>{"http://www.example.test/sitemap1.xml.gz",
                                             "http://www.example.test/sitemap2.xml.gz"});
  CHECK(s->entries[0].lastmod == "2004-10-01T18:23:17+00:00");
  CHECK(s->entries[0].lastmod_time == sys_days(year(2004) / 10 / 1) + std::chrono::hours(18) +
                                          std::chrono::minutes(23) + std::chrono::seconds(17));
  CHECK_FALSE(s->entries[1].priority);  // not an index field
  // <url> entries in an index are not the index's.
  auto wrong = crawl::parse_sitemap(
      "<sitemapindex><url><loc>http://example.test/</loc></url></sitemapindex>", base);
  REQUIRE(wrong);
  CHECK(wrong->entries.empty());
}

TEST_CASE("sitemap: gzip is recognized by its magic number", "[unit]") {
  const std::string doc = urlset("<url><loc>http://example.test/z</loc></url>");
  auto s = crawl::parse_sitemap(gzip(doc), base);
  REQUIRE(s);
  CHECK(locs(*s) == std::vector<std::string>{"http://example.test/z"});

  std::string detail;
  std::string corrupt = gzip(doc);
  corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
  CHECK(crawl::parse_sitemap(corrupt, base, {}, &detail).error() == errc::invalid_sitemap);
  CHECK(detail.starts_with("gzip: "));
  CHECK(crawl::parse_sitemap(gzip(doc).substr(0, 20), base, {}, &detail).error() ==
        errc::invalid_sitemap);
}

TEST_CASE("sitemap: a gzip bomb stops at the byte bound", "[unit]") {
  // 60 MiB of blanks inside the root compress to about 60 KiB.
  std::string doc = "<urlset>";
  doc.append(std::size_t{60} << 20, ' ');
  doc += "</urlset>";
  const std::string bomb = gzip(doc);
  CHECK(bomb.size() < (std::size_t{1} << 20));
  std::string detail;
  CHECK(crawl::parse_sitemap(bomb, base, {}, &detail).error() == errc::sitemap_too_large);
  CHECK(detail == "sitemap is over 52428800 bytes after gzip decoding");
  crawl::sitemap_options options;
  options.max_bytes = std::uint64_t{61} << 20;
  CHECK(crawl::parse_sitemap(bomb, base, options));
}

TEST_CASE("sitemap: entities, character references, CDATA and white space in loc", "[unit]") {
  const std::string doc = urlset(R"(
<url><loc>
    http://example.test/a?x=1&amp;y=&lt;2&gt;&amp;z=&quot;&apos;
  </loc></url>
<url><loc>&#x68;ttp://example.test/&#98;</loc></url>
<url><loc><![CDATA[http://example.test/c?p=1&q=<2>]]></loc></url>
<url><loc>	http://example.test/d	</loc></url>
<url><loc>http://example.test/caf&#xE9;</loc></url>
)");
  auto s = crawl::parse_sitemap(doc, base);
  REQUIRE(s);
  CHECK(locs(*s) == std::vector<std::string>{
                        "http://example.test/a?x=1&y=%3C2%3E&z=%22%27",
                        "http://example.test/b",
                        "http://example.test/c?p=1&q=%3C2%3E",
                        "http://example.test/d",
                        "http://example.test/caf%C3%A9",
                    });
}

TEST_CASE("sitemap: relative, foreign-scheme and unparsable locs are skipped and counted",
          "[unit]") {
  const std::string doc = urlset(
      "<url><loc>/relative/path</loc></url>"
      "<url><loc>page.html</loc></url>"
      "<url><loc>//example.test/scheme-relative</loc></url>"
      "<url><loc>mailto:someone@example.test</loc></url>"
      "<url><loc>ftp://example.test/file</loc></url>"
      "<url><loc>http://exa mple.test/</loc></url>"
      "<url><loc>http://[::1/</loc></url>"
      "<url><loc>   </loc></url>"
      "<url><lastmod>2005-01-01</lastmod></url>"
      "<url><loc>http://example.test/" +
      std::string(2100, 'a') +
      "</loc></url>"
      "<url><loc>http://example.test/kept</loc><loc>http://example.test/second</loc></url>");
  auto s = crawl::parse_sitemap(doc, base);
  REQUIRE(s);
  CHECK(locs(*s) == std::vector<std::string>{"http://example.test/kept"});
  CHECK(s->skipped == 10);
}

TEST_CASE("sitemap: bad changefreq, priority and lastmod values are dropped, not the entry",
          "[unit]") {
  const std::string doc = urlset(
      "<url><loc>http://example.test/</loc><changefreq>sometimes</changefreq>"
      "<priority>1.5</priority><lastmod>yesterday</lastmod></url>"
      "<url><loc>http://example.test/2</loc><changefreq> Daily </changefreq>"
      "<priority>1</priority></url>");
  auto s = crawl::parse_sitemap(doc, base);
  REQUIRE(s);
  REQUIRE(s->entries.size() == 2);
  CHECK_FALSE(s->entries[0].changefreq);
  CHECK_FALSE(s->entries[0].priority);
  CHECK(s->entries[0].lastmod == "yesterday");
  CHECK_FALSE(s->entries[0].lastmod_time);
  CHECK(s->entries[1].changefreq == crawl::change_frequency::daily);
  CHECK(s->entries[1].priority == 1.0);
}

TEST_CASE("sitemap: the URL bound counts every entry", "[unit]") {
  std::string body;
  for (int i = 0; i < 4; ++i)
    body += "<url><loc>http://example.test/" + std::to_string(i) + "</loc></url>";
  crawl::sitemap_options options;
  options.max_urls = 4;
  CHECK(crawl::parse_sitemap(urlset(body), base, options));
  options.max_urls = 3;
  std::string detail;
  CHECK(crawl::parse_sitemap(urlset(body), base, options, &detail).error() ==
        errc::sitemap_too_large);
  CHECK(detail.ends_with(": more than 3 entries"));
  // Skipped entries count: the protocol bounds <url> elements, not good ones.
  CHECK(crawl::parse_sitemap(urlset(body + "<url><loc>rel</loc></url>"), base, options).error() ==
        errc::sitemap_too_large);
}

TEST_CASE("sitemap: the protocol's own bounds by default", "[unit]") {
  // 50,001 entries, about 2.5 MB: also fed to expat in many pieces.
  std::string body;
  for (int i = 0; i < 50'001; ++i) {
    body += "<url><loc>http://example.test/p" + std::to_string(i) + "</loc></url>\n";
  }
  std::string detail;
  CHECK(crawl::parse_sitemap(urlset(body), base, {}, &detail).error() == errc::sitemap_too_large);
  CHECK(detail.ends_with("more than 50000 entries"));
  body.erase(body.rfind("<url>"));
  auto full = crawl::parse_sitemap(urlset(body), base);
  REQUIRE(full);
  REQUIRE(full->entries.size() == 50'000);
  CHECK(full->entries[12345].loc.href() == "http://example.test/p12345");
  CHECK(full->entries.back().loc.href() == "http://example.test/p49999");

  const std::string big = urlset(std::string((std::size_t{50} << 20) + 1, ' '));
  CHECK(crawl::parse_sitemap(big, base, {}, &detail).error() == errc::sitemap_too_large);
  CHECK(detail == "sitemap is over 52428800 bytes");
}

TEST_CASE("sitemap: malformed XML is invalid, with expat's message and position", "[unit]") {
  std::string detail;
  CHECK(crawl::parse_sitemap("<urlset>\n<url>\n<loc>http://example.test/</url>\n</urlset>", base,
                             {}, &detail)
            .error() == errc::invalid_sitemap);
  CHECK(detail == "line 3, column 28: mismatched tag");
  CHECK(crawl::parse_sitemap("", base, {}, &detail).error() == errc::invalid_sitemap);
  CHECK(detail == "line 1, column 1: no element found");
  CHECK(crawl::parse_sitemap("<urlset><url>", base, {}, &detail).error() == errc::invalid_sitemap);
  CHECK(detail.ends_with("no element found"));
  CHECK(crawl::parse_sitemap("<urlset>&nbsp;</urlset>", base, {}, &detail).error() ==
        errc::invalid_sitemap);
  CHECK(detail.ends_with("undefined entity"));
  // An undeclared prefix is a namespace error (Namespaces in XML 1.0, "Namespace constraint:
  // Prefix Declared").
  CHECK(crawl::parse_sitemap("<urlset><url><image:loc>x</image:loc></url></urlset>", base, {},
                             &detail)
            .error() == errc::invalid_sitemap);
  CHECK(detail.ends_with("unbound prefix"));
}

TEST_CASE("sitemap: other roots are refused", "[unit]") {
  std::string detail;
  CHECK(crawl::parse_sitemap("<html><body>404</body></html>", base, {}, &detail).error() ==
        errc::invalid_sitemap);
  CHECK(detail == "line 1, column 1: root element <html> is not <urlset> or <sitemapindex>");
  CHECK(crawl::parse_sitemap(R"(<rss version="2.0"><channel/></rss>)", base).error() ==
        errc::invalid_sitemap);
  CHECK(
      crawl::parse_sitemap(R"(<urlset xmlns="http://example.test/ns"></urlset>)", base, {}, &detail)
          .error() == errc::invalid_sitemap);
  CHECK(
      detail.ends_with("root element <urlset> in the foreign namespace "
                       "'http://example.test/ns'"));
}

TEST_CASE("sitemap: entity declarations are refused before any expansion", "[unit]") {
  std::string laughs = R"(<?xml version="1.0"?>
<!DOCTYPE urlset [
  <!ENTITY lol "lol">
)";
  for (int i = 1; i <= 9; ++i) {
    laughs += "  <!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j)
      laughs += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    laughs += "\">\n";
  }
  laughs += "]>\n<urlset><url><loc>http://example.test/&lol9;</loc></url></urlset>";
  std::string detail;
  CHECK(crawl::parse_sitemap(laughs, base, {}, &detail).error() == errc::invalid_sitemap);
  CHECK(detail ==
        "line 3, column 16: entity declaration 'lol' refused (sitemaps need no DTD "
        "entities)");

  const std::string external = R"(<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>http://example.test/&secret;</loc></url></urlset>)";
  CHECK(crawl::parse_sitemap(external, base, {}, &detail).error() == errc::invalid_sitemap);
  CHECK(detail.find("entity declaration 'secret' refused") != std::string::npos);

  const std::string parameter = R"(<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<urlset/>)";
  CHECK(crawl::parse_sitemap(parameter, base).error() == errc::invalid_sitemap);

  // An external DTD is never read, so an entity it would declare stays unknown: refused rather
  // than silently dropped from a URL.
  const std::string undeclared = R"(<?xml version="1.0"?>
<!DOCTYPE urlset SYSTEM "http://127.0.0.1:9/sitemap.dtd">
<urlset><url><loc>http://example.test/&thing;</loc></url></urlset>)";
  CHECK(crawl::parse_sitemap(undeclared, base, {}, &detail).error() == errc::invalid_sitemap);
  CHECK(detail.ends_with("reference to undeclared entity 'thing'"));

  // A DOCTYPE without declarations is harmless.
  auto ok = crawl::parse_sitemap(
      "<!DOCTYPE urlset><urlset><url><loc>http://example.test/</loc></url></urlset>", base);
  REQUIRE(ok);
  CHECK(ok->entries.size() == 1);
}

TEST_CASE("sitemap: same_location_only keeps the sitemap's directory", "[unit]") {
  const std::string doc = urlset(
      "<url><loc>https://example.test/maps/a</loc></url>"
      "<url><loc>https://example.test/maps/sub/b</loc></url>"
      "<url><loc>https://example.test/other</loc></url>"
      "<url><loc>http://example.test/maps/c</loc></url>"
      "<url><loc>https://example.test:8443/maps/d</loc></url>"
      "<url><loc>https://other.test/maps/e</loc></url>");
  auto all = crawl::parse_sitemap(doc, base);
  REQUIRE(all);
  CHECK(all->entries.size() == 6);
  crawl::sitemap_options options;
  options.same_location_only = true;
  auto kept = crawl::parse_sitemap(doc, base, options);
  REQUIRE(kept);
  CHECK(locs(*kept) ==
        std::vector<std::string>{"https://example.test/maps/a", "https://example.test/maps/sub/b"});
  CHECK(kept->skipped == 4);
}

TEST_CASE("sitemap: text sitemaps, one URL per line", "[unit]") {
  const std::string text =
      "\xEF\xBB\xBFhttp://example.test/a\r\n"
      "\r\n"
      "  https://example.test/b?x=1&y=2  \n"
      "/relative\n"
      "not a url\n"
      "http://example.test/c";
  auto s = crawl::parse_text_sitemap(text, base);
  REQUIRE(s);
  CHECK(s->kind == crawl::sitemap_kind::urlset);
  CHECK(locs(*s) == std::vector<std::string>{"http://example.test/a",
                                             "https://example.test/b?x=1&y=2",
                                             "http://example.test/c"});
  CHECK(s->skipped == 2);
  auto z = crawl::parse_text_sitemap(gzip(text), base);
  REQUIRE(z);
  CHECK(z->entries.size() == 3);

  crawl::sitemap_options options;
  options.max_urls = 4;
  std::string detail;
  CHECK(crawl::parse_text_sitemap(text, base, options, &detail).error() == errc::sitemap_too_large);
  CHECK(detail == "line 6: more than 4 URLs");
  CHECK(crawl::parse_text_sitemap("", base)->entries.empty());
}

TEST_CASE("sitemap: parse_any_sitemap tells XML from text", "[unit]") {
  auto xml = crawl::parse_any_sitemap(
      gzip("\xEF\xBB\xBF\n  <urlset><url><loc>http://example.test/x</loc></url></urlset>"), base);
  REQUIRE(xml);
  CHECK(locs(*xml) == std::vector<std::string>{"http://example.test/x"});
  auto text = crawl::parse_any_sitemap("http://example.test/t\n", base);
  REQUIRE(text);
  CHECK(locs(*text) == std::vector<std::string>{"http://example.test/t"});
  CHECK(crawl::parse_any_sitemap("<html/>", base).error() == errc::invalid_sitemap);
}

TEST_CASE("sitemap: W3C datetimes", "[unit]") {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const auto day = sys_days(year(1997) / 7 / 16);
  CHECK(crawl::parse_w3c_datetime("1997") == sys_days(year(1997) / 1 / 1));
  CHECK(crawl::parse_w3c_datetime("1997-07") == sys_days(year(1997) / 7 / 1));
  CHECK(crawl::parse_w3c_datetime("1997-07-16") == day);
  CHECK(crawl::parse_w3c_datetime("1997-07-16T19:20+01:00") == day + hours(18) + minutes(20));
  CHECK(crawl::parse_w3c_datetime("1997-07-16T19:20:30+01:00") ==
        day + hours(18) + minutes(20) + seconds(30));
  CHECK(crawl::parse_w3c_datetime("1997-07-16T19:20:30.45+01:00") ==
        day + hours(18) + minutes(20) + seconds(30));
  CHECK(crawl::parse_w3c_datetime("1997-07-16T19:20:30Z") ==
        day + hours(19) + minutes(20) + seconds(30));
  CHECK(crawl::parse_w3c_datetime("1997-07-16T23:30-05:00") ==
        day + std::chrono::days(1) + hours(4) + minutes(30));
  for (const char* bad :
       {"", "97", "1997-7", "1997-13", "1997-02-30", "1997-07-16T25:00Z", "1997-07-16T19:20",
        "1997-07-16 19:20Z", "1997-07-16T19:20:30.Z", "1997-07-16T19:20+1:00", "1997-07-16Z",
        "1997-07-16T19:20Zjunk", "yesterday"}) {
    INFO(bad);
    CHECK_FALSE(crawl::parse_w3c_datetime(bad));
  }
}
