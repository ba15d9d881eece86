// The pool hands out a connection as many times at once as its protocol's capacity allows:
// once for HTTP/1.1, up to N for a multiplexed protocol (HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS),
// without taking a shared connection out of the pool. Internal parts (lib/client), on real
// loopback sockets.

#include "client/connection.hpp"
#include "client/http1_exchange.hpp"
#include "client/pool.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <utility>

#include <asio/io_context.hpp>

using namespace std::chrono_literals;
using asio::ip::tcp;
namespace detail = corofetch::client::detail;

namespace {

// An exchange that carries up to three at once and never runs (the pool only asks capacity).
class multiplexed final : public detail::exchange {
 public:
  explicit multiplexed(corofetch::net::stream s) : stream_(std::move(s)) {}
  [[nodiscard]] std::string_view protocol() const noexcept override { return "test-mux"; }
  [[nodiscard]] std::size_t capacity() const noexcept override { return 3; }
  asio::awaitable<detail::exchange_outcome> async_exchange(const detail::exchange_request&,
                                                           detail::response_receiver&) override {
    co_return detail::exchange_outcome{std::make_error_code(std::errc::not_supported)};
  }
  [[nodiscard]] bool broken_while_idle() noexcept override { return false; }
  [[nodiscard]] bool is_open() const noexcept override { return stream_.is_open(); }
  void close() noexcept override { stream_.close(); }

 private:
  corofetch::net::stream stream_;
};

std::shared_ptr<detail::connection> multiplexed_connection(const std::string& key,
                                                           tcp::socket socket) {
  return std::make_shared<detail::connection>(
      key, std::make_unique<multiplexed>(corofetch::net::stream(std::move(socket))),
      tcp::endpoint());
}

// A connected loopback socket (the accepted end is kept open by `peer`).
struct socket_pair {
  explicit socket_pair(asio::io_context& io)
      : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), client(io), peer(io) {
    client.connect(acceptor.local_endpoint());
    acceptor.accept(peer);
  }
  tcp::acceptor acceptor;
  tcp::socket client;
  tcp::socket peer;
};

corofetch::client::pool_options limits(std::size_t per_host) {
  corofetch::client::pool_options o;
  o.max_per_host = per_host;
  o.idle_timeout = 30s;
  return o;
}

}  // namespace

TEST_CASE("a multiplexed connection is shared up to its capacity and stays in the pool",
          "[integration]") {
  asio::io_context io(1);
  detail::pool p(io.get_executor(), limits(1));
  const std::string key = "https://a.test:443";
  socket_pair sockets(io);

  auto slot = p.try_acquire(key, false);
  REQUIRE(slot.has_value());
  REQUIRE(slot->conn == nullptr);  // a slot in which to open the connection
  auto c = multiplexed_connection(key, std::move(sockets.client));
  p.add(c);
  CHECK(c->active() == 1);

  auto second = p.try_acquire(key, false);
  REQUIRE(second.has_value());
  CHECK(second->conn == c);
  auto third = p.try_acquire(key, true);
  REQUIRE(third.has_value());
  CHECK(third->conn == c);
  CHECK(c->active() == 3);
  CHECK_FALSE(p.try_acquire(key, false).has_value());  // full, and the host limit is 1
  CHECK(p.stats().open == 1);
  CHECK(p.stats().idle == 0);

  p.release(c, true);
  auto again = p.try_acquire(key, false);
  REQUIRE(again.has_value());
  CHECK(again->conn == c);
  p.release(c, true);
  p.release(c, true);
  p.release(c, true);
  CHECK(c->active() == 0);
  CHECK(p.stats().idle == 1);
  CHECK(p.stats().open == 1);

  // An idle multiplexed connection is taken again without leaving the pool.
  auto idle_again = p.try_acquire(key, false);
  REQUIRE(idle_again.has_value());
  CHECK(idle_again->conn == c);
  CHECK(p.stats().idle == 0);
  p.release(c, true);
}

TEST_CASE("a multiplexed connection that failed drains: no new exchanges, closed at the end",
          "[integration]") {
  asio::io_context io(1);
  detail::pool p(io.get_executor(), limits(1));
  const std::string key = "https://b.test:443";
  socket_pair sockets(io);
  REQUIRE(p.try_acquire(key, false).has_value());
  auto c = multiplexed_connection(key, std::move(sockets.client));
  p.add(c);
  REQUIRE(p.try_acquire(key, false)->conn == c);

  p.release(c, false);  // one exchange failed the connection (a GOAWAY, say)
  CHECK(c->is_open());  // the other exchange still runs on it
  CHECK_FALSE(p.try_acquire(key, false).has_value());  // not shared any more, still counted
  p.release(c, true);
  CHECK_FALSE(c->is_open());
  CHECK(p.stats().open == 0);
  auto fresh = p.try_acquire(key, false);
  REQUIRE(fresh.has_value());
  CHECK(fresh->conn == nullptr);
  p.release_slot(key);
}

TEST_CASE("an HTTP/1.1 connection carries one exchange at a time", "[integration]") {
  asio::io_context io(1);
  detail::pool p(io.get_executor(), limits(2));
  const std::string key = "http://c.test:80";
  socket_pair sockets(io);
  REQUIRE(p.try_acquire(key, false).has_value());
  auto c = std::make_shared<detail::connection>(
      key,
      std::make_unique<detail::http1_exchange>(corofetch::net::stream(std::move(sockets.client))),
      tcp::endpoint());
  CHECK(c->exchange().protocol() == "http/1.1");
  CHECK(c->capacity() == 1);
  p.add(c);
  auto other = p.try_acquire(key, false);
  REQUIRE(other.has_value());
  CHECK(other->conn == nullptr);  // a second connection, not the busy one
  p.release_slot(key);
  p.release(c, true);
  CHECK(p.stats().idle == 1);
  auto reused = p.try_acquire(key, false);
  REQUIRE(reused.has_value());
  CHECK(reused->conn == c);
  p.release(c, false);
  CHECK(p.stats().open == 0);
}
