#pragma once
// A loopback forward proxy that only tunnels (RFC 9110 9.3.6 CONNECT), for the client's proxy
// tests: it reads "CONNECT host:port", connects to 127.0.0.1:port whatever the host (tests use
// loopback names only), answers 200 and then copies bytes both ways until either side closes.
// It runs on its own thread and io_context, keeps every CONNECT head it received, and can be
// told to refuse with a status instead.

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace corofetch::test {

class tunnel_proxy {
 public:
  /// Listens on 127.0.0.1 at an ephemeral port. `refuse_status` 0 tunnels; another value (407,
  /// 403) answers every CONNECT with that status and closes.
  explicit tunnel_proxy(int refuse_status = 0);
  ~tunnel_proxy();
  tunnel_proxy(const tunnel_proxy&) = delete;
  tunnel_proxy& operator=(const tunnel_proxy&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  /// "http://127.0.0.1:PORT"
  [[nodiscard]] std::string url() const;
  /// The request heads received, in order.
  [[nodiscard]] std::vector<std::string> heads() const;
  /// Tunnels opened.
  [[nodiscard]] std::size_t tunnels() const;

  struct state;

 private:
  std::unique_ptr<state> state_;
};

}  // namespace corofetch::test
