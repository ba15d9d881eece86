// The crawler against generated loopback sites (support/crawl): exactly the reachable allowed
// URLs fetched, each once, counted by the server; what each report says; robots.txt answering
// 404, 500, redirecting or never answering; retries with backoff and Retry-After; depth, page
// limits and scope with skip reports; sitemaps; the page handler adding, rejecting and
// stopping; cancellation.
#include "integration/crawl/harness.hpp"
#include "support/crawl/generated_site.hpp"

#include <asio/error.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>

using namespace std::chrono_literals;
namespace crawl = corofetch::crawl;
using corofetch::test::crawl_outcome;
using corofetch::test::crawl_server;
using corofetch::test::generated_site;
using corofetch::test::reported;
using corofetch::test::run_crawl;

namespace {

crawl::crawl_options fast_options() {
  crawl::crawl_options o;
  o.concurrency = 32;
  o.politeness.per_host = 8;
  o.politeness.delay = 0ms;
  o.retry.backoff = 20ms;
  o.fetch.timeouts.response_head = 2s;
  return o;
}

crawl_server::reply html(std::string body) {
  crawl_server::reply r;
  r.body = std::move(body);
  return r;
}

crawl_server::reply text(int status, std::string body = {}) {
  crawl_server::reply r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

std::set<std::string> paths_hit(const crawl_server& server, const std::string& host) {
  std::set<std::string> out;
  for (const auto& e : server.log()) {
    if (e.host == host) out.insert(e.path);
  }
  return out;
}

}  // namespace

TEST_CASE("crawler: exactly the reachable allowed URLs of a generated site, each once",
          "[integration]") {
  generated_site site;
  site.pages = 2000;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  const std::string host = "site.test";
  const auto out = run_crawl(server, {host}, {server.url(host, "/p/0.html")}, fast_options());
  REQUIRE_FALSE(out.error);

  const std::set<std::string> expected = site.expected_paths();
  CHECK(paths_hit(server, host) == expected);
  CHECK(server.requests() == expected.size());  // each once
  CHECK(server.max_in_flight(host) <= 8);
  // One report per URL fetched (robots.txt is not reported by default).
  std::set<std::string> reported_urls;
  for (const auto& p : out.pages) reported_urls.insert(p.url);
  CHECK(out.pages.size() == expected.size() - 1);
  CHECK(reported_urls.size() == out.pages.size());
  CHECK(out.summary.progress.fetched == expected.size() - 1);
  CHECK(out.summary.progress.failed == 0);
  CHECK(out.summary.progress.robots_fetches == 1);
  CHECK(out.summary.progress.queued == 0);
  CHECK(out.summary.progress.in_flight == 0);

  const std::string base = server.url(host, "");
  const auto seed = out.of(base + "/p/0.html");
  REQUIRE(seed.size() == 1);
  CHECK(seed[0].depth == 0);
  CHECK(seed[0].referrer.empty());
  CHECK(seed[0].status == 200);
  CHECK(seed[0].content_type == "text/html");
  CHECK(seed[0].html);
  CHECK(seed[0].noindex);      // page 0 says noindex (0 % 47 == 0)
  CHECK(seed[0].links == 10);  // 4 page links, redirect, missing, file, private, nofollow, out
  CHECK(seed[0].request_head.rfind("GET /p/0.html HTTP/1.1\r\n", 0) == 0);
  CHECK(seed[0].body_bytes > 100);
  const auto moved = out.of(base + "/r/0");
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].status == 301);
  CHECK(moved[0].links == 1);
  CHECK(moved[0].depth == 1);
  CHECK(moved[0].referrer == base + "/p/0.html");
  const auto file = out.of(base + "/files/0.bin");
  REQUIRE(file.size() == 1);
  CHECK(file[0].content_type == "application/octet-stream");
  CHECK(file[0].links == 0);
  CHECK_FALSE(file[0].html);
  const auto missing = out.of(base + "/missing/0");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].status == 404);
  std::size_t missing_pages = 0;
  for (const auto& p : expected) missing_pages += p.rfind("/missing/", 0) == 0 ? 1U : 0U;
  CHECK(out.summary.progress.http_errors == missing_pages);
}

