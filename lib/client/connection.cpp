#include "client/connection.hpp"

#include "client/pool.hpp"

#include <sys/socket.h>
#include <sys/types.h>

#include <atomic>
#include <cerrno>

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

connection::connection(pool& owner, std::string key, net::stream s)
    : in(std::make_unique<char[]>(read_buffer_size)),
      owner_(owner),
      key_(std::move(key)),
      stream_(std::move(s)),
      remote_(peer_of(stream_)),
      id_(next_connection_id.fetch_add(1, std::memory_order_relaxed)),
      timer_(stream_.get_executor()),
      tls_(stream_.is_tls()) {}

connection::~connection() = default;

void connection::set_deadline(clock::time_point when, errc code) {
  deadline_ = when;
  deadline_code_ = code;
  fired_.clear();
  if (timer_pending_ && armed_at_ <= when) return;
  arm(when);
}

void connection::clear_deadline() noexcept {
  deadline_ = clock::time_point::max();
}

void connection::arm(clock::time_point when) {
  armed_at_ = when;
  const std::uint64_t generation = ++timer_generation_;
  timer_.expires_at(when);  // cancels a pending wait, whose handler sees an old generation
  timer_pending_ = true;
  timer_.async_wait([weak = weak_from_this(), generation](std::error_code ec) {
    if (auto self = weak.lock()) self->on_timer(generation, ec);
  });
}

void connection::on_timer(std::uint64_t generation, std::error_code ec) {
  if (generation != timer_generation_) return;
  timer_pending_ = false;
  if (ec || deadline_ == clock::time_point::max()) return;
  if (clock::now() < deadline_) {
    arm(deadline_);
    return;
  }
  fired_ = deadline_code_;
  deadline_ = clock::time_point::max();
  if (idle_) {
    owner_.discard_idle(*this);
    return;
  }
  std::error_code ignored;
  stream_.socket().cancel(ignored);  // the exchange's read or write ends with operation_aborted
}

void connection::enter_idle(clock::time_point idle_deadline) {
  idle_ = true;
  idle_since_ = clock::now();
  set_deadline(idle_deadline, errc::total_timeout);
}

void connection::leave_idle() noexcept {
  idle_ = false;
  clear_deadline();
}

bool connection::peer_closed() noexcept {
  // An idle HTTP/1.1 connection must stay silent: end of stream or an error means the server
  // closed it; unsolicited bytes on a plain connection break the protocol (RFC 9112 9.3). A
  // TLS connection may hold a late record (a TLS 1.3 session ticket) for the TLS layer.
  char byte = 0;
  const ssize_t n = ::recv(stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;
  if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  return !tls_;
}

void connection::close() noexcept {
  idle_ = false;
  clear_deadline();
  timer_.cancel();
  stream_.close();
}

}  // namespace corofetch::client::detail
