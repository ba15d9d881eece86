#pragma once
// Running a crawl against a loopback crawl_server in a test: client options that map the
// test's host names to 127.0.0.1, and what the crawl reported, copied out of the handler.

#include <corofetch/client/options.hpp>
#include <corofetch/crawl/crawler.hpp>

#include "support/client/loopback_options.hpp"
#include "support/crawl/crawl_server.hpp"
#include "support/net/run.hpp"

#include <catch2/catch.hpp>

#include <asio/this_coro.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace corofetch::test {

/// What a test looks at in one reported URL.
struct reported {
  std::string url;
  std::string final_url;
  std::string referrer;
  std::uint32_t depth = 0;
  crawl::fetch_purpose purpose = crawl::fetch_purpose::page;
  int status = 0;
  std::string content_type;
  std::size_t links = 0;
  std::size_t links_followed = 0;
  bool html = false;
  bool noindex = false;
  std::uint16_t attempts = 0;
  std::string request_head;
  std::size_t body_bytes = 0;
  std::error_code error;
  crawl::skip_reason skipped = crawl::skip_reason::none;
  std::string skip_detail;
};

inline reported copy_report(const crawl::crawl_page& p) {
  reported r;
  r.url = p.url;
  r.final_url = std::string(p.final_url());
  r.referrer = p.referrer;
  r.depth = p.depth;
  r.purpose = p.purpose;
  r.status = p.status();
  r.content_type = p.content_type;
  r.links = p.links.size();
  for (const auto& l : p.links) r.links_followed += l.verdict == crawl::link_verdict::follow;
  r.html = p.html;
  r.noindex = p.noindex;
  r.attempts = p.attempts;
  r.request_head = p.request_head;
  r.body_bytes = p.response.body.size();
  r.error = p.error;
  r.skipped = p.skipped;
  r.skip_detail = p.skip_detail;
  return r;
}

struct crawl_outcome {
  std::error_code error;
  std::string detail;
  crawl::crawl_summary summary;
  std::vector<reported> pages;  ///< in the order they were reported
  std::chrono::milliseconds took{0};

  /// The reports for `url` (usually one).
  [[nodiscard]] std::vector<reported> of(const std::string& url) const {
    std::vector<reported> out;
    for (const auto& p : pages) {
      if (p.url == url) out.push_back(p);
    }
    return out;
  }
};

/// Loopback client options mapping each of `hosts` to the server.
inline client::client_options client_options_for(const crawl_server& server,
                                                 const std::vector<std::string>& hosts) {
  client::client_options o = loopback_client_options();
  for (const auto& h : hosts) {
    auto r = client::parse_resolve_override(server.resolve(h));
    REQUIRE(r);
    o.resolve_overrides.push_back(*r);
  }
  return o;
}

/// Crawls from `seeds` with a crawler owning its client, copying every report; `also` runs
/// inside the handler after the copy.
inline crawl_outcome run_crawl(
    const crawl_server& server, const std::vector<std::string>& hosts,
    std::vector<std::string> seeds, crawl::crawl_options options,
    std::function<void(crawl::crawl_page&, crawl::crawl_control&)> also = {},
    std::chrono::milliseconds limit = std::chrono::seconds(25)) {
  const auto client_options = client_options_for(server, hosts);
  return run_coro(
      [&]() -> asio::awaitable<crawl_outcome> {
        crawl::crawler c(co_await asio::this_coro::executor, client_options, options);
        crawl_outcome out;
        const auto started = std::chrono::steady_clock::now();
        crawl::page_handler handler = [&](crawl::crawl_page& page, crawl::crawl_control& control) {
          out.pages.push_back(copy_report(page));
          if (also) also(page, control);
        };
        auto r = co_await c.async_run(seeds, std::move(handler));
        out.took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        c.http_client().close_idle();
        if (r) {
          out.summary = *r;
        } else {
          out.error = r.error();
          out.detail = c.error_detail();
        }
        co_return out;
      },
      limit);
}

}  // namespace corofetch::test
