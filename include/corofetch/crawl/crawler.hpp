#pragma once

#include <corofetch/client/client.hpp>
#include <corofetch/client/options.hpp>
#include <corofetch/crawl/crawl_page.hpp>
#include <corofetch/crawl/frontier.hpp>
#include <corofetch/crawl/host_scheduler.hpp>
#include <corofetch/crawl/retry.hpp>
#include <corofetch/crawl/robots.hpp>
#include <corofetch/crawl/scope.hpp>
#include <corofetch/crawl/sitemap.hpp>
#include <corofetch/html/references.hpp>
#include <corofetch/result.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace corofetch::crawl {

/// How a crawl runs (cf-crawl's flags).
struct crawl_options {
  /// Fetches in flight at once, all hosts together (--concurrency).
  std::size_t concurrency = 256;
  /// Per-host limits of the embedded frontier (--per-host, --delay); a frontier passed to
  /// the crawler has its own.
  crawl::politeness_options politeness;
  crawl::retry_options retry;
  /// --scope, --include, --exclude. Seeds are fetched whatever the expressions say.
  scope_options scope;
  /// Links followed from a seed at most (--depth); none: no limit.
  std::optional<std::uint32_t> max_depth;
  /// URLs fetched at most, pages and sitemaps, previous runs of the state file included
  /// (--max-pages); none: no limit.
  std::optional<std::uint64_t> max_pages;
  /// User-Agent sent (--user-agent); its product token selects the robots.txt group and the
  /// <meta name> obeyed besides "robots". "" keeps the client's.
  std::string user_agent;
  /// Fetch and obey robots.txt per origin (RFC 9309); false for --no-robots.
  bool obey_robots = true;
  /// The robots.txt cache (TTLs, size); its user_agent is set from the crawler's.
  robots_cache_options robots;
  /// Queue the sitemaps robots.txt names (--sitemaps).
  bool use_sitemaps = false;
  /// Sitemap URLs to read at the start (their entries become seeds).
  std::vector<std::string> sitemaps;
  sitemap_options sitemap;
  /// Report robots-disallowed and out-of-scope URLs to the handler, each once.
  bool report_skipped = false;
  /// Report each robots.txt fetch to the handler (purpose robots), e.g. for WARC.
  bool report_robots = false;
  /// false (default): a redirect's Location is queued as a link of the same depth, and
  /// fetched in its turn under the host's politeness. true: the client follows redirects
  /// within the fetch (fetch.max_redirects), not spaced, and the final URL is marked seen.
  bool follow_redirects = false;
  /// Each fetch's options: its timeouts (these, not the client's defaults) and the size limit
  /// per response (max_body_bytes; 16 MiB here). follow_redirects and on_request_head are
  /// the crawler's own.
  client::fetch_options fetch = default_fetch();
  /// Which references of an HTML page are links (default: hyperlinks and frames).
  html::reference_kinds link_kinds = html::reference_kinds::crawl();
  /// The embedded frontier's journal (--state FILE); empty: in memory. Ignored when the
  /// crawler is given a frontier.
  std::filesystem::path state_file;
  /// URLs expected: the embedded seen-set is sized for them at once.
  std::size_t expected_urls = 0;

  static client::fetch_options default_fetch() {
    client::fetch_options f;
    f.max_body_bytes = std::uint64_t{16} << 20;
    return f;
  }
};

/// A crawl's counters, for a live status line and the summary.
struct crawl_progress {
  std::uint64_t fetched = 0;      ///< URLs ended with a response, this run
  std::uint64_t failed = 0;       ///< URLs ended without one, this run
  std::uint64_t http_errors = 0;  ///< of the fetched, status 400 or more
  std::uint64_t skipped = 0;      ///< URLs not requested: robots, scope (reported or not)
  std::uint64_t retries = 0;
  std::uint64_t robots_fetches = 0;
  std::uint64_t bytes = 0;      ///< body bytes received (after decoding)
  std::uint64_t queued = 0;     ///< in the frontier, waiting or backing off
  std::uint64_t in_flight = 0;  ///< leases being worked on
  std::uint64_t hosts = 0;      ///< hosts with URLs queued or in flight
  std::uint64_t seen = 0;       ///< URLs in the seen-set
  std::chrono::nanoseconds elapsed{0};
};

/// How a crawl ended.
struct crawl_summary {
  crawl_progress progress;
  bool page_limit_reached = false;     ///< max_pages stopped it
  bool stopped = false;                ///< crawl_control::stop() or crawler::stop() did
  std::uint64_t resumed_pending = 0;   ///< URLs the state file queued again
  std::uint64_t resumed_finished = 0;  ///< URLs the state file had seen end
};

/// A polite web crawler over a client: seeds (and sitemaps) into a frontier, worker
/// coroutines taking from it the next URL whose host may start now, robots.txt fetched and
/// obeyed per origin (RFC 9309), HTML pages parsed for links (html::extract_references,
/// <base href>, rel=nofollow, <meta name=robots>), links kept to the scope and depth, seen
/// ones dropped by fingerprint, and every URL that ends handed to a page handler. Runs on the
/// client's executor (single-threaded, as the client).
class crawler {
 public:
  /// A crawler over `c` (borrowed: it must outlive the crawler). `f`, when given, is the
  /// frontier (borrowed, e.g. a shared one); otherwise the crawler makes an embedded one from
  /// options (politeness, state_file). The client's pool should allow per_host connections per
  /// origin and concurrency in all, or fetches wait for a connection after their start was
  /// counted.
  crawler(client::client& c, crawl_options options, frontier* f = nullptr);
  /// A crawler owning a client made from `client_options` on `executor` (its resolver, DNS
  /// servers and --resolve overrides), the pool sized for the crawl. Throws as client::client.
  crawler(asio::any_io_executor executor, client::client_options client_options,
          crawl_options options);
  ~crawler();
  crawler(const crawler&) = delete;
  crawler& operator=(const crawler&) = delete;

  /// Crawls from `seeds` (absolute http or https URLs; with a state file, the same seeds as
  /// the run it resumes) until the frontier is empty, max_pages is reached or stop() is called,
  /// handing each URL that ends to `on_page`. Only one run at a time. Errors: the seeds'
  /// (corofetch.url, errc::invalid_options for another scheme or no seed at all),
  /// errc::invalid_options for a bad scope, errc::state_corrupt and system errors of the
  /// state file, the frontier's errors; error_detail() says more. Cancellation: the awaiting
  /// coroutine's cancellation slot stops every fetch in flight, waits for the workers to end,
  /// and completes with asio::error::operation_aborted; URLs in flight are not reported (with
  /// a state file they are fetched again by the next run).
  asio::awaitable<result<crawl_summary>> async_run(std::vector<std::string> seeds,
                                                   page_handler on_page);
  /// Ends the running crawl gracefully, as crawl_control::stop().
  void stop() noexcept;
  /// The counters now (between and after runs too).
  [[nodiscard]] crawl_progress progress() const;
  /// The last error in words, with context ("seed 2: ...", "state file line 17: ...").
  [[nodiscard]] const std::string& error_detail() const noexcept;
  [[nodiscard]] const crawl_options& options() const noexcept;
  [[nodiscard]] client::client& http_client() noexcept;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace corofetch::crawl
