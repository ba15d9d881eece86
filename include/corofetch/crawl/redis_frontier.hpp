#pragma once

#include <corofetch/crawl/frontier.hpp>
#include <corofetch/crawl/host_scheduler.hpp>
#include <corofetch/redis/client.hpp>
#include <corofetch/result.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace corofetch::crawl {

/// How a Redis frontier is made (cf-crawl --redis URL --job NAME --lease SECS).
struct redis_frontier_options {
  /// redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] (--redis).
  std::string url = "redis://127.0.0.1:6379/0";
  /// The job's name (--job): letters, digits and "._-", 1 to 64 of them. Workers of one job
  /// share its keys; any number of jobs share one Redis.
  std::string job = "default";
  /// Per-host limits (--per-host, --delay). The first worker of a job stores them in the job,
  /// and every later worker uses the job's (redis_frontier::politeness() says which hold).
  crawl::politeness_options politeness;
  /// How long a worker holds a URL without news (--lease); renewed every third of it while the
  /// worker works. The job's, as politeness.
  std::chrono::milliseconds lease{std::chrono::seconds(60)};
  /// URLs expected in all: the seen-set's bucket count is made for about this many (up to
  /// twice as many keep its compact encoding). The job's, as politeness.
  std::size_t expected_urls = 1'000'000;
  /// Ends of leases (acks and retries) wait at most this long, or for the next take, to go to
  /// Redis together; at most ack_batch of them wait.
  std::chrono::milliseconds ack_delay{20};
  std::size_t ack_batch = 64;
  /// Pushes wait in the same batch, so a page's links and its ack reach Redis together in one
  /// script (links first: a crash between them cannot lose the links of an acked page).
  /// async_push then returns how many entries it accepted; the seen ones are dropped in Redis.
  /// false: each push is a round trip of its own and returns how many were queued.
  bool batch_pushes = true;
  /// The longest async_take may tell the crawler to wait: other workers push URLs (and end
  /// leases) this one cannot see coming. After a take that found nothing it asks again in a
  /// fifth of this, then twice as long each time, up to this.
  std::chrono::milliseconds poll{50};
  /// How long the crawl pauses (every operation waiting, reconnecting with backoff) while Redis
  /// is unreachable before it fails with redis::errc::unavailable.
  std::chrono::milliseconds unavailable_for{std::chrono::minutes(5)};
  /// Connection bounds and backoff; its server comes from `url`, its reconnect_for is unused
  /// (unavailable_for applies).
  redis::client_options client;
};

// The key table below keeps one row a line.
// clang-format off
/// The frontier shared by every worker of a crawl job through one Redis (7.0; RESP2, Lua).
/// Politeness holds across the workers together: a host's requests in flight and the spacing
/// of their starts are counted in Redis, by Redis' clock. Claims are fair: while other workers
/// wait for URLs, a worker holds at most its share of a host's slots, so that a worker that
/// keeps a host busy leaves the slots it ends to them. A worker takes URLs under leases that
/// expire (options.lease) unless renewed; it ends each with its lease's token, so the end of a
/// lease that expired and was handed out again is ignored, and the URLs of a worker that dies
/// (SIGKILL, a lost machine) are queued again at the front of their hosts' queues when their
/// leases expire. Each origin's robots.txt is fetched by one worker of the job and kept in
/// Redis for the others (24 hours, RFC 9309 2.4). Every operation is one Lua script run
/// atomically (EVALSHA, EVAL after NOSCRIPT); a page's links and its ack are batched and ride on
/// the next take, so a page costs about one round trip, fewer when pages end together. While
/// Redis is unreachable every operation waits and retries (up to unavailable_for): the crawl
/// pauses. The scripts are idempotent under a retry: a push is deduplicated, an end found twice
/// is ignored, a take whose reply was lost leaves leases that expire. Nothing of it keeps an
/// event loop running once the crawl's operations are done: leases are renewed only while held,
/// and the crawler hands back those of a run cut short (release_leases()).
///
/// Keys, all under the prefix "cf:{JOB}:" (one hash tag: one Redis Cluster slot):
/// | key | type | holds |
/// |---|---|---|
/// | meta | hash | per_host, delay, max_cd, lease (ms), bits (seen-set buckets, log2), version, created |
/// | stats | hash | queued, delayed, leased, hosts (active), seen, fetched, failed, skipped, expired, first and last (ms, Redis time) |
/// | hosts | set | every host met |
/// | h:HOST | hash | n (requests in flight), next (ms, may start from), prev (next before the last take), lt (token of the last take), sp (spacing ms), a (entries queued, delayed or leased), wID (leases of worker ID) |
/// | q:HOST | list | the host's queue, FIFO: "KIND ATTEMPT DEPTH URL REFERRER" |
/// | ready | sorted set | hosts with queued URLs and a free slot, by the time (ms) they may start |
/// | delayed | sorted set | "HOST ENTRY" waiting for a backoff, by the time (ms) it is due |
/// | leases | sorted set | lease tokens by expiry (ms) |
/// | lease | hash | token -> "WID HOST ENTRY" (the worker holding it) |
/// | tok | string | a counter: a token is the take's time (ms, Redis' clock) and its last three digits, so that no token is given twice even after Redis lost its latest writes |
/// | wid | string | the last worker id given (one per redis_frontier joining the job) |
/// | want | sorted set | ids of workers whose last take came back short, by its time (ms): they share hosts' slots |
/// | r:ORIGIN | string | ORIGIN's robots.txt: "STATUS FETCHED_MS BODY" (status 0: no response), expiring with it (PX: 24 h, 5 min for an unreachable one) |
/// | rl:ORIGIN | string | the claim of the worker fetching ORIGIN's robots.txt, expiring after a lease |
/// | s:N | hash | seen-set bucket N (the fingerprint's top bits): field = the fingerprint's low 7 bytes, value "" (listpack-encoded: about 12 bytes a URL) |
class redis_frontier final : public frontier {
  // clang-format on
 public:
  /// Connects to options.url and joins (or starts) the job. Errors: redis::errc::invalid_url,
  /// errc::invalid_options for a bad job name, the link errors of redis::client::async_connect
  /// (Redis unreachable: no retry here), redis::errc::server_error; `detail` says more
  /// ("redis://127.0.0.1:6379/0: Connection refused").
  static asio::awaitable<result<std::unique_ptr<redis_frontier>>> async_create(
      redis_frontier_options options, std::string* detail = nullptr);
  ~redis_frontier() override;
  redis_frontier(const redis_frontier&) = delete;
  redis_frontier& operator=(const redis_frontier&) = delete;

