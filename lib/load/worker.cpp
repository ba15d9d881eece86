// The hot loop of the load generator. Each connection is a coroutine that writes the requests
// it may send in one gathered write (already serialized bytes), reads what arrives into its own
// buffer and parses it in place; a response's latency is taken from one clock read per read.
// A per-thread watchdog ticks every 100 ms: timeouts, the end of the run, the thread's rate
// sample. In steady state nothing is allocated (Asio recycles its operation and coroutine
// frames; buffers, parser and rings are reused) and nothing else touches a timer.

#include "load/worker.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace corofetch::load::detail {
namespace {

constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();
constexpr auto tick_period = std::chrono::milliseconds(100);

std::uint64_t micros(clock::duration d) noexcept {
  return d.count() <= 0 ? 0
                        : static_cast<std::uint64_t>(
                              std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

}  // namespace

connection::connection(asio::io_context& io, std::size_t pipeline, char* read_buffer)
    : in(read_buffer), flights(pipeline), timer(io) {
  gather.reserve(pipeline);
}

worker::worker(const plan& p, run_control& control, std::size_t index, std::size_t first,
               std::size_t count, std::uint64_t budget)
    : plan_(p),
      control_(control),
      index_(index),
      first_(first),
      budget_(budget == 0 ? unlimited : budget),
      shared_in_(std::make_unique_for_overwrite<char[]>(shared_read_size)),
      tick_(io_) {
  const bool tls =
      std::any_of(p.origins.begin(), p.origins.end(), [](const origin& o) { return o.tls; });
  if (tls) buffers_ = std::make_unique_for_overwrite<char[]>(count * read_buffer_size);
  connections_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    char* buffer = tls ? &buffers_[i * read_buffer_size] : nullptr;
    auto c = std::make_unique<connection>(io_, p.opts.pipeline, buffer);
    c->origin = (first + i) % p.origins.size();
    connections_.push_back(std::move(c));
  }
}

void worker::run() {
  next_boundary_ = control_.measure_start + control_.interval_length;
  last_sample_ = control_.measure_start;
  active_ = connections_.size();
  for (std::size_t i = 0; i < connections_.size(); ++i) {
    connection& c = *connections_[i];
    asio::co_spawn(io_, drive(c, first_ + i), asio::detached);
  }
  asio::co_spawn(io_, watchdog(), asio::detached);
  io_.run();
  finish_stats(std::min(clock::now(), control_.end));
}

// Opens the connection, runs exchanges until it fails or the run ends, and opens it again:
// after a clean close at once, after a failed connect with a backoff from 10 ms to 1 s.
asio::awaitable<void> worker::drive(connection& c, std::size_t global_index) {
  auto backoff = std::chrono::milliseconds(10);
  bool first = true;
  while (!stopping_) {
    const auto attempt = clock::now();
    const std::error_code ec = co_await open(c, attempt);
    if (stopping_) break;
    if (ec) {
      const error_kind kind = c.handshaking ? error_kind::tls : error_kind::connect;
      count_error(kind, attempt, clock::now());
      c.stream.close();
      c.timer.expires_after(backoff);
      co_await c.timer.async_wait(use_tuple);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
      continue;
    }
    backoff = std::chrono::milliseconds(10);
    if (first && plan_.opts.rate > 0) {
      // wrk2: each connection's schedule starts when it is first connected.
      c.plan =
          connection_schedule(clock::now(), plan_.opts.rate, global_index, plan_.opts.connections);
      c.scheduled = true;
    }
    first = false;
    co_await exchange(c);
    c.stream.close();
    if (budget_ == 0 && c.count == 0) break;
  }
  stats_.in_flight_at_end += c.count;
  c.count = 0;
  if (--active_ == 0) tick_.cancel();
}

// Connects to the origin's addresses in turn, then runs the TLS handshake. The socket is the
// connection's from the start, so that the watchdog (connect timeout) and the end of the run
// stop a connect by closing it: a connect allocates nothing that outlives it, and thousands
// of connections opened at once leave no holes in the heap.
asio::awaitable<std::error_code> worker::open(connection& c, clock::time_point started) {
  const origin& o = plan_.origins[c.origin];
  c.handshaking = false;
  c.timed_out = false;
  c.connect_started = started;
  c.connecting = true;
  std::error_code ec = asio::error::host_not_found;
  for (const auto& endpoint : o.endpoints) {
    asio::ip::tcp::socket socket(io_);
    if (o.tls) {
      c.stream = net::stream(std::move(socket), *plan_.tls);
    } else {
      c.stream = net::stream(std::move(socket));
    }
    auto [cec] = co_await c.stream.socket().async_connect(endpoint, use_tuple);
    ec = cec;
    if (!ec || stopping_ || c.timed_out) break;
  }
  c.connecting = false;
  if (ec) co_return ec;
  ++stats_.connects;
  c.parser.reset(http::method::get);
  c.next_response = true;
  auto& socket = c.stream.socket();
  socket.set_option(asio::ip::tcp::no_delay(true), ec);  // requests are whole messages
  if (!o.tls) {
    if (!ec) socket.non_blocking(true, ec);  // read_some() must not block (see exchange)
    co_return ec;
  }
  c.handshaking = true;
  ec = co_await c.stream.async_handshake(o.host, plan_.opts.connect_timeout);
  c.handshaking = ec.operator bool();
  co_return ec;
}

// How many requests may go now: room in the pipeline, the schedule's due ones (open loop),
// what is left of the request count.
std::size_t worker::sendable(const connection& c, clock::time_point now) const noexcept {
  // Pipelined, the closed loop refills once half the requests are answered: a write of many
  // requests at once, rather than one small write per response read.
  if (!c.scheduled && c.count > plan_.opts.pipeline / 2) return 0;
  std::uint64_t n = plan_.opts.pipeline - c.count;
  if (c.scheduled) n = std::min<std::uint64_t>(n, c.plan.due(now));
  n = std::min(n, budget_);
  return static_cast<std::size_t>(n);
}

// Writes the flights kept from a closed connection, or the next requests, in one write.
asio::awaitable<bool> worker::send(connection& c, clock::time_point now) {
  const std::size_t ring = c.flights.size();
  c.gather.clear();
  if (c.resend) {
    for (std::size_t i = 0; i < c.count; ++i) {
      flight& f = c.flights[(c.head + i) % ring];
      f.sent = now;
      c.gather.emplace_back(asio::buffer(plan_.targets[f.target].bytes));
    }
    c.resend = false;
  } else {
    const std::size_t n = sendable(c, now);
    const auto& targets = plan_.origins[c.origin].targets;
    for (std::size_t i = 0; i < n; ++i) {
      flight& f = c.flights[(c.head + c.count) % ring];
      f.target = targets[c.next_target];
      c.next_target = c.next_target + 1 == targets.size() ? 0 : c.next_target + 1;
      f.sent = now;
      f.intended = c.scheduled ? c.plan.take() : now;
      if (c.scheduled) {
        stats_.max_schedule_lag = std::max(stats_.max_schedule_lag, now - f.intended);
      }
      ++c.count;
      if (budget_ != unlimited) --budget_;
      c.gather.emplace_back(asio::buffer(plan_.targets[f.target].bytes));
    }
  }
  if (c.gather.empty()) co_return true;
  std::error_code ec;
  std::size_t written = 0;
  if (c.stream.is_tls()) {
    auto r = co_await c.stream.async_write(std::span<const asio::const_buffer>(c.gather));
    ec = r.error;
    written = r.bytes;
  } else {
    // A span, not the vector: the write operation keeps a copy of its buffer sequence.
    const std::span<const asio::const_buffer> buffers(c.gather);
    auto [wec, n] = co_await asio::async_write(c.stream.socket(), buffers, use_tuple);
    ec = wec;
    written = n;
  }
  if (now >= control_.measure_start) stats_.bytes_written += written;
  if (!ec) co_return true;
  fail_in_flight(c, c.timed_out ? error_kind::timeout : error_kind::write, clock::now());
  co_return false;
}

// Exchanges on an open connection until it fails, the server closes it, or the run ends.
asio::awaitable<void> worker::exchange(connection& c) {
  for (;;) {
    if (stopping_) co_return;
    const auto now = clock::now();
    if (now >= control_.end) {  // the duration is over: nothing more is sent
      begin_stop();
      co_return;
    }
    const bool sent = co_await send(c, now);
    if (!sent || stopping_) co_return;
    if (c.count == 0) {
      if (budget_ == 0 || !c.scheduled) co_return;  // the request count is done
      c.timer.expires_at(c.plan.next());
      co_await c.timer.async_wait(use_tuple);
      continue;
    }
    std::error_code ec;
    std::size_t n = 0;
    char* into = c.in;
    if (c.stream.is_tls()) {
      auto r = co_await c.stream.async_read_some(asio::mutable_buffer(into, read_buffer_size));
      ec = r.error;
      n = r.bytes;
    } else {
      // Read first, then wait for readiness and read again: every plain connection of the
      // thread reads into the one shared buffer (parsed before anything else runs), so an idle
      // connection holds no buffer of its own. Reading before waiting also catches a response
      // whose edge-triggered readiness came before this wait began.
      into = shared_in_.get();
      auto& socket = c.stream.socket();
      for (;;) {
        n = socket.read_some(asio::mutable_buffer(into, shared_read_size), ec);
        if (ec != asio::error::would_block) break;
        auto [wec] = co_await socket.async_wait(asio::ip::tcp::socket::wait_read, use_tuple);
        if (wec) {
          ec = wec;
          break;
        }
      }
    }
    const auto arrived = clock::now();
    if (stopping_) co_return;
    if (ec) {
      if (ec == asio::error::eof && finish_at_close(c, arrived)) co_return;
      fail_in_flight(c, c.timed_out ? error_kind::timeout : error_kind::read, arrived);
      co_return;
    }
    if (arrived >= control_.measure_start && arrived < control_.end) stats_.bytes_read += n;
    if (!take_responses(c, std::string_view(into, n), arrived)) co_return;
  }
}

// Parses what arrived; false when the connection must be closed (an error, or a response
// that ended it: the flights still waiting are then sent again on a new connection).
bool worker::take_responses(connection& c, std::string_view data, clock::time_point now) {
  while (!data.empty()) {
    if (c.count == 0) {  // bytes nobody asked for
      fail_in_flight(c, error_kind::protocol, now);
      return false;
    }
    if (c.next_response) {
      c.parser.expect(plan_.targets[c.flights[c.head].target].method);
      c.next_response = false;
    }
    auto used = c.parser.parse(data);
    if (!used) {
      fail_in_flight(c, error_kind::protocol, now);
      return false;
    }
    data.remove_prefix(*used);
    if (!c.parser.complete()) continue;
    const bool keep_alive = c.parser.keep_alive();
    complete(c, c.parser.head().status, now);
    c.next_response = true;
    if (!keep_alive) {
      c.resend = c.count > 0;
      return false;
    }
  }
  return true;
}

// RFC 9112 6.3: a response without a length ends when the server closes the connection.
// Then the requests still waiting are sent again on a new connection.
bool worker::finish_at_close(connection& c, clock::time_point now) {
  if (c.next_response || c.parser.finish() || !c.parser.complete()) return false;
  complete(c, c.parser.head().status, now);
  c.next_response = true;
  c.resend = c.count > 0;
  return true;
}

void worker::complete(connection& c, int status, clock::time_point now) {
  const flight f = c.flights[c.head];
  c.head = c.head + 1 == c.flights.size() ? 0 : c.head + 1;
  --c.count;
  ++responses_;
  live_responses.store(responses_, std::memory_order_relaxed);
  if (now < control_.measure_start) {
    ++stats_.warmup_requests;
    return;
  }
  if (now >= control_.end) {  // answered after the end: still in flight when the run ended
    ++stats_.in_flight_at_end;
    return;
  }
  if (now >= next_boundary_) rotate_intervals(now);
  const std::uint64_t corrected = micros(now - f.intended);
  const std::uint64_t uncorrected = micros(now - f.sent);
  stats_.latency.record(corrected);
  stats_.uncorrected_latency.record(uncorrected);
  interval_.latency.record(corrected);
  interval_.uncorrected_latency.record(uncorrected);
  ++interval_.requests;
  if (status >= 100 && status < 600) {
    ++status_counts_[static_cast<std::size_t>(status)];
    stats_.latency_by_class[static_cast<std::size_t>(status / 100 - 1)].record(corrected);
  } else {
    ++stats_.status[status];
  }
  ++stats_.requests;
}

void worker::fail_in_flight(connection& c, error_kind kind, clock::time_point now) {
  for (std::size_t i = 0; i < c.count; ++i) {
    count_error(kind, c.flights[(c.head + i) % c.flights.size()].intended, now);
  }
  if (c.count == 0 && kind != error_kind::read) count_error(kind, now, now);
  c.count = 0;
  c.head = 0;
  c.resend = false;
}

void worker::count_error(error_kind kind, clock::time_point since, clock::time_point now) {
  ++errors_;
  live_errors.store(errors_, std::memory_order_relaxed);
  if (now < control_.measure_start || now >= control_.end) return;
  if (now >= next_boundary_) rotate_intervals(now);
  const auto k = static_cast<std::size_t>(kind);
  ++stats_.errors[k];
  stats_.latency_by_error[k].record(micros(now - since));
  ++interval_.errors;
}

// Hands every interval that ended by `now` to the run, empty ones included (a frozen server
// still makes seconds pass).
void worker::rotate_intervals(clock::time_point now) {
  while (now >= next_boundary_) {
    control_.contribute(index_, interval_index_, interval_, next_boundary_);
    interval_.latency.reset();
    interval_.uncorrected_latency.reset();
    interval_.requests = 0;
    interval_.errors = 0;
    ++interval_index_;
    next_boundary_ += control_.interval_length;
  }
}

asio::awaitable<void> worker::watchdog() {
  while (active_ > 0) {
    tick_.expires_after(tick_period);
    co_await tick_.async_wait(use_tuple);
    const auto now = clock::now();
    if (!stopping_ && (now >= control_.end || control_.stop_requested.load())) begin_stop();
    if (stopping_) continue;
    check_timeouts(now);
    sample_rate(now);
    if (now >= next_boundary_) rotate_intervals(now);
  }
}

// A request older than the timeout: its connection is closed, which ends the pending read or
// write with operation_aborted; exchange() then counts every flight as a timeout.
void worker::check_timeouts(clock::time_point now) {
  for (auto& c : connections_) {
    if (c->connecting && now - c->connect_started >= plan_.opts.connect_timeout) {
      c->timed_out = true;
      c->stream.close();
      continue;
    }
    if (c->count == 0 || c->timed_out || c->resend) continue;
    if (now - c->flights[c->head].sent < plan_.opts.timeout) continue;
    c->timed_out = true;
    c->stream.close();
  }
}

// wrk's Req/Sec: this thread's rate over each 100 ms of the statistics.
void worker::sample_rate(clock::time_point now) {
  if (now < control_.measure_start) return;
  const auto elapsed = now - last_sample_;
  if (elapsed < tick_period) return;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const double rate = static_cast<double>(stats_.requests - requests_at_sample_) / seconds;
  stats_.thread_rate.record(static_cast<std::uint64_t>(std::llround(rate)));
  requests_at_sample_ = stats_.requests;
  last_sample_ = now;
}

void worker::begin_stop() {
  stopping_ = true;
  for (auto& c : connections_) {
    c->stream.close();
    c->timer.cancel();
  }
}

void worker::finish_stats(clock::time_point now) {
  if (now >= control_.measure_start) {
    rotate_intervals(now);
    // The last interval, cut short by the end of the run (none when it ended on a boundary).
    if (now > next_boundary_ - control_.interval_length) {
      control_.contribute(index_, interval_index_, interval_, now);
    }
  }
  control_.finish(index_);
  for (std::size_t s = 0; s < status_counts_.size(); ++s) {
    if (status_counts_[s] != 0) stats_.status[static_cast<int>(s)] += status_counts_[s];
  }
}

}  // namespace corofetch::load::detail
