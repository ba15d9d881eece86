#pragma once
// One thread of a load run: an io_context, its share of the connections, its statistics.

#include <corofetch/http/response_parser.hpp>
#include <corofetch/http2/session.hpp>
#include <corofetch/net/stream.hpp>

#include "load/plan.hpp"

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <memory>
#include <vector>

namespace corofetch::load::detail {

/// A request on the wire: when it was meant to go, when it went, which target it is.
struct flight {
  clock::time_point intended;
  clock::time_point sent;
  std::uint32_t target = 0;
  /// HTTP/2, where flights are slots answered in any order: the stream carrying this request,
  /// 0 for a free slot, or `unsent` for one the server did not process (sent again).
  std::int32_t stream_id = 0;
  int status = 0;  ///< HTTP/2: the response's status, once its head came
};
inline constexpr std::int32_t unsent = -1;

/// One keep-alive connection and everything its exchanges reuse.
struct connection {
  connection(asio::io_context& io, std::size_t pipeline, char* read_buffer);

  std::size_t origin = 0;
  std::size_t next_target = 0;  ///< round robin position in the origin's targets
  net::stream stream;
  http::response_parser parser;
  char* in;  ///< TLS: read_buffer_size bytes of the worker's buffer arena; plain: none
  std::vector<asio::const_buffer> gather;
  /// In flight, oldest first: a ring of `pipeline` slots.
  std::vector<flight> flights;
  std::size_t head = 0;
  std::size_t count = 0;
  bool resend = false;        ///< flights kept for a new connection (the server closed cleanly)
  bool next_response = true;  ///< the parser must be told the method of the next response
  bool timed_out = false;     ///< closed by the watchdog
  bool connecting = false;
  clock::time_point connect_started;
  bool handshaking = false;  ///< TCP is up, TLS is not yet
  /// HTTP/2 (prior knowledge, or agreed through ALPN): the session of the open connection.
  std::unique_ptr<http2::session> h2;
  std::string h2_out;       ///< frames to write, reused
  std::size_t streams = 0;  ///< HTTP/2: flights on an open stream (the others wait unsent)
  schedule plan;            ///< open loop only
  bool scheduled = false;
  asio::steady_timer timer;  ///< open loop: waits for the next intended time
};

class worker {
 public:
  static constexpr std::size_t read_buffer_size = std::size_t{16} * 1024;
  static constexpr std::size_t shared_read_size = std::size_t{64} * 1024;

  /// Connections [first, first + count) of the run, and `budget` requests (0: no limit).
  worker(const plan& p, run_control& control, std::size_t index, std::size_t first,
         std::size_t count, std::uint64_t budget);
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  /// The thread's body: runs until every connection is done.
  void run();
  /// This thread's statistics, once run() returned.
  stats& result() noexcept { return stats_; }

  std::atomic<std::uint64_t> live_responses{0};
  std::atomic<std::uint64_t> live_errors{0};

 private:
  asio::awaitable<void> drive(connection& c, std::size_t global_index);
  asio::awaitable<std::error_code> open(connection& c, clock::time_point started);
  asio::awaitable<void> exchange(connection& c);
  asio::awaitable<bool> send(connection& c, clock::time_point now);
  asio::awaitable<std::error_code> write(connection& c, std::span<const asio::const_buffer> b,
                                         clock::time_point now);
  struct received {
    std::error_code error;
    std::string_view data;
  };
  asio::awaitable<received> read(connection& c);
  bool take_responses(connection& c, std::string_view data, clock::time_point now);
  bool finish_at_close(connection& c, clock::time_point now);

  // HTTP/2: each flight is a stream of the connection's session.
  void start_h2(connection& c);
  asio::awaitable<void> exchange_h2(connection& c);
  void submit_h2(connection& c, clock::time_point now);
  void take_events(connection& c, clock::time_point now);
  flight* find_stream(connection& c, std::int32_t id) noexcept;
  void end_flight(connection& c, flight& f, int status, clock::time_point now);
  asio::awaitable<void> watchdog();

  std::size_t sendable(const connection& c, clock::time_point now) const noexcept;
  static clock::time_point oldest_sent(const connection& c) noexcept;
  void complete(connection& c, int status, clock::time_point now);
  void record(const flight& f, int status, clock::time_point now);
  void fail_in_flight(connection& c, error_kind kind, clock::time_point now);
  void count_error(error_kind kind, clock::time_point since, clock::time_point now);
  void rotate_intervals(clock::time_point now);
  void begin_stop();
  void check_timeouts(clock::time_point now);
  void sample_rate(clock::time_point now);
  void finish_stats(clock::time_point now);

  const plan& plan_;
  run_control& control_;
  std::size_t index_;
  asio::io_context io_{1};
  std::vector<std::unique_ptr<connection>> connections_;
  std::size_t first_;
  std::uint64_t budget_;  ///< requests left to send; unlimited_ when none
  std::size_t active_ = 0;
  bool stopping_ = false;
  /// Where plain connections read, one at a time (see exchange).
  std::unique_ptr<char[]> shared_in_;
  /// TLS connections' read buffers in one allocation, mapped on demand: a connection whose
  /// responses are small touches one page of its 16 KiB (a heap block of its own would have
  /// malloc's headers touch its first and last pages too).
  std::unique_ptr<char[]> buffers_;
  asio::steady_timer tick_;

  stats stats_;
  std::array<std::uint64_t, 600> status_counts_{};
  interval interval_;  ///< the interval being recorded
  std::uint64_t interval_index_ = 0;
  clock::time_point next_boundary_;
  std::uint64_t requests_at_sample_ = 0;
  clock::time_point last_sample_;
  std::uint64_t responses_ = 0;  ///< warm-up included, for the live counter
  std::uint64_t errors_ = 0;
};

}  // namespace corofetch::load::detail
