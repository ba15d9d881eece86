// The coroutine driver of an HTTP/2 session: a reader, a writer and a watchdog share one state
// on the transport's executor. Waits are steady_timers used as events: a waiter sets its timer
// to its deadline, a notifier cancels it, and the waiter re-checks what it waits for (the check
// and the wait happen without a suspension in between, so no wake-up is lost).
#include <corofetch/http/status.hpp>
#include <corofetch/http2/connection.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <unordered_map>
#include <utility>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace corofetch::http2 {

namespace {

using clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::size_t read_buffer_size = std::size_t{64} << 10U;
constexpr std::uint32_t wire_cancel = 0x8;            // RFC 9113 7 CANCEL
constexpr std::uint32_t wire_settings_timeout = 0x4;  // SETTINGS_TIMEOUT
constexpr std::uint32_t wire_no_error = 0x0;

// Waits on `timer` until `deadline` or a notifier's cancel(); true when woken, false when the
// deadline passed.
asio::awaitable<bool> wait_until(asio::steady_timer& timer, clock::time_point deadline) {
  timer.expires_at(deadline);
  auto [ec] = co_await timer.async_wait(use_tuple);
  co_return ec == asio::error::operation_aborted;
}

}  // namespace

/// A fetch in progress: lives in the fetch coroutine's frame, registered by stream id.
struct exchange {
  exchange(const asio::any_io_executor& ex, response_handler& h) : wake(ex), handler(h) {}
  asio::steady_timer wake;
  response_handler& handler;
  std::optional<std::uint64_t> max_body_bytes;
  std::uint64_t body_bytes = 0;
  bool done = false;
  std::error_code error;  // the first: a handler's refusal outlives a later stream_end
};

// The buffered form of a fetch: the whole response in memory.
class collector final : public response_handler {
 public:
  std::error_code on_interim(const http::response_head& head) override {
    response.interim.push_back(head);
    return {};
  }
  std::error_code on_head(const http::response_head& head) override {
    response.head = head;
    return {};
  }
  std::error_code on_data(std::string_view piece) override {
    response.body.append(piece);
    return {};
  }
  std::error_code on_trailers(const http::fields& trailers) override {
    response.trailers = trailers;
    return {};
  }
  http::response response;
};

struct connection::state : std::enable_shared_from_this<connection::state> {
  state(std::unique_ptr<transport> t, connection_options o)
      : executor(t->get_executor()),
        io(std::move(t)),
        options(std::move(o)),
        sess(options.settings),
        write_wake(executor),
        watchdog_wake(executor) {}

  asio::any_io_executor executor;
  std::unique_ptr<transport> io;
  connection_options options;
  session sess;
  asio::steady_timer write_wake;
  asio::steady_timer watchdog_wake;
  std::unordered_map<std::int32_t, exchange*> exchanges;
  std::vector<asio::steady_timer*> waiters;  // fetches waiting for a stream; start(); close()
  bool transport_open = true;
  std::error_code failure;
  clock::time_point last_read = clock::now();
  clock::time_point settings_deadline;
  bool ping_outstanding = false;
  clock::time_point ping_deadline = clock::time_point::max();
  std::size_t peak = 0;

  void kick_writer() { write_wake.cancel(); }

  void wake_waiters() {
    auto woken = std::move(waiters);
    waiters.clear();
    for (auto* t : woken) t->cancel();
  }

  bool accepting() const noexcept {
    return transport_open && !failure && !sess.going_away() && sess.alive();
  }

  bool has_free_stream() const noexcept {
    return sess.open_streams() < sess.peer_max_concurrent_streams();
  }

  void finish(std::int32_t id, std::error_code ec) {
    const auto it = exchanges.find(id);
    if (it != exchanges.end()) {
      exchange& x = *it->second;
      x.done = true;
      if (!x.error) x.error = ec;
      x.wake.cancel();
      exchanges.erase(it);
    }
    wake_waiters();  // a stream is free
  }