TEST_CASE("crawler: politeness holds per host, measured by the server", "[integration]") {
  generated_site site;
  site.pages = 12;
  site.delay = 150ms;
  site.hosts = {"a.site.test", "b.site.test", "c.site.test"};
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  crawl::crawl_options o = fast_options();
  o.scope.kind = crawl::scope_kind::domain;
  o.politeness.per_host = 2;
  o.politeness.delay = 100ms;
  const auto out = run_crawl(server, site.hosts, {server.url("a.site.test", "/p/0.html")}, o);
  REQUIRE_FALSE(out.error);
  const auto log = server.log();
  for (const auto& host : site.hosts) {
    INFO(host);
    CHECK(paths_hit(server, host) == site.expected_paths());
    CHECK(server.max_in_flight(host) <= 2);
    // Starts at least the delay apart, with 10 ms for the way from the crawler to the server.
    CHECK(corofetch::test::min_start_gap(log, host) >= 90ms);
  }
  CHECK(server.max_in_flight_total() >= 3);  // hosts are crawled side by side
  CHECK(server.requests() == 3 * site.expected_paths().size());
}

TEST_CASE("crawler: a robots.txt Crawl-delay spaces requests, up to its cap", "[integration]") {
  generated_site site;
  site.pages = 4;
  crawl_server server([&](const crawl_server::request& r) {
    auto reply = site.answer(r);
    if (r.path == "/robots.txt") {
      reply.body = r.host == "slow.test"
                       ? "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\n"
                       : "User-agent: *\nDisallow: /private/\nCrawl-delay: 3600\n";
    }
    return reply;
  });
  crawl::crawl_options o = fast_options();
  o.politeness.delay = 50ms;
  SECTION("Crawl-delay larger than the delay") {
    const auto out = run_crawl(server, {"slow.test"}, {server.url("slow.test", "/p/0.html")}, o);
    REQUIRE_FALSE(out.error);
    CHECK(paths_hit(server, "slow.test") == site.expected_paths());
    CHECK(corofetch::test::min_start_gap(server.log(), "slow.test") >= 290ms);
  }
  SECTION("Crawl-delay over the cap") {
    o.politeness.max_crawl_delay = 200ms;
    const auto out = run_crawl(server, {"lazy.test"}, {server.url("lazy.test", "/p/0.html")}, o);
    REQUIRE_FALSE(out.error);
    CHECK(paths_hit(server, "lazy.test") == site.expected_paths());
    const auto gap = corofetch::test::min_start_gap(server.log(), "lazy.test");
    CHECK(gap >= 190ms);
    CHECK(gap < 1s);
  }
}

TEST_CASE("crawler: robots.txt rules and its failures", "[integration]") {
  std::atomic<int> robots_status{200};
  std::atomic<bool> robots_hangs{false};
  crawl_server server([&](const crawl_server::request& r) {
    if (r.path == "/robots.txt") {
      if (robots_hangs) {
        crawl_server::reply hang;
        hang.hang = true;
        return hang;
      }
      if (r.host == "redirect.test") {
        crawl_server::reply moved = text(301);
        moved.fields.emplace_back("Location", "http://" + std::string("rules.test") + ":" +
                                                  r.authority.substr(r.authority.find(':') + 1) +
                                                  "/shared-robots.txt");
        return moved;
      }
      return text(robots_status, "User-agent: *\nDisallow: /secret\n");
    }
    if (r.path == "/shared-robots.txt") return text(200, "User-agent: *\nDisallow: /\n");
    return html("<a href=/secret/a>a</a><a href=/open>b</a>");
  });
  const std::vector<std::string> hosts{"rules.test", "redirect.test"};
  crawl::crawl_options o = fast_options();
  o.report_skipped = true;
  o.fetch.timeouts.response_head = 300ms;
  const std::string seed = server.url("rules.test", "/");

  SECTION("rules obeyed; disallowed links reported once with the rule") {
    const auto out = run_crawl(server, hosts, {seed}, o);
    REQUIRE_FALSE(out.error);
    CHECK(paths_hit(server, "rules.test") == std::set<std::string>{"/robots.txt", "/", "/open"});
    const auto secret = out.of(server.url("rules.test", "/secret/a"));
    REQUIRE(secret.size() == 1);
    CHECK(secret[0].skipped == crawl::skip_reason::robots_disallowed);
    CHECK(secret[0].skip_detail == "Disallow: /secret (line 2)");
    CHECK(secret[0].referrer == seed);
  }
  SECTION("404: everything allowed") {
    robots_status = 404;
    const auto out = run_crawl(server, hosts, {seed}, o);
    REQUIRE_FALSE(out.error);
    CHECK(paths_hit(server, "rules.test") ==
          std::set<std::string>{"/robots.txt", "/", "/open", "/secret/a"});
  }
  SECTION("500: nothing but robots.txt, the seed reported as disallowed") {
    robots_status = 500;
    const auto out = run_crawl(server, hosts, {seed}, o);
    REQUIRE_FALSE(out.error);
    CHECK(paths_hit(server, "rules.test") == std::set<std::string>{"/robots.txt"});
    REQUIRE(out.pages.size() == 1);
    CHECK(out.pages[0].skipped == crawl::skip_reason::robots_disallowed);
    CHECK(out.pages[0].skip_detail == "robots.txt unreachable: HTTP 500");
  }
  SECTION("no answer: nothing but robots.txt") {
    robots_hangs = true;
    const auto out = run_crawl(server, hosts, {seed}, o);
    REQUIRE_FALSE(out.error);
    CHECK(paths_hit(server, "rules.test") == std::set<std::string>{"/robots.txt"});
    REQUIRE(out.pages.size() == 1);
    CHECK(out.pages[0].skip_detail == "robots.txt unreachable");
  }
  SECTION("a redirect to another host is followed, its rules apply") {
    const auto out = run_crawl(server, hosts, {server.url("redirect.test", "/")}, o);
    REQUIRE_FALSE(out.error);
    CHECK(paths_hit(server, "redirect.test") == std::set<std::string>{"/robots.txt"});
    CHECK(server.hits("rules.test", "/shared-robots.txt") == 1);
    REQUIRE(out.pages.size() == 1);
    CHECK(out.pages[0].skip_detail == "Disallow: / (line 2)");
  }
  SECTION("--no-robots") {
    o.obey_robots = false;
    const auto out = run_crawl(server, hosts, {seed}, o);
    REQUIRE_FALSE(out.error);
    CHECK(paths_hit(server, "rules.test") == std::set<std::string>{"/", "/open", "/secret/a"});
  }
}

