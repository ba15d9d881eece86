#pragma once

#include <corofetch/dns/record.hpp>
#include <corofetch/dns/resolver.hpp>
#include <corofetch/result.hpp>

#include <ares.h>
#include <asio/any_io_executor.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace corofetch::dns {

/// One c-ares channel run by an Asio event loop: every socket c-ares opens is watched through
/// ARES_OPT_SOCK_STATE_CB with a posix::stream_descriptor (released, never closed: the fd is
/// c-ares'), readiness goes to ares_process_fd, and a steady_timer stands in for ares_timeout.
/// Single-threaded: everything runs on the executor's one thread.
class channel {
 public:
  /// A channel with the resolver's options; errc::bad_options when c-ares rejects them.
  static result<std::unique_ptr<channel>> create(const asio::any_io_executor& executor,
                                                 const resolver_options& options);
  /// ares_destroy: every query still in flight gets its callback with ARES_EDESTRUCTION.
  ~channel();
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  /// Hands a query to c-ares (ares_search when the channel has search domains, else
  /// ares_query). `callback` runs from inside c-ares, maybe before send() returns; the owner
  /// calls finished() once it has dealt with the answer, outside c-ares.
  void send(const char* name, record_type type, ares_callback callback, void* arg);
  /// One query of this channel is done with: the channel counts it as active until then (so
  /// it is not destroyed while its answer waits), and disarms its timer once idle.
  void finished() {
    if (--active_ == 0) ensure_timer();
  }

  [[nodiscard]] std::size_t active() const noexcept { return active_; }
  [[nodiscard]] std::uint64_t sent() const noexcept { return sent_; }
  /// True when relative names go through search domains (ares_search).
  [[nodiscard]] bool searches() const noexcept { return has_search_domains_; }

 private:
  struct watched_socket;

  channel(const asio::any_io_executor& executor, std::chrono::milliseconds timeout);
  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable);
  void watch(const std::shared_ptr<watched_socket>& s);
  void forget(ares_socket_t fd);
  void pause_sockets();
  void resume_sockets();
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void ensure_timer();
  void arm_timer(std::chrono::steady_clock::time_point now,
                 std::chrono::steady_clock::time_point at);
  void on_timer();

  asio::any_io_executor executor_;
  ares_channel channel_ = nullptr;
  std::unordered_map<ares_socket_t, std::shared_ptr<watched_socket>> sockets_;
  asio::steady_timer timer_;
  std::chrono::milliseconds base_timeout_;
  std::chrono::steady_clock::time_point armed_at_{};
  bool timer_armed_ = false;
  bool armed_within_base_ = false;  // armed_at_ <= (time of arming) + base timeout
  std::uint64_t timer_generation_ = 0;
  bool has_search_domains_ = false;
  bool paused_ = false;     // idle: sockets kept open by c-ares (STAYOPEN) are not watched
  int receive_buffer_ = 0;  // SO_RCVBUF for c-ares' UDP sockets (open_socket() sets it)
  std::size_t active_ = 0;
  std::uint64_t sent_ = 0;
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // timer handlers check it
};

}  // namespace corofetch::dns
