#pragma once

#include <corofetch/client/options.hpp>
#include <corofetch/load/histogram.hpp>
#include <corofetch/load/target.hpp>
#include <corofetch/net/tls.hpp>
#include <corofetch/result.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace corofetch::load {

/// How a load run goes. Closed loop by default: every connection sends its next request as
/// soon as the last response ended (wrk, h2load). With `rate`, open loop: requests are sent on
/// a fixed schedule and latency counts from the intended send time (see schedule).
struct options {
  std::size_t connections = 10;  ///< keep-alive connections in all, spread evenly over threads
  std::size_t threads = 2;       ///< event loops, one thread each
  /// How long the statistics run, after the warm-up; zero: until `requests` are done.
  std::chrono::nanoseconds duration = std::chrono::seconds(10);
  /// Requests sent in all (spread over threads); zero: no limit (the duration ends the run).
  std::uint64_t requests = 0;
  /// Open loop: the total intended rate in requests a second; zero: closed loop.
  double rate = 0;
  /// Requests in flight per connection: the HTTP/1.1 pipelining depth (RFC 9112 9.3.2; 1:
  /// none), or over HTTP/2 the concurrent streams of each connection (h2load's -m), at most
  /// the server's SETTINGS_MAX_CONCURRENT_STREAMS.
  std::size_t pipeline = 1;
  /// HTTP/1.1 by default (wrk). negotiate: HTTP/2 on https origins whose server agrees through
  /// ALPN (RFC 7301), HTTP/1.1 elsewhere; http2_prior_knowledge: HTTP/2 from the first byte,
  /// h2c on http:// (RFC 9113 3.3), and an https server must agree to h2 through ALPN.
  client::http_version_choice http_version = client::http_version_choice::http1_1;
  /// Sent and answered but left out of every statistic, before the duration starts.
  std::chrono::nanoseconds warmup{0};
  /// A request not answered within this is counted as a timeout and its connection closed
  /// (the I/O really is cancelled) and opened again.
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  net::tls_options tls;
  /// Fixed addresses for hosts (curl's --resolve), bypassing DNS.
  std::vector<client::resolve_override> resolve_overrides;
  /// DNS servers ("addr[:port]"); empty: the system's.
  std::vector<std::string> dns_servers;
  /// User-Agent sent unless a target sets one; "" sends none.
  std::string user_agent;
};

/// What went wrong with a request or a connection, wrk's socket error kinds and two more.
enum class error_kind : std::uint8_t {
  connect,   ///< the connection could not be opened (refused, unreachable, connect timeout)
  tls,       ///< the TLS handshake failed
  read,      ///< the connection failed or closed while a response was awaited
  write,     ///< a request could not be written
  timeout,   ///< no complete response within options::timeout
  protocol,  ///< the response was not valid HTTP, or the HTTP/2 server reset its stream
};
inline constexpr std::size_t error_kinds = 6;
/// "connect", "tls", "read", "write", "timeout", "protocol".
[[nodiscard]] std::string_view to_string(error_kind kind) noexcept;

/// Statistics of one thread, or of several added up.
struct stats {
  stats();
  /// Adds `other` (histograms by their counts, never by averaging percentiles).
  void add(const stats& other);

  std::uint64_t requests = 0;       ///< complete responses, whatever their status
  std::uint64_t bytes_read = 0;     ///< bytes received, heads included
  std::uint64_t bytes_written = 0;  ///< bytes of requests sent
  /// Latency in microseconds, from the intended send time in the open loop (corrected for
  /// coordinated omission) and from the actual one in the closed loop, where both are the same.
  histogram latency;
  /// From the actual send time, in both loops.
  histogram uncorrected_latency;
  /// latency, by the status class of the response: index 0 for 1xx ... 4 for 5xx.
  std::array<histogram, 5> latency_by_class;
  /// Time from the intended send until the error, in microseconds, by error_kind (connect and
  /// tls: the length of the failed attempt).
  std::array<histogram, error_kinds> latency_by_error;
  std::map<int, std::uint64_t> status;  ///< responses by status code
  std::array<std::uint64_t, error_kinds> errors{};
  /// Per 100 ms of the run, this thread's rate (requests a second): wrk's Req/Sec row.
  histogram thread_rate;
  std::uint64_t connects = 0;        ///< connections opened (first ones and reopened)
  std::uint64_t http2_connects = 0;  ///< of those, the ones that spoke HTTP/2
  /// The most a request was sent after its intended time (open loop; zero in the closed loop).
  std::chrono::nanoseconds max_schedule_lag{0};
  std::uint64_t in_flight_at_end = 0;  ///< sent, not answered when the run ended
  std::uint64_t warmup_requests = 0;   ///< responses during the warm-up, not in the statistics
};

/// One interval of the run (a second by default) as every thread saw it, added up: for the HDR
/// interval log and the live line.
struct interval {
  std::chrono::nanoseconds start{0};  ///< from the start of the statistics
  std::chrono::nanoseconds length{0};
  histogram latency;              ///< corrected latency, microseconds
  histogram uncorrected_latency;  ///< from the actual send time, microseconds
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
};

/// A whole run.
struct report {
  stats total;
  std::vector<stats> threads;            ///< the same, per thread
  std::chrono::nanoseconds duration{0};  ///< of the statistics (warm-up excluded)
  double target_rate = 0;                ///< options::rate (0: closed loop)
  double achieved_rate = 0;              ///< responses a second over duration
  bool interrupted = false;              ///< stopped by stop() before its end
  options used;                          ///< the options of the run
};

/// Called from the thread that called run(): once an interval of the statistics is complete
/// in every thread, in order.
using interval_handler = std::function<void(const interval&)>;

/// A load generator: options::threads threads with an event loop each, holding
/// options::connections keep-alive connections in all, sending `targets` round robin. Each
/// distinct request is serialized once; the hot loop writes bytes already built, parses with
/// http::response_parser and allocates nothing in steady state.
class generator {
 public:
  /// Checks the options and targets, serializes every target, resolves every host once (before
  /// anything is measured) and opens one connection to each (so an unreachable target is an
  /// error here, not a run full of connect errors). Errors: errc::invalid_options (zero
  /// connections or threads, more threads than connections, fewer connections than distinct
  /// origins, a negative or NaN rate, pipeline 0, neither duration nor requests),
  /// corofetch.http errors of a target that cannot be serialized, corofetch.url errors, DNS
  /// errors, the connect error (connection_refused, ...), TLS errors; *detail says which target
  /// or host and why. Blocks the calling thread for the resolution and the connections.
  static result<std::unique_ptr<generator>> create(const options& opts,
                                                   const std::vector<target>& targets,
                                                   std::string* detail = nullptr);
  ~generator();
  generator(const generator&) = delete;
  generator& operator=(const generator&) = delete;

  /// Runs the load on options::threads new threads and returns when the duration is over or
  /// the request count is done (every response in, or the timeout passed), or after stop().
  /// `on_interval` receives each completed interval of `interval_length`. Call once.
  report run(const interval_handler& on_interval = {},
             std::chrono::nanoseconds interval_length = std::chrono::seconds(1));

  /// Ends a run early, from any thread or a signal handler's helper thread (not from the
  /// signal handler itself): every connection is closed, run() returns what was measured.
  void stop() noexcept;

  /// Live counters for a progress line, from any thread: responses and errors so far
  /// (the warm-up included).
  [[nodiscard]] std::uint64_t responses_so_far() const noexcept;
  [[nodiscard]] std::uint64_t errors_so_far() const noexcept;

  class impl;

 private:
  explicit generator(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace corofetch::load
