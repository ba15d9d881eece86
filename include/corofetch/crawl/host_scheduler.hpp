#pragma once

#include <corofetch/crawl/frontier.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace corofetch::crawl {

/// How hard a crawl may press one host.
struct politeness_options {
  /// Requests in flight to one host at most (0 reads as 1).
  std::size_t per_host = 2;
  /// Time between two request starts to one host at least.
  std::chrono::milliseconds delay{500};
  /// A robots.txt Crawl-delay counts up to this much; a longer one is cut to it.
  std::chrono::milliseconds max_crawl_delay{std::chrono::seconds(30)};
};

/// Per-host FIFO queues and the schedule of their hosts, with time passed in so that it can be
/// driven by a fake clock: a host may start a request when it has fewer than per_host in
/// flight and its spacing (the larger of delay and its capped Crawl-delay) has passed since its
/// last start, or the Retry-After it was given. Ready hosts wait in a min-heap keyed by the
/// time they may start, so a take costs O(log hosts), never a scan of every host; URLs waiting
/// for a backoff wait in a second heap keyed by when they are due. Not synchronized.
class host_scheduler {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using duration = clock::duration;

  explicit host_scheduler(politeness_options options = {});

  /// Queues `entry` at the back of its host's queue (host_key of its URL).
  void push(frontier_entry entry);
  /// Moves into `out` (cleared first) at most `max` entries whose hosts may start at `now`,
  /// the host ready soonest first; each counts as a start to its host at `now`.
  take_status take(time_point now, std::size_t max, std::vector<frontier_lease>& out);
  /// The request of `lease` starts at `now`, later than its take: when it is still its host's
  /// last start, the host's spacing runs from `now`.
  void started(const frontier_lease& lease, time_point now);
  /// Ends `lease`; with `requested` false its start is given back to the host when no later
  /// start was counted there.
  void finish(const frontier_lease& lease, bool requested);
  /// Puts `lease`'s entry back (see retry_kind) at `now`.
  void retry(const frontier_lease& lease, retry_kind kind, duration delay, bool requested,
             time_point now);
  /// Sets `host`'s Crawl-delay; its spacing becomes max(delay, min(crawl_delay,
  /// max_crawl_delay)) from its last start on.
  void set_crawl_delay(std::string_view host, duration crawl_delay);

  /// The spacing of `host` now (the options' delay for a host never seen).
  [[nodiscard]] duration spacing(std::string_view host) const;
  [[nodiscard]] std::size_t queued() const noexcept { return queued_; }
  [[nodiscard]] std::size_t delayed() const noexcept { return delayed_.size(); }
  [[nodiscard]] std::size_t leased() const noexcept { return leased_; }
  /// Hosts with entries queued, delayed or leased.
  [[nodiscard]] std::size_t active_hosts() const noexcept { return active_hosts_; }
  /// Hosts ever met.
  [[nodiscard]] std::size_t hosts() const noexcept { return hosts_.size(); }
  [[nodiscard]] const politeness_options& options() const noexcept { return options_; }

 private:
  struct host_state {
    std::string key;
    std::deque<frontier_entry> queue;
    time_point next_start = time_point::min();         // may start a request from then on
    time_point last_start = time_point::min();         // of the last take; min() before any
    time_point start_before_last = time_point::min();  // next_start before the last take
    time_point heap_at = time_point::min();            // its key in ready_ while in_heap
    duration spacing{0};
    std::uint64_t last_token = 0;  // the lease of the last start
    std::uint32_t in_flight = 0;
    std::uint32_t delayed = 0;
    std::uint32_t heap_generation = 0;  // of its one live item in ready_
    bool in_heap = false;
  };
  struct ready_item {
    time_point at;
    std::uint32_t host;
    std::uint32_t generation;  // stale unless its host's heap_generation while in_heap
  };
  struct delayed_item {
    time_point due;
    std::uint32_t host;
    frontier_entry entry;
  };
  struct key_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  std::uint32_t host_of(std::string_view key);
  void enqueue(std::uint32_t host, frontier_entry entry, bool front);
  void release_due(time_point now);
  void schedule(std::uint32_t host);
  void pop_stale();
  void count_activity(const host_state& h, bool was_active) noexcept;
  void end_lease(host_state& h, const frontier_lease& lease, bool requested) noexcept;
  [[nodiscard]] static bool active(const host_state& h) noexcept;
  [[nodiscard]] take_status status(time_point now) const;

  politeness_options options_;
  std::vector<host_state> hosts_;
  std::unordered_map<std::string, std::uint32_t, key_hash, std::equal_to<>> index_;
  std::vector<ready_item> ready_;      // min-heap on at, stale items skipped when on top
  std::vector<delayed_item> delayed_;  // min-heap on due
  std::uint64_t next_token_ = 0;
  std::size_t queued_ = 0;
  std::size_t leased_ = 0;
  std::size_t active_hosts_ = 0;
};

}  // namespace corofetch::crawl
