#include "support/page/site_server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

namespace corofetch::test {

using asio::ip::tcp;

struct site_server::state {
  std::map<std::string, route> routes;
  std::string address;
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;

  mutable std::mutex mutex;
  std::map<std::string, std::size_t> hits;
  std::map<std::string, std::string> heads;
  std::size_t requests = 0;
  std::size_t connections = 0;
  std::size_t in_flight = 0;
  std::size_t max_in_flight = 0;
};

namespace {

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
    case 500:
      return "Internal Server Error";
    default:
      return "Status";
  }
}

// Serves one connection: request heads (no bodies: the loader only sends GET), answered in
// order, until the peer closes or asks to.
asio::awaitable<void> serve(site_server::state* s, tcp::socket socket) {
  std::string buffer;
  for (;;) {
    std::size_t n = 0;
    try {
      n = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n",
                                          asio::use_awaitable);
    } catch (const std::system_error&) {
      co_return;  // the peer closed
    }
    const std::string head = buffer.substr(0, n);
    buffer.erase(0, n);
    const std::size_t sp1 = head.find(' ');
    const std::size_t sp2 = head.find(' ', sp1 + 1);
    const std::string path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const bool close = lower.find("\r\nconnection: close") != std::string::npos;

    site_server::route r;
    {
      std::lock_guard lock(s->mutex);
      ++s->hits[path];
      s->heads[path] = head;
      ++s->requests;
      s->max_in_flight = std::max(s->max_in_flight, ++s->in_flight);
      const auto it = s->routes.find(path);
      if (it != s->routes.end()) {
        r = it->second;
      } else {
        r.status = 404;
        r.body = "not found: " + path;
      }
    }
    if (r.delay.count() > 0) {
      asio::steady_timer timer(socket.get_executor(), r.delay);
      co_await timer.async_wait(asio::use_awaitable);
    }
    {
      std::lock_guard lock(s->mutex);
      --s->in_flight;
    }
    if (r.reset) {
      socket.set_option(asio::socket_base::linger(true, 0));
      socket.close();
      co_return;
    }
    std::string response = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_of(r.status) +
                           "\r\nContent-Type: " + r.content_type +
                           "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n" +
                           (r.location.empty() ? "" : "Location: " + r.location + "\r\n") +
                           (close ? "Connection: close\r\n" : "");
    for (const std::string& line : r.headers) response += line + "\r\n";
    response += "\r\n" + r.body;
    try {
      co_await asio::async_write(socket, asio::buffer(response), asio::use_awaitable);
    } catch (const std::system_error&) {
      co_return;
    }
    if (close) co_return;
  }
}

asio::awaitable<void> accept_loop(site_server::state* s) {
  for (;;) {
    tcp::socket socket(s->io);
    try {
      co_await s->acceptor->async_accept(socket, asio::use_awaitable);
    } catch (const std::system_error&) {
      co_return;  // stopped
    }
    {
      std::lock_guard lock(s->mutex);
      ++s->connections;
    }
    asio::co_spawn(s->io, serve(s, std::move(socket)), asio::detached);
  }
}

}  // namespace

site_server::site_server(std::map<std::string, route> routes, std::string address)
    : state_(std::make_shared<state>()) {
  state_->routes = std::move(routes);
  state_->address = std::move(address);
  const tcp::endpoint at(asio::ip::make_address(state_->address), 0);
  state_->acceptor.emplace(state_->io, at);
  asio::co_spawn(state_->io, accept_loop(state_.get()), asio::detached);
  state_->thread = std::thread([s = state_.get()] { s->io.run(); });
}

site_server::~site_server() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t site_server::port() const {
  return state_->acceptor->local_endpoint().port();
}

std::string site_server::url(std::string_view path) const {
  return "http://" + state_->address + ":" + std::to_string(port()) + std::string(path);
}

std::size_t site_server::hits(const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->hits.find(path);
  return it == state_->hits.end() ? 0 : it->second;
}

std::string site_server::last_head(const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->heads.find(path);
  return it == state_->heads.end() ? std::string() : it->second;
}

std::size_t site_server::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::size_t site_server::connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->connections;
}

std::size_t site_server::max_in_flight() const {
  std::lock_guard lock(state_->mutex);
  return state_->max_in_flight;
}

}  // namespace corofetch::test
