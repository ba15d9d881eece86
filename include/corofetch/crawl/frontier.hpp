#pragma once

#include <corofetch/result.hpp>

#include <asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::crawl {

/// What a frontier entry is fetched for.
enum class entry_kind : std::uint8_t {
  page,     ///< a page: fetched, and its links followed when it is HTML
  sitemap,  ///< a sitemap (sitemaps.org): fetched, and the URLs it lists queued
};

/// One URL waiting in a frontier.
struct frontier_entry {
  /// The canonical URL (url::url::href_without_fragment()); its url::fingerprint is its key in
  /// the seen-set. Never holds whitespace: the URL parser percent-encodes or removes it.
  std::string url;
  /// The canonical URL of the page (or sitemap) that named it; "" for a seed.
  std::string referrer;
  /// Links followed from a seed to reach it (seeds and sitemap URLs are 0).
  std::uint32_t depth = 0;
  /// Retries so far (0 on the first attempt).
  std::uint16_t attempt = 0;
  entry_kind kind = entry_kind::page;
};

/// One URL a frontier handed out: the caller owes the frontier exactly one async_finish or
/// async_retry for it. A lease not ended when its worker dies is fetched again (after a
/// restart for the embedded frontier; after the lease expires for a shared one).
struct frontier_lease {
  frontier_entry entry;
  /// Identifies the lease (a shared frontier's owner token): a frontier ignores an end of a
  /// lease it no longer knows.
  std::uint64_t token = 0;
  /// The implementation's own reference to the host's state; opaque to callers.
  std::uint64_t handle = 0;
};

/// How a leased URL ended.
enum class finish_kind : std::uint8_t {
  fetched,  ///< a response came (whatever its status)
  failed,   ///< no response came, retries included
  skipped,  ///< never requested: disallowed by robots.txt or out of scope
};

/// How a leased URL goes back to the frontier to be taken again.
enum class retry_kind : std::uint8_t {
  /// To the front of its host's queue, no attempt counted: the lease was spent on the host's
  /// robots.txt, or had to wait for it.
  again,
  /// The URL alone waits `delay` (exponential backoff after a network error or a 5xx); one
  /// attempt counted.
  backoff,
  /// The whole host waits `delay` (Retry-After on 429 or 503, RFC 9110 10.2.3; RFC 6585 4);
  /// the URL goes to the front of its queue; one attempt counted.
  host_busy,
};

/// What async_take found.
struct take_status {
  /// When to ask again if no URL was ready: the time until the next host may start (its
  /// politeness delay or a retry coming due); duration::max() when only a push or the end of
  /// a lease can make one ready. A shared frontier answers with at most its polling interval.
  std::chrono::steady_clock::duration next_in = std::chrono::steady_clock::duration::max();
  /// Nothing queued, waiting for a retry, or leased: the crawl is over.
  bool exhausted = false;
};

/// Counters of a frontier; a shared frontier's may be a little old.
struct frontier_stats {
  std::uint64_t queued = 0;   ///< entries waiting in host queues
  std::uint64_t delayed = 0;  ///< entries waiting for a backoff to pass
  std::uint64_t leased = 0;   ///< entries handed out and not yet ended
  std::uint64_t hosts = 0;    ///< hosts with entries queued, delayed or leased
  std::uint64_t seen = 0;     ///< fingerprints in the seen-set
  std::uint64_t fetched = 0;  ///< leases ended as fetched (across restarts for a stored one)
  std::uint64_t failed = 0;   ///< leases ended as failed
  std::uint64_t skipped = 0;  ///< leases and links ended as skipped
};

/// An origin's robots.txt as a frontier shared by many workers knows it (RFC 9309 2.3.1): one
/// worker fetches it for the whole crawl and the others read its response.
struct shared_robots {
  enum class state : std::uint8_t {
    not_shared,  ///< the frontier keeps no robots.txt: fetch it as usual
    stored,      ///< a worker fetched it: status, body and age say what came
    fetch,       ///< nobody has it: this caller is to fetch it and store it (a claim that
                 ///< expires, so a worker that dies does not hold the others back)
    wait,        ///< another worker is fetching it: ask again a little later
  };
  state what = state::not_shared;
  int status = 0;    ///< the final response's status; 0: no response came (a network failure)
  std::string body;  ///< the body as fetched, up to the parsing limit
  std::chrono::milliseconds age{0};  ///< time since it was fetched
};

