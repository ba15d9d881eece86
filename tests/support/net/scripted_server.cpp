#include "support/net/scripted_server.hpp"

#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl.hpp>
#include <asio/write.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace corofetch::test {

using asio::ip::tcp;
namespace {
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
}  // namespace

// ---- script ----------------------------------------------------------------------------------

namespace {
script::step make_step(script::step::kind what) {
  script::step s;
  s.what = what;
  return s;
}
}  // namespace

script& script::expect_until(std::string delimiter) {
  steps_.push_back({step::kind::expect_until, std::move(delimiter)});
  return *this;
}
script& script::expect_bytes(std::size_t n) {
  steps_.push_back({step::kind::expect_bytes, {}, n});
  return *this;
}
script& script::send(std::string bytes) {
  return send_split(std::move(bytes), 1, {});
}
script& script::send_split(std::string bytes, std::size_t pieces, std::chrono::milliseconds gap) {
  steps_.push_back({step::kind::send, std::move(bytes), 0, gap, std::max<std::size_t>(pieces, 1)});
  return *this;
}
script& script::delay(std::chrono::milliseconds d) {
  steps_.push_back({step::kind::delay, {}, 0, d});
  return *this;
}
script& script::close() {
  steps_.push_back(make_step(step::kind::close));
  return *this;
}
script& script::close_raw() {
  steps_.push_back(make_step(step::kind::close_raw));
  return *this;
}
script& script::reset() {
  steps_.push_back(make_step(step::kind::reset));
  return *this;
}
script& script::stall() {
  steps_.push_back(make_step(step::kind::stall));
  return *this;
}
script& script::read_slowly(std::size_t bytes_per_read, std::chrono::milliseconds interval,
                            std::size_t total) {
  steps_.push_back(
      {step::kind::read_slowly, {}, std::max<std::size_t>(bytes_per_read, 1), interval, 1, total});
  return *this;
}

// ---- server ----------------------------------------------------------------------------------

struct scripted_server::state {
  std::optional<asio::io_context> io;
  std::optional<asio::ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::vector<script> scripts;
  tcp::endpoint local;
  std::thread thread;

  mutable std::mutex mutex;
  mutable std::condition_variable finished_changed;  // and accepted
  std::vector<std::string> received;
  std::vector<std::string> tls_errors;
  std::size_t finished = 0;
  bool stopped = false;

  void record(std::size_t index, const char* data, std::size_t n) {
    const std::lock_guard lock(mutex);
    received[index].append(data, n);
  }
  void set_tls_error(std::size_t index, std::string message) {
    const std::lock_guard lock(mutex);
    tls_errors[index] = std::move(message);
  }
  void mark_finished() {
    {
      const std::lock_guard lock(mutex);
      ++finished;
    }
    finished_changed.notify_all();
  }
};

namespace {

using state_t = scripted_server::state;

// Plays one connection's script over Stream (a tcp::socket or an ssl::stream of one); `raw` is
// the TCP socket below, for options, reset and close.
template <class Stream>
class player {
 public:
  player(state_t& s, Stream& io, tcp::socket& raw, std::size_t index)
      : s_(s), io_(io), raw_(raw), index_(index), timer_(raw.get_executor()) {}

  asio::awaitable<void> play(const script& sc) {
    for (const auto& st : sc.steps()) {
      using kind = script::step::kind;
      bool go_on = true;
      switch (st.what) {
        case kind::expect_until:
          go_on = co_await expect_until(st.bytes);
          break;
        case kind::expect_bytes:
          go_on = co_await expect_bytes(st.count);
          break;
        case kind::send:
          go_on = co_await send(st);
          break;
        case kind::delay:
          co_await wait(st.interval);
          break;
        case kind::close:
          co_await close();
          co_return;
        case kind::close_raw:
          close_socket();
          co_return;
        case kind::reset:
          reset();
          co_return;
        case kind::stall:
          co_await stall();
          co_return;
        case kind::read_slowly:
          go_on = co_await read_slowly(st);
          break;
      }
      if (!go_on) co_return;
    }
    co_await close();
  }

 private:
  // Reads once into the pending bytes; false when the peer is gone.
  asio::awaitable<bool> read_more(std::size_t at_most) {
    std::array<char, 16384> buffer{};
    auto [ec, n] = co_await io_.async_read_some(
        asio::buffer(buffer.data(), std::min(at_most, buffer.size())), use_tuple);
    if (n > 0) {
      s_.record(index_, buffer.data(), n);
      pending_.append(buffer.data(), n);
    }
    co_return !ec;
  }

