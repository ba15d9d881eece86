#include "load/load_server.hpp"

#include <fmt/format.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace corofetch::test {

using asio::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

struct load_server::state {
  explicit state(options o)
      : opts(std::move(o)), acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {}

  options opts;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;
  std::atomic<std::int64_t> freeze_from{0};  // steady_clock ticks
  std::atomic<std::int64_t> freeze_until{0};
  std::atomic<std::size_t> requests{0};
  std::atomic<std::size_t> answers{0};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> body_bytes{0};
  mutable std::mutex mutex;
  std::map<std::string, std::size_t> by_request;  // "METHOD PATH"
};

namespace {

struct request_head {
  std::string method;
  std::string path;
  std::size_t content_length = 0;
  std::size_t size = 0;  // bytes of the head
};

// Parses one head at the start of `in`, or returns false when it is not complete yet.
bool parse_head(std::string_view in, request_head& out) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  out.size = end + 4;
  const std::string_view head = in.substr(0, end);
  const auto sp1 = head.find(' ');
  const auto sp2 = head.find(' ', sp1 + 1);
  out.method = std::string(head.substr(0, sp1));
  out.path = std::string(head.substr(sp1 + 1, sp2 - sp1 - 1));
  out.content_length = 0;
  for (std::size_t at = head.find("\r\n"); at != std::string_view::npos;
       at = head.find("\r\n", at + 2)) {
    const std::string_view line = head.substr(at + 2, head.find("\r\n", at + 2) - at - 2);
    if (line.size() > 15 &&
        (line.substr(0, 15) == "Content-Length:" || line.substr(0, 15) == "content-length:")) {
      out.content_length = std::stoul(std::string(line.substr(15)));
    }
  }
  return true;
}

std::string answer(const load_server::options& o, const request_head& h, bool last) {
  int status = 200;
  if (h.path.rfind("/status/", 0) == 0) status = std::stoi(h.path.substr(8));
  const std::string body = h.method == "HEAD" ? "" : o.body;
  if (o.close_delimited)
    return fmt::format("HTTP/1.1 {} X\r\nConnection: close\r\n\r\n{}", status, body);
  return fmt::format("HTTP/1.1 {} X\r\nContent-Length: {}\r\n{}\r\n{}", status, o.body.size(),
                     last && !o.silent_close ? "Connection: close\r\n" : "", body);
}

asio::awaitable<void> wait_out_freeze(load_server::state& s) {
  const auto now = clock::now().time_since_epoch().count();
  const auto from = s.freeze_from.load();
  const auto until = s.freeze_until.load();
  if (now < from || now >= until) co_return;
  asio::steady_timer t(s.io);
  t.expires_at(clock::time_point(clock::duration(until)));
  co_await t.async_wait(use_tuple);
}

asio::awaitable<void> serve(load_server::state& s, tcp::socket socket) {
  std::string in;
  std::array<char, 16384> buf{};
  std::size_t answered = 0;
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), use_tuple);
    if (ec) co_return;
    in.append(buf.data(), n);
    std::string out;
    request_head h;
    bool close = false;
    while (parse_head(in, h) && in.size() >= h.size + h.content_length) {
      in.erase(0, h.size + h.content_length);
      ++s.requests;
      s.body_bytes += h.content_length;
      {
        const std::lock_guard lock(s.mutex);
        ++s.by_request[h.method + " " + h.path];
      }
      if (h.path == "/hang") continue;
      ++answered;
      close = s.opts.close_delimited || (s.opts.close_after != 0 && answered >= s.opts.close_after);
      out += answer(s.opts, h, close);
      ++s.answers;
      if (close) break;
    }
    if (!out.empty()) {
      co_await wait_out_freeze(s);
      auto [wec, w] = co_await asio::async_write(socket, asio::buffer(out), use_tuple);
      if (wec) co_return;
    }
    if (close) {
      std::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      co_return;
    }
  }
}

asio::awaitable<void> accept(load_server::state& s) {
  for (;;) {
    auto [ec, socket] = co_await s.acceptor.async_accept(use_tuple);
    if (ec) co_return;
    ++s.connections;
    socket.set_option(tcp::no_delay(true));
    asio::co_spawn(s.io, serve(s, std::move(socket)), asio::detached);
  }
}

}  // namespace

load_server::load_server() : load_server(options{}) {}

load_server::load_server(options o) : state_(std::make_shared<state>(std::move(o))) {
  asio::co_spawn(state_->io, accept(*state_), asio::detached);
  state_->thread = std::thread([s = state_] { s->io.run(); });
}

load_server::~load_server() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t load_server::port() const {
  return state_->acceptor.local_endpoint().port();
}

std::string load_server::url(std::string_view path) const {
  return fmt::format("http://127.0.0.1:{}{}", port(), path);
}

void load_server::freeze(std::chrono::milliseconds delay, std::chrono::milliseconds length) {
  const auto from = clock::now() + delay;
  state_->freeze_until.store((from + length).time_since_epoch().count());
  state_->freeze_from.store(from.time_since_epoch().count());
}

std::size_t load_server::requests() const {
  return state_->requests.load();
}

std::size_t load_server::requests(std::string_view method, std::string_view path) const {
  const std::lock_guard lock(state_->mutex);
  const auto it = state_->by_request.find(fmt::format("{} {}", method, path));
  return it == state_->by_request.end() ? 0 : it->second;
}

std::size_t load_server::answers() const {
  return state_->answers.load();
}
std::size_t load_server::connections() const {
  return state_->connections.load();
}
std::size_t load_server::body_bytes() const {
  return state_->body_bytes.load();
}

}  // namespace corofetch::test