  /// frontier: errors are redis::errc::unavailable (Redis unreachable past unavailable_for),
  /// redis::errc::job_missing (the job's keys are gone: reset, or Redis restarted without
  /// persistence), redis::errc::server_error; an error of a batched end is reported by the
  /// next operation. Cancellation: asio::error::operation_aborted; the leases concerned
  /// expire.
  asio::awaitable<result<std::size_t>> async_push(std::vector<frontier_entry>& entries) override;
  asio::awaitable<std::error_code> async_record_skipped(
      std::vector<frontier_entry>& entries) override;
  asio::awaitable<result<bool>> async_seen(std::uint64_t fingerprint) override;
  asio::awaitable<result<take_status>> async_take(std::size_t max,
                                                  std::vector<frontier_lease>& out) override;
  asio::awaitable<std::error_code> async_finish(const frontier_lease& lease, finish_kind kind,
                                                bool requested) override;
  asio::awaitable<std::error_code> async_retry(const frontier_lease& lease, retry_kind kind,
                                               duration delay, bool requested) override;
  asio::awaitable<std::error_code> async_set_crawl_delay(std::string host,
                                                         duration crawl_delay) override;
  /// frontier: the job's copy (key r:ORIGIN), or the claim to fetch it (rl:ORIGIN, lasting a
  /// lease) to one worker and wait to the others.
  asio::awaitable<result<shared_robots>> async_robots(std::string origin) override;
  asio::awaitable<std::error_code> async_store_robots(std::string origin, int status,
                                                      std::string body, duration ttl) override;
  /// frontier: the leases this worker holds go back to their queues with the next flush (sent
  /// by itself after ack_delay, or by async_flush), and renewal stops.
  void release_leases() override;
  /// The job's counters as the last take returned them.
  [[nodiscard]] frontier_stats stats() const override;

  /// Sends the ends of leases still batched. Call it before destroying a frontier whose crawl
  /// stopped early (stop(), max_pages): otherwise those URLs wait for their leases to expire.
  asio::awaitable<std::error_code> async_flush();
  /// The politeness, lease and expected size the job uses (its first worker's).
  [[nodiscard]] const redis_frontier_options& options() const noexcept;
  /// The connection's counters (commands, round trips) and the pauses for Redis.
  [[nodiscard]] const redis::client_stats& client_stats() const noexcept;
  [[nodiscard]] std::uint64_t pauses() const noexcept;

  struct impl;

 private:
  explicit redis_frontier(std::shared_ptr<impl> i);
  std::shared_ptr<impl> impl_;
};

/// A job's state, for cf-crawl --status.
struct job_status {
  bool exists = false;  ///< the job has keys
  frontier_stats counters;
  std::uint64_t hosts_met = 0;  ///< hosts ever queued
  std::uint64_t expired = 0;    ///< leases that expired and were queued again
  /// Leases ended (fetched and failed) per second between the job's first take and its last
  /// end, by Redis' clock; 0 before any.
  double pages_per_second = 0;
  crawl::politeness_options politeness;
  std::chrono::milliseconds lease{0};
};

/// Reads job `job`'s state through `c`. Errors: errc::invalid_options for a bad name, the
/// client's errors.
asio::awaitable<result<job_status>> async_job_status(redis::client& c, std::string job);
/// Removes every key of job `job` (SCAN and UNLINK); returns how many. Workers still running
/// on it fail with redis::errc::job_missing. Errors as async_job_status.
asio::awaitable<result<std::uint64_t>> async_reset_job(redis::client& c, std::string job);
/// The key prefix of job `job`: "cf:{JOB}:".
[[nodiscard]] std::string job_prefix(const std::string& job);

}  // namespace corofetch::crawl
