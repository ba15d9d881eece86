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
#include <array>
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
    if (c.h2) {
      co_await exchange_h2(c);
    } else {
      co_await exchange(c);
    }
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
  c.h2.reset();
  c.streams = 0;
  auto& socket = c.stream.socket();
  socket.set_option(asio::ip::tcp::no_delay(true), ec);  // requests are whole messages
  if (!o.tls) {
    if (!ec) socket.non_blocking(true, ec);  // read_some() must not block (see read)
    if (!ec && plan_.opts.http_version == client::http_version_choice::http2_prior_knowledge) {
      start_h2(c);
    }
    co_return ec;
  }
  c.handshaking = true;
  ec = co_await c.stream.async_handshake(o.host, plan_.opts.connect_timeout);
  c.handshaking = ec.operator bool();
  if (!ec && c.stream.alpn_protocol() == "h2") start_h2(c);
  co_return ec;
}

// The client connection preface (RFC 9113 3.4) is queued here and leaves with the first
// requests, in one write.
void worker::start_h2(connection& c) {
  http2::session_settings settings;
  settings.deliver_content = false;  // statuses and byte counts are all a load run keeps
  c.h2 = std::make_unique<http2::session>(settings);
  ++stats_.http2_connects;
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
  // A span, not the vector: the write operation keeps a copy of its buffer sequence.
  const std::span<const asio::const_buffer> buffers(c.gather);
  const std::error_code ec = co_await write(c, buffers, now);
  if (!ec) co_return true;
  fail_in_flight(c, c.timed_out ? error_kind::timeout : error_kind::write, clock::now());
  co_return false;
}

asio::awaitable<std::error_code> worker::write(connection& c,
                                               std::span<const asio::const_buffer> buffers,
                                               clock::time_point now) {
  std::error_code ec;
  std::size_t written = 0;
  if (c.stream.is_tls()) {
    auto r = co_await c.stream.async_write(buffers);
    ec = r.error;
    written = r.bytes;
  } else {
    auto [wec, n] = co_await asio::async_write(c.stream.socket(), buffers, use_tuple);
    ec = wec;
    written = n;
  }
  if (now >= control_.measure_start) stats_.bytes_written += written;
  co_return ec;
}

// Reads what the server sent. A TLS connection reads into its own buffer. Plain connections
// read first, then wait for readiness and read again: every plain connection of the thread
// reads into the one shared buffer (parsed before anything else runs), so an idle connection
// holds no buffer of its own. Reading before waiting also catches a response whose
// edge-triggered readiness came before this wait began.
asio::awaitable<worker::received> worker::read(connection& c) {
  received r;
  if (c.stream.is_tls()) {
    auto got = co_await c.stream.async_read_some(asio::mutable_buffer(c.in, read_buffer_size));
    r.error = got.error;
    r.data = std::string_view(c.in, got.bytes);
    co_return r;
  }
  char* into = shared_in_.get();
  auto& socket = c.stream.socket();
  std::size_t n = 0;
  for (;;) {
    n = socket.read_some(asio::mutable_buffer(into, shared_read_size), r.error);
    if (r.error != asio::error::would_block) break;
    auto [wec] = co_await socket.async_wait(asio::ip::tcp::socket::wait_read, use_tuple);
    if (wec) {
      r.error = wec;
      break;
    }
  }
  r.data = std::string_view(into, r.error ? 0 : n);
  co_return r;
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
    const received r = co_await read(c);
    const auto arrived = clock::now();
    if (stopping_) co_return;
    if (r.error) {
      if (r.error == asio::error::eof && finish_at_close(c, arrived)) co_return;
      fail_in_flight(c, c.timed_out ? error_kind::timeout : error_kind::read, arrived);
      co_return;
    }
    if (arrived >= control_.measure_start && arrived < control_.end) {
      stats_.bytes_read += r.data.size();
    }
    if (!take_responses(c, r.data, arrived)) co_return;
  }
}

// HTTP/2 (RFC 9113): up to `pipeline` streams at once on the connection, each answered in
// any order. Every pass submits what may go (the unprocessed streams of a GOAWAY first, on
// the next connection), writes the session's frames in one write, reads, and takes the
// session's events. A GOAWAY drains the connection; it is then opened again.
asio::awaitable<void> worker::exchange_h2(connection& c) {
  http2::session& session = *c.h2;
  for (;;) {
    if (stopping_) co_return;
    const auto now = clock::now();
    if (now >= control_.end) {  // the duration is over: nothing more is sent
      begin_stop();
      co_return;
    }
    submit_h2(c, now);
    c.h2_out.clear();
    session.take_output(c.h2_out);
    if (!c.h2_out.empty()) {
      const std::array<asio::const_buffer, 1> frames{asio::buffer(c.h2_out)};
      const std::error_code ec = co_await write(c, frames, now);
      if (ec) {
        fail_in_flight(c, c.timed_out ? error_kind::timeout : error_kind::write, clock::now());
        co_return;
      }
      if (stopping_) co_return;
    }
    if (c.streams == 0) {
      // Waiting for nothing: the connection is going away (its unsent flights go on the
      // next), the request count is done, or the schedule has nothing due yet.
      if (session.going_away() || budget_ == 0 || !c.scheduled) co_return;
      if (c.count == 0) {
        c.timer.expires_at(c.plan.next());
        co_await c.timer.async_wait(use_tuple);
      }
      continue;
    }
    const received r = co_await read(c);
    const auto arrived = clock::now();
    if (stopping_) co_return;
    if (r.error) {
      fail_in_flight(c, c.timed_out ? error_kind::timeout : error_kind::read, arrived);
      co_return;
    }
    if (arrived >= control_.measure_start && arrived < control_.end) {
      stats_.bytes_read += r.data.size();
    }
    const std::error_code broken = session.receive(r.data);
    take_events(c, arrived);  // a broken connection's streams are reset: errors, counted
    if (broken) {
      fail_in_flight(c, error_kind::protocol, arrived);
      co_return;
    }
  }
}

