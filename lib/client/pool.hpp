#pragma once
// The connection pool: per origin key ("https://host:port", or with a proxy suffix) the idle
// connections and the count of open ones; a per-host and a global limit; fetches that find no
// room wait in one FIFO queue and are served in order as connections are released or closed
// (a waiter whose origin is still at its limit does not block those behind it). An origin that
// may multiplex gets one connection opened at a time until it is known to carry one exchange
// at a time.
//
// A connection carries as many exchanges at once as its protocol allows (connection::capacity):
// one for HTTP/1.1, whose connection leaves the pool while in use; several for a multiplexed
// protocol, whose connection stays in the pool and is handed out while it has room. Idle
// connections are closed after pool_options::idle_timeout by one timer for the whole pool,
// re-armed lazily (a connection going idle never moves the earliest expiry earlier).

#include <corofetch/client/client.hpp>
#include <corofetch/client/options.hpp>

#include "client/connection.hpp"

#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace corofetch::client::detail {

class pool {
 public:
  /// What acquiring gives: an idle connection to reuse, or (conn == nullptr) a reserved slot in
  /// which the caller opens a new connection, then hands it to release() or gives the slot back
  /// with release_slot().
  struct grant {
    std::shared_ptr<connection> conn;
  };

  pool(asio::any_io_executor executor, pool_options options);
  ~pool();
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  /// An idle live connection or a free slot for `key`, without waiting; nullopt when the
  /// limits leave no room (or others are queued for the same origin). An idle connection is
  /// checked for a close by the server when `always_check` (a request that cannot be retried)
  /// or when it has been idle for pool_options::idle_check_after.
  std::optional<grant> try_acquire(const std::string& key, bool always_check);
  /// A slot for a new connection to `key` (a retry must not land on another idle connection
  /// that may be just as stale); an idle connection of that origin is closed to make room.
  std::optional<grant> try_acquire_fresh(const std::string& key);

  /// Waits in FIFO order for a connection or a slot for `key`, until `deadline`. Errors:
  /// `timeout_code` when the deadline passes, errc::client_closed on shutdown(),
  /// asio::error::operation_aborted when the caller is cancelled (the waiter leaves the queue).
  asio::awaitable<std::pair<std::error_code, grant>> async_acquire(const std::string& key,
                                                                   clock::time_point deadline,
                                                                   errc timeout_code,
                                                                   bool always_check);

  /// The origin `key` may answer with a multiplexed protocol (HTTP/2 through ALPN, or by
  /// prior knowledge): while a connection to it is being opened, fetches wait for it rather
  /// than open more (RFC 9113 9.1, one connection per origin; curl does the same), until a
  /// connection to it turns out to carry one exchange at a time.
  void expect_multiplexing(const std::string& key);
  /// Counts a new connection, opened in a slot, as carrying its first exchange; one with room
  /// for more (capacity() > 1) is offered to other fetches from now on.
  void add(const std::shared_ptr<connection>& c);
  /// Returns a connection after an exchange: kept when `reusable` (and open), else closed (a
  /// multiplexed one once its last exchange ends) and its slot freed. Waiters are served.
  void release(std::shared_ptr<connection> c, bool reusable);
  /// Gives back a slot reserved by a grant whose connection could not be opened.
  void release_slot(const std::string& key);

  void close_idle() noexcept;
  /// Wakes every waiter with errc::client_closed and closes idle connections.
  void shutdown() noexcept;

  [[nodiscard]] pool_stats stats() const noexcept;
  void count_open() noexcept { ++stats_.connections_opened; }
  void count_reuse() noexcept { ++stats_.reuses; }
  void count_retry() noexcept { ++stats_.retries; }
  [[nodiscard]] const pool_options& options() const noexcept { return options_; }

 private:
  struct host_state {
    std::vector<std::shared_ptr<connection>> idle;    // one-at-a-time, most recently used last
    std::vector<std::shared_ptr<connection>> shared;  // multiplexed, in use or idle
    std::size_t open = 0;
    std::size_t opening = 0;     // slots granted whose connection is not added yet
    bool may_multiplex = false;  // expect_multiplexing(), until a connection says HTTP/1.1
    bool one_at_a_time = false;  // a connection to it carried one exchange at a time
  };
  struct waiter {
    const std::string* key;
    bool always_check;
    asio::steady_timer timer;
    std::optional<grant> granted;
    std::error_code error;
  };

  std::optional<grant> take(const std::string& key, host_state& host, bool always_check);
  std::optional<grant> take_shared(host_state& host, bool always_check);
  static bool waits_for_opening(const host_state& host) noexcept;
  grant reserve_slot(host_state& host) noexcept;
  static void slot_opened(host_state& host) noexcept;
  bool usable_after_idle(connection& c, bool always_check, clock::time_point now);
  bool evict_idle_elsewhere(const std::string& key);
  void close_one(host_state& host, std::size_t index);
  void forget(host_state& host) noexcept;
  void serve_waiters();
  void arm_sweep(clock::time_point when);
  void sweep();

  asio::any_io_executor executor_;
  asio::steady_timer sweep_timer_;
  clock::time_point sweep_at_ = clock::time_point::max();
  bool sweep_pending_ = false;
  std::shared_ptr<char> life_ = std::make_shared<char>();  // the sweep handler's weak guard
  pool_options options_;
  std::unordered_map<std::string, host_state> hosts_;
  std::list<waiter*> waiters_;
  std::size_t open_ = 0;
  pool_stats stats_;
};

}  // namespace corofetch::client::detail
