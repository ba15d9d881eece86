#include "support/client/tunnel_proxy.hpp"

#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>

#include <array>
#include <mutex>
#include <string_view>
#include <thread>

namespace corofetch::test {

using asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
}

struct tunnel_proxy::state {
  asio::io_context io{1};
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  int refuse_status = 0;
  mutable std::mutex mutex;
  std::vector<std::string> heads;
  std::size_t tunnels = 0;
  std::thread thread;
};

namespace {

asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to) {
  std::array<char, 16384> buffer{};
  for (;;) {
    auto [ec, n] = co_await from.async_read_some(asio::buffer(buffer), use_tuple);
    if (ec) break;
    auto [wec, written] = co_await asio::async_write(to, asio::buffer(buffer.data(), n), use_tuple);
    if (wec) break;
  }
  std::error_code ignored;
  to.shutdown(tcp::socket::shutdown_send, ignored);
}

// Coroutines hold a plain pointer: the state owns the io_context whose destruction destroys
// them, so a shared_ptr would keep both alive in a cycle.
asio::awaitable<void> serve(tunnel_proxy::state* s, tcp::socket client) {
  std::string head;
  auto [ec, n] =
      co_await asio::async_read_until(client, asio::dynamic_buffer(head), "\r\n\r\n", use_tuple);
  if (ec) co_return;
  {
    std::lock_guard lock(s->mutex);
    s->heads.push_back(head.substr(0, n));
  }
  const std::string_view line(head.data(), head.find("\r\n"));
  const bool is_connect = line.rfind("CONNECT ", 0) == 0;
  if (!is_connect || s->refuse_status != 0) {
    const int status = is_connect ? s->refuse_status : 405;
    const std::string reply =
        "HTTP/1.1 " + std::to_string(status) + " Refused\r\nContent-Length: 0\r\n\r\n";
    co_await asio::async_write(client, asio::buffer(reply), use_tuple);
    co_return;
  }
  const auto target = line.substr(8, line.find(' ', 8) - 8);
  const auto colon = target.rfind(':');
  const auto port = static_cast<std::uint16_t>(std::stoi(std::string(target.substr(colon + 1))));
  tcp::socket upstream(s->io);
  auto [cec] = co_await upstream.async_connect(
      tcp::endpoint(asio::ip::address_v4::loopback(), port), use_tuple);
  if (cec) {
    const std::string reply = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
    co_await asio::async_write(client, asio::buffer(reply), use_tuple);
    co_return;
  }
  {
    std::lock_guard lock(s->mutex);
    ++s->tunnels;
  }
  const std::string ok = "HTTP/1.1 200 Connection established\r\n\r\n";
  co_await asio::async_write(client, asio::buffer(ok), use_tuple);
  // Bytes read past the head belong to the tunnel.
  if (head.size() > n) {
    co_await asio::async_write(upstream, asio::buffer(head.data() + n, head.size() - n), use_tuple);
  }
  auto ex = co_await asio::this_coro::executor;
  auto shared_client = std::make_shared<tcp::socket>(std::move(client));
  auto shared_upstream = std::make_shared<tcp::socket>(std::move(upstream));
  asio::co_spawn(
      ex, [shared_client, shared_upstream]() { return pump(*shared_upstream, *shared_client); },
      asio::detached);
  co_await pump(*shared_client, *shared_upstream);
}

asio::awaitable<void> accept_loop(tunnel_proxy::state* s) {
  for (;;) {
    auto [ec, socket] = co_await s->acceptor.async_accept(use_tuple);
    if (ec) co_return;
    asio::co_spawn(s->io, serve(s, std::move(socket)), asio::detached);
  }
}

}  // namespace

tunnel_proxy::tunnel_proxy(int refuse_status) : state_(std::make_unique<state>()) {
  state_->refuse_status = refuse_status;
  asio::co_spawn(state_->io, accept_loop(state_.get()), asio::detached);
  state_->thread = std::thread([s = state_.get()] { s->io.run(); });
}

tunnel_proxy::~tunnel_proxy() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t tunnel_proxy::port() const {
  return state_->acceptor.local_endpoint().port();
}

std::string tunnel_proxy::url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

std::vector<std::string> tunnel_proxy::heads() const {
  std::lock_guard lock(state_->mutex);
  return state_->heads;
}

std::size_t tunnel_proxy::tunnels() const {
  std::lock_guard lock(state_->mutex);
  return state_->tunnels;
}

}  // namespace corofetch::test
