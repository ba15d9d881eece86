#pragma once
// One pooled connection: the exchange of the protocol it speaks (which owns the stream), and
// the pool's bookkeeping: how many exchanges run on it now, and since when it is idle.

#include "client/exchange.hpp"

#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace corofetch::client::detail {

class connection {
 public:
  /// A connection to the origin `key` (whose peer is `remote`) speaking `x`'s protocol.
  connection(std::string key, std::unique_ptr<detail::exchange> x, asio::ip::tcp::endpoint remote);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  [[nodiscard]] const std::string& key() const noexcept { return key_; }
  [[nodiscard]] detail::exchange& exchange() noexcept { return *exchange_; }
  [[nodiscard]] bool is_open() const noexcept { return exchange_->is_open(); }
  /// The peer's address, read once when connected (the socket forgets it once closed).
  [[nodiscard]] const asio::ip::tcp::endpoint& remote() const noexcept { return remote_; }
  /// Unique in the process, for HAR's `connection` and logs.
  [[nodiscard]] std::uint64_t id() const noexcept { return id_; }

  /// How many exchanges may run on it at once (its protocol's capacity).
  [[nodiscard]] std::size_t capacity() const noexcept { return exchange_->capacity(); }
  /// How many run now.
  [[nodiscard]] std::size_t active() const noexcept { return active_; }
  [[nodiscard]] bool has_room() const noexcept { return active_ < capacity(); }
  /// An exchange starts on it (it leaves the idle state if it was idle).
  void begin_exchange() noexcept;
  /// An exchange on it ended; idle from now when none runs any more.
  void end_exchange() noexcept;

  [[nodiscard]] bool idle() const noexcept { return active_ == 0; }
  [[nodiscard]] clock::time_point idle_since() const noexcept { return idle_since_; }

  void close() noexcept { exchange_->close(); }

 private:
  std::string key_;
  std::unique_ptr<detail::exchange> exchange_;
  asio::ip::tcp::endpoint remote_;
  std::uint64_t id_;
  clock::time_point idle_since_{};
  std::size_t active_ = 0;
};

}  // namespace corofetch::client::detail
