#include "client/connection.hpp"

#include "client/http1_exchange.hpp"

#include <atomic>

namespace corofetch::client::detail {

namespace {

std::atomic<std::uint64_t> next_connection_id{1};

asio::ip::tcp::endpoint peer_of(net::stream& s) {
  std::error_code ec;
  auto ep = s.socket().remote_endpoint(ec);
  if (ec) return {};
  return ep;
}

}  // namespace

std::unique_ptr<exchange> make_http1_exchange(net::stream& s) {
  return std::make_unique<http1_exchange>(s);
}

connection::connection(std::string key, net::stream s, exchange_factory make)
    : key_(std::move(key)),
      stream_(std::move(s)),
      exchange_(make(stream_)),
      remote_(peer_of(stream_)),
      id_(next_connection_id.fetch_add(1, std::memory_order_relaxed)),
      idle_since_(clock::now()) {}

connection::~connection() = default;

void connection::begin_exchange() noexcept {
  ++active_;
}

void connection::end_exchange() noexcept {
  if (active_ > 0) --active_;
  if (active_ == 0) idle_since_ = clock::now();
}

void connection::close() noexcept {
  stream_.expires_never();
  stream_.close();
}

}  // namespace corofetch::client::detail
