#pragma once
// What every thread of a load run shares, read-only once the run starts, and the one place
// where threads meet: the intervals they add their latency into.

#include <corofetch/http/method.hpp>
#include <corofetch/http2/session.hpp>
#include <corofetch/load/generator.hpp>
#include <corofetch/load/schedule.hpp>
#include <corofetch/net/tls.hpp>

#include <asio/ip/tcp.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace corofetch::load::detail {

/// A target serialized once: the hot loop writes these bytes as they are (HTTP/1.1), or
/// submits this head and body (HTTP/2).
struct prepared_target {
  std::string bytes;
  http::method method;
  http2::request_head h2_head;
  std::string body;
};

/// A scheme, host and port the targets name, with its addresses resolved once.
struct origin {
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;
  std::vector<asio::ip::tcp::endpoint> endpoints;
  std::vector<std::uint32_t> targets;  ///< indices into plan::targets, used round robin
};

struct plan {
  options opts;
  std::vector<prepared_target> targets;
  std::vector<origin> origins;
  std::optional<net::tls_context> tls;
};

/// The clock marks of a run and the intervals being added up by the threads.
class run_control {
 public:
  run_control(std::size_t threads, clock::time_point start, const options& opts,
              std::chrono::nanoseconds interval_length, const std::atomic<bool>& stop);

  clock::time_point start;          ///< connections open
  clock::time_point measure_start;  ///< the warm-up ends, the statistics begin
  clock::time_point end;            ///< the duration is over (max when none)
  std::chrono::nanoseconds interval_length;
  const std::atomic<bool>& stop_requested;  ///< generator::stop() was called

  /// Thread `thread` adds its histogram of interval `index`, which ended at `until`.
  void contribute(std::size_t thread, std::uint64_t index, const interval& part,
                  clock::time_point until);
  /// Thread `thread` has contributed its last interval.
  void finish(std::size_t thread);
  /// Waits up to `wait` for intervals that every thread has contributed or finished before,
  /// and hands them over in order. Returns false once every thread has finished and every
  /// interval was handed over.
  bool take_complete(std::vector<interval>& out, std::chrono::milliseconds wait);

 private:
  struct pending {
    interval data;
    clock::time_point until{};
  };
  [[nodiscard]] bool front_complete() const;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<pending> pending_;
  std::uint64_t first_index_ = 0;
  std::vector<std::uint64_t> next_index_;  ///< per thread: the interval it contributes next
  std::vector<bool> finished_;
  std::size_t running_;
};

}  // namespace corofetch::load::detail