  // The handler refused the response (or it grew past its bound): only this stream ends.
  void refuse(std::int32_t id, exchange& x, std::error_code why) {
    x.error = why;
    sess.reset_stream(id, why, wire_cancel);
    kick_writer();
  }

  void on_stream_event(event& e) {
    if (e.type == event::kind::stream_end) {
      finish(e.stream_id, {});
      return;
    }
    if (e.type == event::kind::stream_reset) {
      finish(e.stream_id, e.error ? e.error : std::error_code(errc::stream_reset));
      return;
    }
    const auto it = exchanges.find(e.stream_id);
    if (it == exchanges.end() || it->second->error) return;  // gone, or being reset
    exchange& x = *it->second;
    std::error_code refused;
    switch (e.type) {
      case event::kind::informational:
        refused = x.handler.on_interim(
            {e.status, std::string(http::reason_phrase(e.status)), {2, 0}, std::move(e.fields)});
        break;
      case event::kind::response_head:
        refused = x.handler.on_head(
            {e.status, std::string(http::reason_phrase(e.status)), {2, 0}, std::move(e.fields)});
        break;
      case event::kind::data:
        x.body_bytes += e.data.size();
        if (x.max_body_bytes && x.body_bytes > *x.max_body_bytes) {
          refused = errc::body_too_large;
        } else {
          refused = x.handler.on_data(e.data);
        }
        break;
      case event::kind::trailers:
        refused = x.handler.on_trailers(e.fields);
        break;
      default:
        break;
    }
    if (refused) refuse(e.stream_id, x, refused);
  }

  void dispatch() {
    while (auto e = sess.next_event()) {
      switch (e->type) {
        case event::kind::settings:
        case event::kind::goaway:
          wake_waiters();
          break;
        case event::kind::settings_ack:
          watchdog_wake.cancel();
          break;
        case event::kind::ping_ack:
          ping_outstanding = false;
          ping_deadline = clock::time_point::max();
          break;
        default:
          on_stream_event(*e);
          break;
      }
    }
    peak = std::max(peak, sess.open_streams());
  }

  // The connection is over: streams fail with `why`, the transport closes once the writer has
  // flushed what the session still has (a GOAWAY).
  void fail(std::error_code why, std::uint32_t wire_code) {
    if (!failure) failure = why;
    sess.terminate(why, wire_code);
    dispatch();
    wake_waiters();
    watchdog_wake.cancel();
    kick_writer();
  }

  void close_transport() noexcept {
    if (!transport_open) return;
    transport_open = false;
    io->close();
    write_wake.cancel();
    watchdog_wake.cancel();
  }

  void on_transport_closed(std::error_code ec) {
    const std::error_code why = sess.connection_error() ? sess.connection_error()
                                                        : std::error_code(errc::connection_closed);
    (void)ec;
    if (!failure) failure = why;
    sess.terminate(why, wire_no_error);
    dispatch();
    close_transport();
    wake_waiters();
  }

  asio::awaitable<void> read_loop();
  asio::awaitable<void> write_loop();
  asio::awaitable<void> watchdog();
  clock::time_point next_watch() const noexcept;
};

asio::awaitable<void> connection::state::read_loop() {
  const auto self = shared_from_this();
  std::vector<char> buffer(read_buffer_size);
  while (transport_open) {
    auto [ec, n] = co_await io->async_read_some(asio::buffer(buffer));
    if (ec) {
      on_transport_closed(ec);
      break;
    }
    last_read = clock::now();
    const auto error = sess.receive(std::span<const char>(buffer.data(), n));
    dispatch();
    if (error) {
      fail(error, wire_no_error);
      break;
    }
    kick_writer();
  }
}