  asio::awaitable<bool> expect_until(const std::string& delimiter) {
    std::size_t at;
    while ((at = pending_.find(delimiter)) == std::string::npos) {
      const bool alive = co_await read_more(16384);
      if (!alive) co_return false;
    }
    pending_.erase(0, at + delimiter.size());
    co_return true;
  }

  asio::awaitable<bool> expect_bytes(std::size_t n) {
    while (pending_.size() < n) {
      const bool alive = co_await read_more(16384);
      if (!alive) co_return false;
    }
    pending_.erase(0, n);
    co_return true;
  }

  asio::awaitable<bool> send(const script::step& st) {
    const std::size_t size = st.bytes.size();
    std::size_t offset = 0;
    for (std::size_t piece = 0; piece < st.pieces; ++piece) {
      const std::size_t end = size * (piece + 1) / st.pieces;
      if (piece > 0 && st.interval.count() > 0) co_await wait(st.interval);
      if (end == offset) continue;
      auto [ec, n] = co_await asio::async_write(
          io_, asio::buffer(st.bytes.data() + offset, end - offset), use_tuple);
      if (ec) co_return false;
      offset = end;
    }
    co_return true;
  }

  asio::awaitable<bool> read_slowly(const script::step& st) {
    std::size_t total = 0;
    while (total < st.total) {
      const std::size_t had = pending_.size();
      const bool alive = co_await read_more(std::min(st.count, st.total - total));
      if (!alive) co_return false;
      total += pending_.size() - had;
      co_await wait(st.interval);
    }
    co_return true;
  }

  asio::awaitable<void> stall() {
    // GCC 12 mishandles co_await inside a loop condition: the result is read into a variable.
    for (;;) {
      const bool alive = co_await read_more(16384);
      if (!alive) break;
      pending_.clear();
    }
  }

  asio::awaitable<void> wait(std::chrono::milliseconds d) {
    timer_.expires_after(d);
    co_await timer_.async_wait(use_tuple);
  }

  asio::awaitable<void> close() {
    if constexpr (!std::is_same_v<Stream, tcp::socket>) {
      // close_notify, then at most 200 ms for the peer's; a client that just closes is fine.
      using namespace asio::experimental::awaitable_operators;
      timer_.expires_after(std::chrono::milliseconds(200));
      co_await (io_.async_shutdown(use_tuple) || timer_.async_wait(use_tuple));
    }
    close_socket();
  }

  void close_socket() {
    std::error_code ignored;
    raw_.shutdown(tcp::socket::shutdown_both, ignored);
    raw_.close(ignored);
  }

  void reset() {
    std::error_code ignored;
    raw_.set_option(asio::socket_base::linger(true, 0), ignored);
    raw_.close(ignored);
  }

  state_t& s_;
  Stream& io_;
  tcp::socket& raw_;
  std::size_t index_;
  asio::steady_timer timer_;
  std::string pending_;
};

asio::awaitable<void> serve(state_t* s, tcp::socket socket, std::size_t index) {
  std::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  const script& sc = s->scripts[std::min(index, s->scripts.size() - 1)];
  if (s->tls) {
    asio::ssl::stream<tcp::socket> tls(std::move(socket), *s->tls);
    auto [ec] = co_await tls.async_handshake(asio::ssl::stream_base::server, use_tuple);
    if (ec) {
      s->set_tls_error(index, ec.message());
    } else {
      player<asio::ssl::stream<tcp::socket>> p(*s, tls, tls.next_layer(), index);
      co_await p.play(sc);
    }
  } else {
    player<tcp::socket> p(*s, socket, socket, index);
    co_await p.play(sc);
  }
  s->mark_finished();
}

asio::awaitable<void> accept_loop(state_t* s) {
  for (;;) {
    auto [ec, socket] = co_await s->acceptor->async_accept(use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !s->acceptor->is_open()) co_return;
      continue;  // EMFILE and the like: try again
    }
    std::size_t index = 0;
    {
      const std::lock_guard lock(s->mutex);
      index = s->received.size();
      s->received.emplace_back();
      s->tls_errors.emplace_back();
    }
    s->finished_changed.notify_all();
    asio::co_spawn(*s->io, serve(s, std::move(socket), index), asio::detached);
  }
}

}  // namespace

scripted_server::scripted_server(std::vector<script> scripts)
    : scripted_server(std::move(scripts), options{}) {}