TEST_CASE("crawler: retries with backoff for 5xx and errors, Retry-After holds the host",
          "[integration]") {
  std::mutex mutex;
  std::map<std::string, int> seen;
  crawl_server server([&](const crawl_server::request& r) {
    int n = 0;
    {
      std::lock_guard lock(mutex);
      n = ++seen[r.path];
    }
    if (r.path == "/") return html("<a href=/flaky>1</a><a href=/down>2</a><a href=/busy>3</a>");
    if (r.path == "/flaky") return n <= 2 ? text(500) : html("fine at last");
    if (r.path == "/down") return text(502);
    if (r.path == "/busy") {
      crawl_server::reply r503 = text(503);
      r503.fields.emplace_back("Retry-After", "1");
      return n == 1 ? r503 : html("now");
    }
    return text(404);
  });
  crawl::crawl_options o = fast_options();
  o.obey_robots = false;
  o.retry.backoff = 50ms;
  const auto out = run_crawl(server, {"r.test"}, {server.url("r.test", "/")}, o);
  REQUIRE_FALSE(out.error);
  CHECK(server.hits("r.test", "/flaky") == 3);
  CHECK(server.hits("r.test", "/down") == 3);
  CHECK(server.hits("r.test", "/busy") == 2);
  const auto flaky = out.of(server.url("r.test", "/flaky"));
  REQUIRE(flaky.size() == 1);
  CHECK(flaky[0].status == 200);
  CHECK(flaky[0].attempts == 3);
  const auto down = out.of(server.url("r.test", "/down"));
  REQUIRE(down.size() == 1);
  CHECK(down[0].status == 502);
  CHECK(down[0].attempts == 3);
  CHECK(out.summary.progress.retries == 5);
  // After the 503, the host waited its Retry-After: no request to it for a second.
  const auto log = server.log();
  crawl_server::clock::time_point busy_answered{};
  for (const auto& e : log) {
    if (e.path == "/busy" && busy_answered == crawl_server::clock::time_point{}) {
      busy_answered = e.end;
    }
  }
  for (const auto& e : log) {
    if (e.start > busy_answered) CHECK(e.start - busy_answered >= 980ms);
  }
}

