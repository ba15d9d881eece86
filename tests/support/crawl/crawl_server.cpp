#include "support/crawl/crawl_server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

namespace corofetch::test {

using asio::ip::tcp;

struct crawl_server::state {
  site answer;
  asio::io_context io{1};
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;

  mutable std::mutex mutex;
  std::map<std::pair<std::string, std::string>, std::size_t> hits;
  std::vector<log_entry> log;
  std::map<std::string, std::size_t> in_flight;
  std::map<std::string, std::size_t> max_in_flight;
  std::size_t total_in_flight = 0;
  std::size_t max_total = 0;
};

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The Host field's value, lowercased ("a.test:8080" from "Host: A.test:8080").
std::string authority_of(const std::string& head) {
  const std::string l = lower(head);
  const std::size_t at = l.find("\r\nhost:");
  if (at == std::string::npos) return {};
  std::size_t begin = at + 7;
  while (begin < l.size() && l[begin] == ' ') ++begin;
  const std::size_t end = l.find("\r\n", begin);
  return l.substr(begin, end - begin);
}

std::string host_of(const std::string& authority) {
  if (authority.empty() || authority.front() == '[') return authority;
  return authority.substr(0, authority.find(':'));
}

const char* reason_of(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::string serialize(const crawl_server::reply& r, bool close) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_of(r.status) + "\r\n";
  out += "Content-Type: " + r.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  for (const auto& [name, value] : r.fields) out += name + ": " + value + "\r\n";
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  out += r.body;
  return out;
}

// Records the start of a request; returns its index in the log.
std::size_t begin_request(crawl_server::state* s, const crawl_server::request& req,
                          std::chrono::system_clock::time_point arrived) {
  std::lock_guard lock(s->mutex);
  ++s->hits[{req.host, req.path}];
  const auto now = crawl_server::clock::now();
  s->log.push_back({req.host, req.path, now, now, arrived});
  std::size_t& n = ++s->in_flight[req.host];
  s->max_in_flight[req.host] = std::max(s->max_in_flight[req.host], n);
  s->max_total = std::max(s->max_total, ++s->total_in_flight);
  return s->log.size() - 1;
}

void end_request(crawl_server::state* s, const std::string& host, std::size_t index) {
  std::lock_guard lock(s->mutex);
  --s->in_flight[host];
  --s->total_in_flight;
  s->log[index].end = crawl_server::clock::now();
}

// Reads what the socket has now, with the time the kernel received it (SO_TIMESTAMPNS).
// False when the peer closed or the read failed.
bool read_available(tcp::socket& socket, std::string& buffer,
                    std::chrono::system_clock::time_point& arrived) {
  std::array<char, 16384> data{};
  iovec io{data.data(), data.size()};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(timespec))> control{};
  msghdr msg{};
  msg.msg_iov = &io;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  const ssize_t n = ::recvmsg(socket.native_handle(), &msg, MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  if (n == 0) return false;
  buffer.append(data.data(), static_cast<std::size_t>(n));
  arrived = std::chrono::system_clock::now();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      const auto since_epoch =
          std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
      arrived = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
    }
  }
  return true;
}

asio::awaitable<void> serve(crawl_server::state* s, tcp::socket socket) {
  const int on = 1;
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  std::string buffer;
  std::chrono::system_clock::time_point arrived{};
  for (;;) {
    std::size_t n = buffer.find("\r\n\r\n");
    if (n == std::string::npos) {
      auto [ec] = co_await socket.async_wait(tcp::socket::wait_read,
                                             asio::experimental::as_tuple(asio::use_awaitable));
      if (ec || !read_available(socket, buffer, arrived)) co_return;
      continue;
    }
    n += 4;
    crawl_server::request req;
    req.head = buffer.substr(0, n);
    buffer.erase(0, n);
    const std::size_t sp1 = req.head.find(' ');
    const std::size_t sp2 = req.head.find(' ', sp1 + 1);
    req.path = req.head.substr(sp1 + 1, sp2 - sp1 - 1);
    req.authority = authority_of(req.head);
    req.host = host_of(req.authority);
    const bool close = lower(req.head).find("\r\nconnection: close") != std::string::npos;
    const std::size_t index = begin_request(s, req, arrived);
    const crawl_server::reply r = s->answer(req);
    asio::steady_timer timer(socket.get_executor());
    timer.expires_after(r.hang ? std::chrono::hours(1) : r.delay);
    if (r.hang || r.delay.count() > 0) {
      co_await timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    }
    const std::string response = serialize(r, close);
    end_request(s, req.host, index);
    auto [write_error, written] = co_await asio::async_write(
        socket, asio::buffer(response), asio::experimental::as_tuple(asio::use_awaitable));
    if (write_error || close) co_return;
  }
}

asio::awaitable<void> accept_loop(crawl_server::state* s) {
  for (;;) {
    tcp::socket socket(s->io);
    auto [ec] = co_await s->acceptor->async_accept(
        socket, asio::experimental::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    socket.set_option(tcp::no_delay(true));
    asio::co_spawn(s->io, serve(s, std::move(socket)), asio::detached);
  }
}

}  // namespace

crawl_server::crawl_server(site answer) : state_(std::make_shared<state>()) {
  state_->answer = std::move(answer);
  state_->acceptor.emplace(state_->io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  state_->acceptor->listen(1024);
  asio::co_spawn(state_->io, accept_loop(state_.get()), asio::detached);
  state_->thread = std::thread([s = state_.get()] { s->io.run(); });
}

crawl_server::~crawl_server() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t crawl_server::port() const {
  return state_->acceptor->local_endpoint().port();
}

std::string crawl_server::url(const std::string& host, const std::string& path) const {
  return "http://" + host + ":" + std::to_string(port()) + path;
}

std::string crawl_server::resolve(const std::string& host) const {
  return host + ":" + std::to_string(port()) + ":127.0.0.1";
}

std::size_t crawl_server::hits(const std::string& host, const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->hits.find({host, path});
  return it == state_->hits.end() ? 0 : it->second;
}

std::vector<crawl_server::log_entry> crawl_server::log() const {
  std::lock_guard lock(state_->mutex);
  return state_->log;
}

std::size_t crawl_server::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->log.size();
}

std::size_t crawl_server::max_in_flight(const std::string& host) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->max_in_flight.find(host);
  return it == state_->max_in_flight.end() ? 0 : it->second;
}

std::size_t crawl_server::max_in_flight_total() const {
  std::lock_guard lock(state_->mutex);
  return state_->max_total;
}

std::chrono::nanoseconds min_start_gap(const std::vector<crawl_server::log_entry>& log,
                                       const std::string& host) {
  std::vector<std::chrono::system_clock::time_point> starts;
  for (const auto& e : log) {
    if (e.host == host) starts.push_back(e.arrived);
  }
  std::sort(starts.begin(), starts.end());
  std::chrono::nanoseconds gap = std::chrono::nanoseconds::max();
  for (std::size_t i = 1; i < starts.size(); ++i) gap = std::min(gap, starts[i] - starts[i - 1]);
  return gap;
}

}  // namespace corofetch::test