scripted_server::scripted_server(std::vector<script> scripts, const options& opts)
    : state_(std::make_shared<state>()) {
  if (scripts.empty()) throw std::invalid_argument("scripted_server: no script");
  state_->scripts = std::move(scripts);
  state_->io.emplace(1);
  if (!opts.cert_file.empty()) {
    state_->tls.emplace(asio::ssl::context::tls_server);
    state_->tls->use_certificate_chain_file(opts.cert_file.string());
    state_->tls->use_private_key_file(opts.key_file.string(), asio::ssl::context::pem);
  }
  const tcp::endpoint where(opts.ipv6 ? asio::ip::address(asio::ip::address_v6::loopback())
                                      : asio::ip::address(asio::ip::address_v4::loopback()),
                            0);
  state_->acceptor.emplace(*state_->io, where);
  state_->local = state_->acceptor->local_endpoint();
  asio::co_spawn(*state_->io, accept_loop(state_.get()), asio::detached);
  state_->thread = std::thread([s = state_.get()] { s->io->run(); });
}

scripted_server::~scripted_server() {
  stop();
}

void scripted_server::stop() {
  {
    const std::lock_guard lock(state_->mutex);
    if (state_->stopped) return;
    state_->stopped = true;
  }
  state_->io->stop();
  state_->thread.join();
  // Destroying the io_context destroys the suspended connection coroutines and their sockets.
  state_->acceptor.reset();
  state_->io.reset();
  state_->finished_changed.notify_all();
}

tcp::endpoint scripted_server::endpoint() const {
  return state_->local;
}
std::uint16_t scripted_server::port() const {
  return state_->local.port();
}

std::size_t scripted_server::accepted() const {
  const std::lock_guard lock(state_->mutex);
  return state_->received.size();
}

std::size_t scripted_server::finished() const {
  const std::lock_guard lock(state_->mutex);
  return state_->finished;
}

std::string scripted_server::received(std::size_t i) const {
  const std::lock_guard lock(state_->mutex);
  return i < state_->received.size() ? state_->received[i] : std::string();
}

std::string scripted_server::tls_error(std::size_t i) const {
  const std::lock_guard lock(state_->mutex);
  return i < state_->tls_errors.size() ? state_->tls_errors[i] : std::string();
}

bool scripted_server::wait_accepted(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->finished_changed.wait_for(lock, timeout,
                                           [&] { return state_->received.size() >= n; });
}

bool scripted_server::wait_finished(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->finished_changed.wait_for(lock, timeout, [&] { return state_->finished >= n; });
}

// ---- blackhole_listener and refusing_port ----------------------------------------------------

namespace {

int loopback_socket(bool ipv6, tcp::endpoint& bound) {
  const int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  asio::ip::tcp::endpoint any(ipv6 ? asio::ip::address(asio::ip::address_v6::loopback())
                                   : asio::ip::address(asio::ip::address_v4::loopback()),
                              0);
  if (::bind(fd, any.data(), static_cast<socklen_t>(any.size())) != 0) {
    ::close(fd);
    throw std::runtime_error("bind() failed");
  }
  socklen_t length = static_cast<socklen_t>(bound.capacity());
  ::getsockname(fd, bound.data(), &length);
  bound.resize(length);
  return fd;
}

// Starts a non-blocking connect and waits up to 100 ms: true when it completed.
bool connect_completes(int fd, const tcp::endpoint& to) {
  const int result = ::connect(fd, to.data(), static_cast<socklen_t>(to.size()));
  if (result == 0) return true;
  pollfd p{fd, POLLOUT, 0};
  return ::poll(&p, 1, 100) == 1;
}

}  // namespace

blackhole_listener::blackhole_listener(bool ipv6) {
  listener_ = loopback_socket(ipv6, endpoint_);
  if (::listen(listener_, 0) != 0) throw std::runtime_error("listen() failed");
  // With backlog 0 the accept queue holds one connection; once it is full, Linux drops SYNs.
  for (int i = 0; i < 16; ++i) {
    const int fd =
        ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    fillers_.push_back(fd);
    if (!connect_completes(fd, endpoint_)) return;
  }
  throw std::runtime_error("blackhole_listener: the accept queue never filled");
}

blackhole_listener::~blackhole_listener() {
  for (int fd : fillers_) ::close(fd);
  ::close(listener_);
}

tcp::endpoint blackhole_listener::endpoint() const {
  return endpoint_;
}

refusing_port::refusing_port(bool ipv6) {
  socket_ = loopback_socket(ipv6, endpoint_);
}
refusing_port::~refusing_port() {
  ::close(socket_);
}

}  // namespace corofetch::test
