// The crawl scope: same host, same registrable domain through the Public Suffix List (libpsl),
// URL prefixes, include and exclude regular expressions, and the errors of bad options.
#include <corofetch/crawl/scope.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace crawl = corofetch::crawl;
namespace url = corofetch::url;
using crawl::scope_kind;
using crawl::scope_verdict;

namespace {

url::url u(const std::string& text) {
  auto parsed = url::parse(text);
  REQUIRE(parsed);
  return *parsed;
}

crawl::scope make(crawl::scope_options o, const std::vector<std::string>& seeds) {
  std::vector<url::url> parsed;
  for (const auto& s : seeds) parsed.push_back(u(s));
  auto made = crawl::scope::make(o, parsed);
  REQUIRE(made);
  return std::move(*made);
}

crawl::scope_options of(scope_kind kind) {
  crawl::scope_options o;
  o.kind = kind;
  return o;
}

}  // namespace

TEST_CASE("scope host: the seed's host name, any scheme or port", "[unit]") {
  const auto s = make(of(scope_kind::host), {"http://www.example.com/start"});
  CHECK(s.check(u("http://www.example.com/other")) == scope_verdict::in_scope);
  CHECK(s.check(u("https://www.example.com:8443/x")) == scope_verdict::in_scope);
  CHECK(s.check(u("http://WWW.Example.COM/x")) == scope_verdict::in_scope);
  CHECK(s.check(u("http://example.com/")) == scope_verdict::other_host);
  CHECK(s.check(u("http://sub.www.example.com/")) == scope_verdict::other_host);
  CHECK(s.check(u("ftp://www.example.com/")) == scope_verdict::not_http);
}

TEST_CASE("scope domain: under the seed's registrable domain", "[unit]") {
  auto s = make(of(scope_kind::domain), {"http://a.b.example.co.uk/"});
  CHECK(s.check(u("http://c.example.co.uk/")) == scope_verdict::in_scope);
  CHECK(s.check(u("https://example.co.uk/")) == scope_verdict::in_scope);
  CHECK(s.check(u("http://deep.a.b.example.co.uk/x")) == scope_verdict::in_scope);
  CHECK(s.check(u("http://other.co.uk/")) == scope_verdict::other_domain);
  CHECK(s.check(u("http://example.com/")) == scope_verdict::other_domain);
  s.add_seed(u("http://example.com/"));
  CHECK(s.check(u("http://www.example.com/")) == scope_verdict::in_scope);
}

TEST_CASE("scope domain: hosts without a registrable domain stay on their host", "[unit]") {
  const auto s = make(of(scope_kind::domain), {"http://127.0.0.1:8080/", "http://localhost/"});
  CHECK(s.check(u("http://127.0.0.1:9/x")) == scope_verdict::in_scope);
  CHECK(s.check(u("http://127.0.0.2/")) == scope_verdict::other_domain);
  CHECK(s.check(u("http://localhost/a")) == scope_verdict::in_scope);
}

TEST_CASE("scope prefix: the seed's directory, or the prefixes given", "[unit]") {
  const auto s = make(of(scope_kind::prefix), {"http://h.test/docs/intro.html?x=1"});
  CHECK(s.check(u("http://h.test/docs/")) == scope_verdict::in_scope);
  CHECK(s.check(u("http://h.test/docs/deep/page.html")) == scope_verdict::in_scope);
  CHECK(s.check(u("http://h.test/docs")) == scope_verdict::outside_prefix);
  CHECK(s.check(u("http://h.test/documents/")) == scope_verdict::outside_prefix);
  CHECK(s.check(u("https://h.test/docs/")) == scope_verdict::outside_prefix);

  crawl::scope_options o = of(scope_kind::prefix);
  o.prefixes = {"http://H.test/api/v1", "http://h.test"};
  const auto given = make(o, {"http://h.test/api/v1/index"});
  CHECK(given.check(u("http://h.test/api/v1x")) == scope_verdict::in_scope);
  CHECK(given.check(u("http://h.test/anything")) == scope_verdict::in_scope);  // "http://h.test/"
  CHECK(given.check(u("http://g.test/")) == scope_verdict::outside_prefix);
}

TEST_CASE("scope regex: exclude wins, then include must match", "[unit]") {
  crawl::scope_options o = of(scope_kind::any);
  o.include = {R"(/p/\d+\.html$)", "/blog/"};
  o.exclude = {"private", R"(\?sort=)"};
  const auto s = make(o, {"http://h.test/"});
  CHECK(s.check(u("http://h.test/p/12.html")) == scope_verdict::in_scope);
  CHECK(s.check(u("http://elsewhere.test/blog/x")) == scope_verdict::in_scope);  // kind any
  CHECK(s.check(u("http://h.test/p/12.html#frag")) == scope_verdict::in_scope);  // canonical
  CHECK(s.check(u("http://h.test/p/12.htm")) == scope_verdict::not_included);
  CHECK(s.check(u("http://h.test/private/p/1.html")) == scope_verdict::excluded);
  CHECK(s.check(u("http://h.test/blog/?sort=asc")) == scope_verdict::excluded);
  CHECK(crawl::to_string(scope_verdict::excluded) == "excluded");
}

TEST_CASE("scope: bad options are refused with a reason", "[unit]") {
  crawl::scope_options o;
  o.exclude = {"(unclosed"};
  std::string detail;
  const std::vector<url::url> seeds{u("http://h.test/")};
  auto bad = crawl::scope::make(o, seeds, &detail);
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == crawl::errc::invalid_options);
  CHECK(detail.find("(unclosed") != std::string::npos);

  crawl::scope_options p = of(scope_kind::prefix);
  p.prefixes = {"not a url"};
  CHECK(crawl::scope::make(p, seeds).error() == crawl::errc::invalid_options);
}
