#pragma once
// A web site generated for crawler tests, the same for every host name it is served under:
// pages /p/0.html .. /p/N-1.html linking to each other in cycles (absolute, relative with dot
// segments, with fragments, twice), plus every so often a redirect, a missing page, a binary
// file, a robots-disallowed page, a rel=nofollow link, a link to another host, a mailto: link,
// a page whose robots meta says nofollow, one that says noindex. expected_paths() walks the
// same graph as a polite crawler should, so a test compares what the server saw with it.

#include "support/crawl/crawl_server.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace corofetch::test {

struct generated_site {
  std::size_t pages = 1000;
  std::string robots = "User-agent: *\nDisallow: /private/\n";
  /// Whether the crawler obeys robots.txt: when not, expected_paths() has the /private/ pages
  /// and no /robots.txt.
  bool robots_obeyed = true;
  /// Each response waits this long.
  std::chrono::milliseconds delay{0};
  /// Host names whose pages also link to every other name in the list (page i of one host to
  /// page i of the next): several hosts in one crawl.
  std::vector<std::string> hosts;

  /// The answer to a request for any of its paths (404 for others).
  [[nodiscard]] crawl_server::reply answer(const crawl_server::request& r) const;
  /// The HTML of page i as served under `authority` (the Host field: "a.test:8080").
  [[nodiscard]] std::string page_html(std::size_t i, const std::string& authority) const;
  /// The paths a crawler from /p/0.html on `host` fetches, /robots.txt included: every page
  /// reachable through followed links (robots meta nofollow and rel=nofollow obeyed,
  /// /private/ disallowed), the redirects, missing pages and files they link to.
  [[nodiscard]] std::set<std::string> expected_paths() const;
  /// Page i says noindex, or nofollow, in its robots meta.
  [[nodiscard]] static bool is_noindex(std::size_t i) { return i % 47 == 0; }
  [[nodiscard]] static bool is_meta_nofollow(std::size_t i) { return i % 43 == 42; }
};

}  // namespace corofetch::test
