#pragma once

#include <corofetch/crawl/frontier.hpp>
#include <corofetch/crawl/host_scheduler.hpp>
#include <corofetch/crawl/journal.hpp>
#include <corofetch/crawl/seen_set.hpp>
#include <corofetch/result.hpp>

#include <asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace corofetch::crawl {

/// How an embedded frontier is made.
struct embedded_frontier_options {
  crawl::politeness_options politeness;
  /// The journal (cf-crawl --state FILE); empty keeps everything in memory only.
  std::filesystem::path state_file;
  /// URLs expected in all: the seen-set is sized for them at once.
  std::size_t expected_urls = 0;
  /// On open, a journal of more records than this, of which at least a third can go (the
  /// "queued" records of URLs finished since), is rewritten with only what is still needed
  /// (journal::rewrite).
  std::size_t compact_after_records = 100'000;
  /// The time; steady_clock::now when empty (tests pass a fake clock).
  std::function<std::chrono::steady_clock::time_point()> clock;
};

/// What open() found in the journal.
struct resume_info {
  journal_replay replay;
  std::size_t pending = 0;  ///< URLs queued again: queued and not finished before
  bool compacted = false;   ///< the journal was rewritten
};

/// The frontier of one process: a host_scheduler, a seen_set, and optionally a journal that
/// lets a crawl killed at any moment (SIGKILL included) go on after a restart. On restart the
/// journal is replayed: every URL queued or finished is in the seen-set again, so a finished
/// URL is never fetched again; URLs queued and not finished are queued again in their order,
/// among them those that were being fetched when the process died (their outcome was never
/// recorded, so they are fetched a second time). Retry counts and backoffs are not kept: a URL
/// waiting for a retry starts its attempts over. Each operation completes without suspending.
class embedded_frontier final : public frontier {
 public:
  /// Makes the frontier, replaying options.state_file when it exists. Errors: those of
  /// journal::open (errc::state_corrupt with the line in `detail`, system errors) and
  /// journal::rewrite.
  static result<std::unique_ptr<embedded_frontier>> open(embedded_frontier_options options,
                                                         std::string* detail = nullptr);

  /// frontier: errors are the journal's system errors (the in-memory state is updated
  /// anyway). Nothing to cancel.
  asio::awaitable<result<std::size_t>> async_push(std::vector<frontier_entry>& entries) override;
  asio::awaitable<std::error_code> async_record_skipped(
      std::vector<frontier_entry>& entries) override;
  asio::awaitable<result<bool>> async_seen(std::uint64_t fingerprint) override;
  asio::awaitable<result<take_status>> async_take(std::size_t max,
                                                  std::vector<frontier_lease>& out) override;
  void note_request_start(const frontier_lease& lease) override;
  asio::awaitable<std::error_code> async_finish(const frontier_lease& lease, finish_kind kind,
                                                bool requested) override;
  asio::awaitable<std::error_code> async_retry(const frontier_lease& lease, retry_kind kind,
                                               duration delay, bool requested) override;
  asio::awaitable<std::error_code> async_set_crawl_delay(std::string host,
                                                         duration crawl_delay) override;
  [[nodiscard]] frontier_stats stats() const override;

  /// The same operations, synchronous, for code that runs no event loop.
  result<std::size_t> push(std::vector<frontier_entry>& entries);
  std::error_code record_skipped(std::vector<frontier_entry>& entries);
  take_status take(std::size_t max, std::vector<frontier_lease>& out);
  std::error_code finish(const frontier_lease& lease, finish_kind kind, bool requested);

  [[nodiscard]] const resume_info& resumed() const noexcept { return resumed_; }
  [[nodiscard]] const seen_set& seen() const noexcept { return seen_; }
  [[nodiscard]] const host_scheduler& scheduler() const noexcept { return scheduler_; }

 private:
  explicit embedded_frontier(embedded_frontier_options options);
  std::error_code replay(std::string* detail);
  [[nodiscard]] std::chrono::steady_clock::time_point now() const;
  void count(finish_kind kind) noexcept;

  embedded_frontier_options options_;
  host_scheduler scheduler_;
  seen_set seen_;
  std::optional<journal> journal_;
  resume_info resumed_;
  std::vector<std::uint64_t> fingerprints_;  // an append's, memory reused
  std::uint64_t fetched_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t skipped_ = 0;
};

}  // namespace corofetch::crawl