// Opens streams for the flights the last connection's GOAWAY left unprocessed, then for new
// requests: up to `pipeline` at once, and never more than the server allows.
void worker::submit_h2(connection& c, clock::time_point now) {
  http2::session& session = *c.h2;
  if (session.going_away()) return;
  const std::size_t limit =
      std::min<std::size_t>(plan_.opts.pipeline, session.peer_max_concurrent_streams());
  const auto open_stream = [&](flight& f) {
    const prepared_target& t = plan_.targets[f.target];
    auto id = session.submit_request(t.h2_head, t.body);
    if (!id) return false;  // the session is closing: the flight waits for the next one
    f.stream_id = *id;
    f.status = 0;
    f.sent = now;
    ++c.streams;
    return true;
  };
  if (c.count > c.streams) {
    for (flight& f : c.flights) {
      if (f.stream_id != unsent) continue;
      if (c.streams >= limit || !open_stream(f)) return;
    }
  }
  if (c.streams >= limit) return;
  std::uint64_t n = limit - c.streams;
  if (c.scheduled) n = std::min<std::uint64_t>(n, c.plan.due(now));
  n = std::min(n, budget_);
  const auto& targets = plan_.origins[c.origin].targets;
  for (flight& f : c.flights) {
    if (n == 0) break;
    if (f.stream_id != 0) continue;
    f.target = targets[c.next_target];
    f.intended = c.scheduled ? c.plan.take() : now;
    if (c.scheduled) stats_.max_schedule_lag = std::max(stats_.max_schedule_lag, now - f.intended);
    c.next_target = c.next_target + 1 == targets.size() ? 0 : c.next_target + 1;
    ++c.count;
    --n;
    if (budget_ != unlimited) --budget_;
    if (!open_stream(f)) {
      f.stream_id = unsent;
      return;
    }
  }
}

flight* worker::find_stream(connection& c, std::int32_t id) noexcept {
  for (flight& f : c.flights) {
    if (f.stream_id == id) return &f;
  }
  return nullptr;
}

void worker::end_flight(connection& c, flight& f, int status, clock::time_point now) {
  const flight ended = f;
  f.stream_id = 0;
  --c.streams;
  --c.count;
  if (status != 0) {
    record(ended, status, now);
  } else {
    count_error(error_kind::protocol, ended.intended, now);
  }
}

// What the session reports: a stream's status, its end (a response), or its reset (an error,
// unless the server did not process it: then it is sent again, RFC 9113 8.7).
void worker::take_events(connection& c, clock::time_point now) {
  using kind = http2::event::kind;
  while (auto e = c.h2->next_event()) {
    if (e->type != kind::response_head && e->type != kind::stream_end &&
        e->type != kind::stream_reset) {
      continue;
    }
    flight* f = find_stream(c, e->stream_id);
    if (f == nullptr) continue;
    if (e->type == kind::response_head) {
      f->status = e->status;
    } else if (e->type == kind::stream_end) {
      end_flight(c, *f, f->status, now);
    } else if (http2::is_retryable(e->error)) {
      f->stream_id = unsent;
      --c.streams;
    } else {
      end_flight(c, *f, 0, now);
    }
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
  record(f, status, now);
}

// A response has ended: into the statistics of the run, or of the warm-up.
void worker::record(const flight& f, int status, clock::time_point now) {
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
  if (c.h2) {
    for (flight& f : c.flights) {
      if (f.stream_id == 0) continue;
      count_error(kind, f.intended, now);
      f.stream_id = 0;
    }
    c.streams = 0;
  } else {
    for (std::size_t i = 0; i < c.count; ++i) {
      count_error(kind, c.flights[(c.head + i) % c.flights.size()].intended, now);
    }
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
    if (now - oldest_sent(*c) < plan_.opts.timeout) continue;
    c->timed_out = true;
    c->stream.close();
  }
}

// When the oldest request still waiting for its answer was written.
clock::time_point worker::oldest_sent(const connection& c) noexcept {
  if (!c.h2) return c.flights[c.head].sent;
  auto oldest = clock::time_point::max();
  for (const flight& f : c.flights) {
    if (f.stream_id > 0) oldest = std::min(oldest, f.sent);
  }
  return oldest;
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