asio::awaitable<void> connection::state::write_loop() {
  const auto self = shared_from_this();
  std::string out;
  while (transport_open) {
    out.clear();
    sess.take_output(out);
    dispatch();
    if (out.empty()) {
      if (!sess.alive() || failure) break;  // everything said: GOAWAY sent, streams over
      co_await wait_until(write_wake, clock::time_point::max());
      continue;
    }
    const auto ec = co_await io->async_write(asio::buffer(out));
    if (ec) {
      on_transport_closed(ec);
      break;
    }
  }
  if (!failure)
    failure = sess.connection_error() ? sess.connection_error() : errc::connection_closed;
  close_transport();
  dispatch();
  wake_waiters();
}

clock::time_point connection::state::next_watch() const noexcept {
  auto next = clock::time_point::max();
  if (!sess.settings_acknowledged()) next = settings_deadline;
  if (ping_outstanding) next = std::min(next, ping_deadline);
  if (!ping_outstanding && options.ping_interval.count() > 0) {
    next = std::min(next, last_read + options.ping_interval);
  }
  return next;
}

asio::awaitable<void> connection::state::watchdog() {
  const auto self = shared_from_this();
  while (transport_open && !failure) {
    co_await wait_until(watchdog_wake, next_watch());
    if (!transport_open || failure) break;
    const auto now = clock::now();
    if (!sess.settings_acknowledged() && now >= settings_deadline) {
      fail(errc::settings_timeout, wire_settings_timeout);
      break;
    }
    if (ping_outstanding && now >= ping_deadline) {
      fail(errc::ping_timeout, wire_no_error);
      break;
    }
    if (!ping_outstanding && options.ping_interval.count() > 0 &&
        now >= last_read + options.ping_interval) {
      sess.ping();
      ping_outstanding = true;
      ping_deadline = now + options.ping_timeout;
      kick_writer();
    }
  }
}

asio::awaitable<result<std::shared_ptr<connection>>> connection::async_start(
    std::unique_ptr<transport> t, connection_options options) {
  auto s = std::make_shared<state>(std::move(t), std::move(options));
  s->settings_deadline = clock::now() + s->options.settings_timeout;
  asio::co_spawn(s->executor, s->read_loop(), asio::detached);
  asio::co_spawn(s->executor, s->write_loop(), asio::detached);
  asio::co_spawn(s->executor, s->watchdog(), asio::detached);
  auto conn = std::make_shared<connection>(s);
  asio::steady_timer wake(s->executor);
  while (!s->sess.peer_settings_received() && !s->failure) {
    s->waiters.push_back(&wake);
    const bool woken = co_await wait_until(wake, s->settings_deadline);
    std::erase(s->waiters, &wake);
    if (!woken && !s->sess.peer_settings_received()) {
      s->fail(errc::preface_timeout, wire_settings_timeout);
    }
  }
  if (s->failure) {
    const auto ec = s->failure;
    conn->close();
    co_return ec;
  }
  co_return conn;
}

connection::connection(std::shared_ptr<state> s) noexcept : state_(std::move(s)) {}

connection::~connection() {
  close();
}

namespace {

request_head make_head(const http::request& req, const connection_options& o) {
  request_head head;
  head.method = std::string(req.method().name());
  head.scheme = o.scheme;
  head.authority = req.fields().find("host").value_or(o.authority);
  head.path = std::string(req.target());
  head.fields = req.fields();
  return head;
}

// Keeps the connection's view of a fetch right whatever way the fetch coroutine ends (a
// return, an exception, its frame destroyed): an unfinished stream is reset (CANCEL).
struct exchange_guard {
  connection::state& s;
  exchange& x;
  std::int32_t id = 0;
  asio::steady_timer* waiting = nullptr;
  exchange_guard(connection::state& st, exchange& ex) noexcept : s(st), x(ex) {}
  exchange_guard(const exchange_guard&) = delete;
  exchange_guard& operator=(const exchange_guard&) = delete;
  ~exchange_guard() {
    if (waiting != nullptr) std::erase(s.waiters, waiting);
    if (id == 0) return;
    s.exchanges.erase(id);
    if (!x.done) {
      s.sess.reset_stream(id, errc::cancelled, wire_cancel);
      s.kick_writer();
    }
  }
};

}  // namespace