/// The crawl frontier: per-host queues, the host scheduler (politeness: requests in flight per
/// host, the delay between request starts to one host, Crawl-delay, Retry-After) and the
/// seen-set. The embedded implementation (embedded_frontier) lives in one process and may keep
/// its state in a journal; a shared one (Redis) lets many workers crawl together, with the same
/// politeness across all of them. Every operation is awaited on the crawler's executor, one
/// at a time or interleaved; arguments passed by reference must outlive the await. Errors are
/// the implementation's (errc::state_corrupt or a system error for a journal write, a
/// connection error for a shared store). Cancellation: an operation of the embedded frontier
/// completes at once; a shared one ends with asio::error::operation_aborted, after which the
/// state of the URLs it touched is the frontier's to settle (a lease expires).
class frontier {
 public:
  using duration = std::chrono::steady_clock::duration;

  virtual ~frontier() = default;

  /// Queues each entry whose URL's fingerprint is not in the seen-set yet, at the back of its
  /// host's queue, adds those to the seen-set, and returns how many were queued (a frontier
  /// that batches pushes to a shared store returns how many it accepted: the seen ones are
  /// dropped when the batch arrives, before any later end of a lease). The entries may be moved
  /// from: `entries` is left for the caller to clear and reuse.
  virtual asio::awaitable<result<std::size_t>> async_push(std::vector<frontier_entry>& entries) = 0;
  /// Records each entry not seen yet as seen and ended as skipped (a robots-disallowed or
  /// out-of-scope link reported once), and leaves in `entries` exactly those.
  virtual asio::awaitable<std::error_code> async_record_skipped(
      std::vector<frontier_entry>& entries) = 0;
  /// True when `fingerprint` (url::fingerprint of a canonical URL) is in the seen-set.
  virtual asio::awaitable<result<bool>> async_seen(std::uint64_t fingerprint) = 0;
  /// Hands out (into `out`, cleared first) at most `max` entries whose hosts may start a
  /// request now, the hosts ready soonest first, each host's queue in FIFO order; each entry
  /// taken counts as a request start to its host (politeness).
  virtual asio::awaitable<result<take_status>> async_take(std::size_t max,
                                                          std::vector<frontier_lease>& out) = 0;
  /// Tells the frontier that the request of `lease` is being written now, which may be later
  /// than its take (a new connection, a busy event loop, a preempted thread): the host's spacing
  /// then counts from now, so that two requests never reach a host closer than it. A hint,
  /// called for every request written under the lease (redirects and retries too); a shared
  /// frontier may ignore it rather than pay a round trip. Synchronous; never fails.
  virtual void note_request_start(const frontier_lease& lease) { (void)lease; }
  /// Ends `lease`. `requested` says whether a request was sent with it; when not, the start
  /// it counted is given back to its host (when no later start was counted).
  virtual asio::awaitable<std::error_code> async_finish(const frontier_lease& lease,
                                                        finish_kind kind, bool requested) = 0;
  /// Puts `lease`'s entry back to be taken again, as `kind` says, after `delay`.
  virtual asio::awaitable<std::error_code> async_retry(const frontier_lease& lease, retry_kind kind,
                                                       duration delay, bool requested) = 0;
  /// Sets `host`'s (a host_key) Crawl-delay as its robots.txt gives it: the host's spacing
  /// becomes the larger of the frontier's delay and this one, capped by its maximum.
  virtual asio::awaitable<std::error_code> async_set_crawl_delay(std::string host,
                                                                 duration crawl_delay) = 0;
  /// What the frontier knows of `origin`'s (a robots_origin) robots.txt. A frontier that does
  /// not share robots.txt among workers answers state::not_shared (the default); a shared one
  /// answers stored, or fetch to exactly one caller at a time, wait to the others.
  virtual asio::awaitable<result<shared_robots>> async_robots(std::string origin);
  /// Stores the robots.txt response of `origin` that a state::fetch answer asked for (status 0:
  /// no response came), kept for `ttl` (RFC 9309 2.4), and ends the claim. The default does
  /// nothing.
  virtual asio::awaitable<std::error_code> async_store_robots(std::string origin, int status,
                                                              std::string body, duration ttl);
  /// Called by the crawler when a run ends, however it ends, for the leases still out (a
  /// cancelled or failed run's). A shared frontier gives them back, their entries queued again
  /// at the front of their queues with no attempt counted (sent with its next operation or
  /// flush), and stops renewing them. The default does nothing: the embedded frontier's come
  /// back when its state file is opened again. Synchronous; never fails.
  virtual void release_leases() {}
  /// The counters now.
  [[nodiscard]] virtual frontier_stats stats() const = 0;
};

/// The host a canonical http(s) URL is scheduled under: its host and non-default port
/// ("example.com", "127.0.0.1:8080"), without scheme or userinfo. "" when the URL has no
/// authority. Never fails; allocation-free.
[[nodiscard]] std::string_view host_key(std::string_view canonical_url) noexcept;

}  // namespace corofetch::crawl
