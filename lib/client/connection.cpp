#include "client/connection.hpp"

#include <atomic>
#include <utility>

namespace corofetch::client::detail {

namespace {

std::atomic<std::uint64_t> next_connection_id{1};

}  // namespace

connection::connection(std::string key, std::unique_ptr<detail::exchange> x,
                       asio::ip::tcp::endpoint remote)
    : key_(std::move(key)),
      exchange_(std::move(x)),
      remote_(std::move(remote)),
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

}  // namespace corofetch::client::detail