asio::awaitable<result<http::response>> connection::async_fetch(http::request req,
                                                                fetch_options options) {
  collector c;
  const std::error_code ec = co_await async_fetch(std::move(req), options, c);
  if (ec) co_return ec;
  c.response.keep_alive = true;
  co_return std::move(c.response);
}

namespace {

// The earlier of the fetch's deadline and its handler's current bound.
response_handler::bound effective_bound(const fetch_options& options,
                                        const response_handler& handler) noexcept {
  response_handler::bound b = handler.current_bound();
  if (options.deadline < b.deadline) b = {options.deadline, errc::request_timeout};
  return b;
}

}  // namespace

asio::awaitable<std::error_code> connection::async_fetch(http::request req, fetch_options options,
                                                         response_handler& handler) {
  const auto s = state_;  // the state outlives this fetch even if the connection is dropped
  exchange x(s->executor, handler);
  x.max_body_bytes = options.max_body_bytes;
  exchange_guard guard{*s, x};
  auto head = make_head(req, s->options);

  // Wait for a free stream (RFC 9113 5.1.2), in the order the fetches came.
  while (s->accepting() && !s->has_free_stream()) {
    const auto bound = effective_bound(options, handler);
    s->waiters.push_back(&x.wake);
    guard.waiting = &x.wake;
    const bool woken = co_await wait_until(x.wake, bound.deadline);
    std::erase(s->waiters, &x.wake);
    guard.waiting = nullptr;
    const auto now_bound = effective_bound(options, handler);
    if (!woken && clock::now() >= now_bound.deadline) co_return now_bound.error;
  }
  // A request that never started can always go on a new connection.
  if (!s->accepting()) co_return errc::connection_closing;
  auto id = s->sess.submit_request(head, req.body());
  if (!id) co_return id.error();
  guard.id = *id;
  s->exchanges.emplace(*id, &x);
  s->peak = std::max(s->peak, s->sess.open_streams());
  s->kick_writer();
  handler.on_submitted();

  while (!x.done) {
    // The bound may have moved since the wait began (a head arrived): the timer then fires at
    // the old time and the wait starts again, without a timer system call per DATA frame.
    const auto bound = effective_bound(options, handler);
    const bool woken = co_await wait_until(x.wake, bound.deadline);
    const auto now_bound = effective_bound(options, handler);
    if (woken || x.done || clock::now() < now_bound.deadline) continue;
    // Only this stream ends; the connection's others go on (RFC 9113 8.7).
    s->exchanges.erase(*id);
    guard.id = 0;
    s->sess.reset_stream(*id, now_bound.error, wire_cancel);
    s->kick_writer();
    co_return now_bound.error;
  }
  co_return x.error;
}

asio::awaitable<void> connection::async_close(std::chrono::milliseconds limit) {
  const auto s = state_;
  if (s->transport_open && !s->failure) {
    s->sess.shutdown();
    s->kick_writer();
  }
  const auto deadline = clock::now() + limit;
  asio::steady_timer wake(s->executor);
  while (s->transport_open) {
    s->waiters.push_back(&wake);
    const bool woken = co_await wait_until(wake, deadline);
    std::erase(s->waiters, &wake);
    if (!woken) break;
  }
  close();
}

void connection::close() noexcept {
  auto& s = *state_;
  if (!s.transport_open) return;
  if (!s.failure) s.failure = errc::connection_closed;
  s.close_transport();
  s.sess.terminate(s.failure, wire_no_error);
  s.dispatch();
  s.wake_waiters();
}

bool connection::is_open() const noexcept {
  return state_->accepting();
}

std::error_code connection::error() const noexcept {
  return state_->failure;
}

std::size_t connection::active_streams() const noexcept {
  return state_->sess.open_streams();
}

std::uint32_t connection::max_concurrent_streams() const noexcept {
  return state_->sess.peer_max_concurrent_streams();
}

std::size_t connection::peak_streams() const noexcept {
  return state_->peak;
}

}  // namespace corofetch::http2