TEST_CASE("crawler: connection failures are retried, then reported with their error",
          "[integration]") {
  crawl_server server(
      [&](const crawl_server::request&) { return html("<a href=http://nowhere.test:9/x>x</a>"); });
  crawl::crawl_options o = fast_options();
  o.obey_robots = false;
  o.scope.kind = crawl::scope_kind::any;
  o.retry.backoff = 10ms;
  // nowhere.test maps to 127.0.0.1 port 9, where nothing listens.
  auto client_options = corofetch::test::client_options_for(server, {"r.test"});
  auto closed = corofetch::client::parse_resolve_override("nowhere.test:9:127.0.0.1");
  REQUIRE(closed);
  client_options.resolve_overrides.push_back(*closed);
  const auto out = corofetch::test::run_coro([&]() -> asio::awaitable<crawl_outcome> {
    crawl::crawler c(co_await asio::this_coro::executor, client_options, o);
    crawl_outcome result;
    std::vector<std::string> seeds{server.url("r.test", "/")};
    crawl::page_handler handler = [&](crawl::crawl_page& p, crawl::crawl_control&) {
      result.pages.push_back(corofetch::test::copy_report(p));
    };
    auto r = co_await c.async_run(std::move(seeds), std::move(handler));
    if (r) result.summary = *r;
    c.http_client().close_idle();
    co_return result;
  });
  const auto failed = out.of("http://nowhere.test:9/x");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].error == asio::error::connection_refused);
  CHECK(failed[0].attempts == 3);
  CHECK(failed[0].status == 0);
  CHECK(out.summary.progress.failed == 1);
}

TEST_CASE("crawler: depth limit, out-of-scope reports, include and exclude", "[integration]") {
  crawl_server server([&](const crawl_server::request& r) {
    if (r.path == "/robots.txt") return text(404);
    const std::string n = r.path.substr(3);  // "/d/3"
    const std::string next = std::to_string(std::stoi(n) + 1);
    return html("<a href=/d/" + next + ">next</a><a href=http://other.test/x>out</a>" +
                "<a href=/d/" + next + "?skip=1>excluded</a>");
  });
  crawl::crawl_options o = fast_options();
  o.max_depth = 3;
  o.report_skipped = true;
  o.scope.exclude = {"skip="};
  const auto out = run_crawl(server, {"d.test"}, {server.url("d.test", "/d/0")}, o);
  REQUIRE_FALSE(out.error);
  CHECK(paths_hit(server, "d.test") ==
        std::set<std::string>{"/robots.txt", "/d/0", "/d/1", "/d/2", "/d/3"});
  const auto other = out.of("http://other.test/x");
  REQUIRE(other.size() == 1);  // linked from every page, reported once
  CHECK(other[0].skipped == crawl::skip_reason::out_of_scope);
  CHECK(other[0].skip_detail == "other host");
  CHECK(other[0].referrer == server.url("d.test", "/d/0"));
  const auto excluded = out.of(server.url("d.test", "/d/1?skip=1"));
  REQUIRE(excluded.size() == 1);
  CHECK(excluded[0].skip_detail == "excluded");
  const auto deepest = out.of(server.url("d.test", "/d/3"));
  REQUIRE(deepest.size() == 1);
  CHECK(deepest[0].depth == 3);
  CHECK(deepest[0].links_followed == 0);  // /d/4 would be depth 4
}

TEST_CASE("crawler: max_pages stops the crawl after that many fetches", "[integration]") {
  generated_site site;
  site.pages = 500;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  crawl::crawl_options o = fast_options();
  o.max_pages = 25;
  const auto out = run_crawl(server, {"site.test"}, {server.url("site.test", "/p/0.html")}, o);
  REQUIRE_FALSE(out.error);
  CHECK(out.summary.page_limit_reached);
  CHECK(out.pages.size() == 25);
  CHECK(server.requests() == 26);  // and robots.txt
  CHECK(out.summary.progress.queued > 0);
}

TEST_CASE("crawler: the page handler adds URLs, rejects links and stops", "[integration]") {
  generated_site site;
  site.pages = 300;
  crawl_server server([&](const crawl_server::request& r) {
    if (r.path == "/orphan") return html("<a href=/p/299.html>x</a>");
    return site.answer(r);
  });
  crawl::crawl_options o = fast_options();
  o.concurrency = 1;  // one at a time: the stop comes after an exact count
  std::size_t handled = 0;
  const auto out = run_crawl(server, {"site.test"}, {server.url("site.test", "/p/0.html")}, o,
                             [&](crawl::crawl_page& page, crawl::crawl_control& control) {
                               ++handled;
                               for (auto& link : page.links) {
                                 if (link.location.pathname() == "/p/1.html") link.reject();
                               }
                               if (page.url.ends_with("/p/0.html")) {
                                 CHECK_FALSE(control.add("/orphan"));
                                 CHECK(control.add("mailto:x@y") == crawl::errc::invalid_options);
                               }
                               if (handled == 40) control.stop();
                             });
  REQUIRE_FALSE(out.error);
  CHECK(out.summary.stopped);
  CHECK(out.pages.size() == 40);
  CHECK(server.hits("site.test", "/orphan") == 1);
  CHECK(server.hits("site.test", "/p/1.html") == 0);
}

