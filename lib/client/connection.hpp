#pragma once
// One pooled connection: its stream, the buffers reused by every exchange on it, and a lazy
// deadline watchdog. The watchdog is one steady_timer per connection that is re-armed only when
// it fires early or a deadline moves earlier, so a steady stream of requests, whose deadlines
// only move later, costs no timer syscall (a timerfd_settime per request otherwise).

#include <corofetch/client/error.hpp>
#include <corofetch/http/response_parser.hpp>
#include <corofetch/net/stream.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

namespace corofetch::client::detail {

class pool;
using clock = std::chrono::steady_clock;

class connection : public std::enable_shared_from_this<connection> {
 public:
  static constexpr std::size_t read_buffer_size = std::size_t{16} * 1024;

  connection(pool& owner, std::string key, net::stream s);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  [[nodiscard]] const std::string& key() const noexcept { return key_; }
  [[nodiscard]] net::stream& stream() noexcept { return stream_; }
  [[nodiscard]] bool is_tls() const noexcept { return tls_; }
  [[nodiscard]] bool is_open() const noexcept { return stream_.is_open(); }
  /// The peer's address, read once when connected (the socket forgets it once closed).
  [[nodiscard]] const asio::ip::tcp::endpoint& remote() const noexcept { return remote_; }
  /// Unique in the process, for HAR's `connection` and logs.
  [[nodiscard]] std::uint64_t id() const noexcept { return id_; }

  /// From now on, the pending I/O is cancelled when `when` passes, and timed_out() gives
  /// `code`. No syscall unless the deadline moves earlier than the armed timer.
  void set_deadline(clock::time_point when, errc code);
  /// No deadline (the timer stays armed, and re-arms to nothing when it fires).
  void clear_deadline() noexcept;
  /// The timeout that cancelled the I/O, or none. Cleared by set_deadline.
  [[nodiscard]] std::error_code timed_out() const noexcept { return fired_; }

  /// Idle in the pool until `idle_deadline`, when the pool closes it.
  void enter_idle(clock::time_point idle_deadline);
  /// Taken from the pool for an exchange.
  void leave_idle() noexcept;
  [[nodiscard]] bool idle() const noexcept { return idle_; }
  [[nodiscard]] clock::time_point idle_since() const noexcept { return idle_since_; }
  /// Whether the server closed the connection (or sent unsolicited bytes) while it was idle:
  /// one non-blocking recv(MSG_PEEK).
  [[nodiscard]] bool peer_closed() noexcept;

  void close() noexcept;

  // Buffers every exchange on this connection reuses.
  http::response_parser parser;
  std::string out;
  std::unique_ptr<char[]> in;
  std::string decoded;
  std::uint64_t exchanges = 0;

 private:
  void arm(clock::time_point when);
  void on_timer(std::uint64_t generation, std::error_code ec);

  pool& owner_;
  std::string key_;
  net::stream stream_;
  asio::ip::tcp::endpoint remote_;
  std::uint64_t id_;
  asio::steady_timer timer_;
  clock::time_point deadline_ = clock::time_point::max();
  clock::time_point armed_at_ = clock::time_point::max();
  errc deadline_code_ = errc::total_timeout;
  std::error_code fired_;
  std::uint64_t timer_generation_ = 0;
  clock::time_point idle_since_{};
  bool timer_pending_ = false;
  bool tls_ = false;
  bool idle_ = false;
};

}  // namespace corofetch::client::detail