TEST_CASE("crawler: sitemaps from robots.txt seed pages no link names", "[integration]") {
  crawl_server server([&](const crawl_server::request& r) {
    const std::string origin = "http://" + r.authority;
    if (r.path == "/robots.txt") return text(200, "Sitemap: " + origin + "/sitemap_index.xml\n");
    crawl_server::reply xml;
    xml.content_type = "application/xml";
    if (r.path == "/sitemap_index.xml") {
      xml.body =
          "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>" +
          origin + "/sitemap1.xml</loc></sitemap></sitemapindex>";
      return xml;
    }
    if (r.path == "/sitemap1.xml") {
      xml.body = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>" +
                 origin + "/orphan/1</loc></url><url><loc>" + origin +
                 "/orphan/2</loc></url><url><loc>http://other.test/x</loc></url></urlset>";
      return xml;
    }
    return html("no links");
  });
  crawl::crawl_options o = fast_options();
  o.use_sitemaps = true;
  const auto out = run_crawl(server, {"s.test"}, {server.url("s.test", "/")}, o);
  REQUIRE_FALSE(out.error);
  CHECK(paths_hit(server, "s.test") == std::set<std::string>{"/robots.txt", "/",
                                                             "/sitemap_index.xml", "/sitemap1.xml",
                                                             "/orphan/1", "/orphan/2"});
  const auto urlset = out.of(server.url("s.test", "/sitemap1.xml"));
  REQUIRE(urlset.size() == 1);
  CHECK(urlset[0].purpose == crawl::fetch_purpose::sitemap);
  CHECK(urlset[0].links == 3);
  CHECK(urlset[0].links_followed == 2);
  const auto orphan = out.of(server.url("s.test", "/orphan/1"));
  REQUIRE(orphan.size() == 1);
  CHECK(orphan[0].depth == 0);
  CHECK(orphan[0].referrer == server.url("s.test", "/sitemap1.xml"));
}

TEST_CASE("crawler: a cancelled crawl stops its fetches and ends at once", "[integration]") {
  generated_site site;
  site.pages = 1000;
  site.delay = 200ms;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  crawl::crawl_options o = fast_options();
  const auto client_options = corofetch::test::client_options_for(server, {"site.test"});
  std::size_t reports = 0;
  const auto started = std::chrono::steady_clock::now();
  const auto result = corofetch::test::run_coro([&]() -> asio::awaitable<std::error_code> {
    using namespace asio::experimental::awaitable_operators;
    crawl::crawler c(co_await asio::this_coro::executor, client_options, o);
    asio::steady_timer timer(co_await asio::this_coro::executor, 700ms);
    std::vector<std::string> seeds{server.url("site.test", "/p/0.html")};
    crawl::page_handler count = [&](crawl::crawl_page&, crawl::crawl_control&) { ++reports; };
    auto crawl = c.async_run(std::move(seeds), std::move(count));
    auto raced = co_await (std::move(crawl) || timer.async_wait(asio::use_awaitable));
    c.http_client().close_idle();
    REQUIRE(raced.index() == 1);  // the timer won; the crawl was cancelled
    co_return std::error_code();
  });
  CHECK_FALSE(result);
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  CHECK(reports > 0);
  CHECK(reports < 100);
}

TEST_CASE("crawler: bad seeds and options are refused with a reason", "[integration]") {
  crawl_server server([&](const crawl_server::request&) { return html(""); });
  SECTION("a seed that is no URL") {
    const auto out = run_crawl(server, {}, {"http://ok.test/", "not a url"}, fast_options());
    CHECK(out.error);
    CHECK(out.detail.rfind("seed 2 \"not a url\": ", 0) == 0);
  }
  SECTION("a seed of another scheme") {
    const auto out = run_crawl(server, {}, {"ftp://x.test/"}, fast_options());
    CHECK(out.error == crawl::errc::invalid_options);
  }
  SECTION("no seed") {
    const auto out = run_crawl(server, {}, {}, fast_options());
    CHECK(out.error == crawl::errc::invalid_options);
  }
  SECTION("a bad regular expression") {
    crawl::crawl_options o = fast_options();
    o.scope.include = {"[z-a]"};
    const auto out = run_crawl(server, {}, {"http://ok.test/"}, o);
    CHECK(out.error == crawl::errc::invalid_options);
    CHECK(out.detail.find("[z-a]") != std::string::npos);
  }
}
