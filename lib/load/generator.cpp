// A load run: the plan built once (targets serialized, hosts resolved, each origin reached
// once), then one worker thread per event loop, and the intervals they report handed to the
// caller in order.

#include <corofetch/dns/resolver.hpp>
#include <corofetch/http/request.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/http2/session.hpp>
#include <corofetch/load/error.hpp>
#include <corofetch/load/generator.hpp>
#include <corofetch/net/connect.hpp>
#include <corofetch/url/url.hpp>

#include "load/worker.hpp"

#include <fmt/format.h>
#include <asio/co_spawn.hpp>
#include <asio/use_future.hpp>

#include <cmath>
#include <mutex>
#include <thread>

namespace corofetch::load {

std::string_view to_string(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::connect:
      return "connect";
    case error_kind::tls:
      return "tls";
    case error_kind::read:
      return "read";
    case error_kind::write:
      return "write";
    case error_kind::timeout:
      return "timeout";
    case error_kind::protocol:
      return "protocol";
  }
  return "unknown";
}

stats::stats() = default;

void stats::add(const stats& other) {
  requests += other.requests;
  bytes_read += other.bytes_read;
  bytes_written += other.bytes_written;
  // Every histogram of a run has the default layout: adding cannot fail.
  (void)latency.add(other.latency);
  (void)uncorrected_latency.add(other.uncorrected_latency);
  for (std::size_t i = 0; i < latency_by_class.size(); ++i) {
    (void)latency_by_class[i].add(other.latency_by_class[i]);
  }
  for (std::size_t i = 0; i < error_kinds; ++i) {
    (void)latency_by_error[i].add(other.latency_by_error[i]);
    errors[i] += other.errors[i];
  }
  for (const auto& [code, n] : other.status) status[code] += n;
  (void)thread_rate.add(other.thread_rate);
  connects += other.connects;
  http2_connects += other.http2_connects;
  max_schedule_lag = std::max(max_schedule_lag, other.max_schedule_lag);
  in_flight_at_end += other.in_flight_at_end;
  warmup_requests += other.warmup_requests;
}

namespace detail {

run_control::run_control(std::size_t threads, clock::time_point s, const options& opts,
                         std::chrono::nanoseconds length, const std::atomic<bool>& stop)
    : start(s),
      measure_start(s + opts.warmup),
      end(opts.duration.count() > 0 ? measure_start + opts.duration : clock::time_point::max()),
      interval_length(length),
      stop_requested(stop),
      next_index_(threads, 0),
      finished_(threads, false),
      running_(threads) {}

void run_control::contribute(std::size_t thread, std::uint64_t index, const interval& part,
                             clock::time_point until) {
  {
    const std::lock_guard lock(mutex_);
    while (first_index_ + pending_.size() <= index) {
      pending p;
      p.data.start = interval_length * static_cast<std::int64_t>(first_index_ + pending_.size());
      pending_.push_back(std::move(p));
    }
    pending& p = pending_[index - first_index_];
    // Every histogram of a run has the default layout: adding cannot fail.
    (void)p.data.latency.add(part.latency);
    (void)p.data.uncorrected_latency.add(part.uncorrected_latency);
    p.data.requests += part.requests;
    p.data.errors += part.errors;
    p.until = std::max(p.until, until);
    next_index_[thread] = index + 1;
  }
  changed_.notify_one();
}

void run_control::finish(std::size_t thread) {
  {
    const std::lock_guard lock(mutex_);
    finished_[thread] = true;
    --running_;
  }
  changed_.notify_one();
}

bool run_control::front_complete() const {
  if (pending_.empty()) return false;
  for (std::size_t t = 0; t < next_index_.size(); ++t) {
    if (!finished_[t] && next_index_[t] <= first_index_) return false;
  }
  return true;
}

bool run_control::take_complete(std::vector<interval>& out, std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, wait, [&] { return front_complete() || running_ == 0; });
  while (front_complete()) {
    pending& p = pending_.front();
    p.data.length = std::min<std::chrono::nanoseconds>(interval_length,
                                                       p.until - (measure_start + p.data.start));
    out.push_back(std::move(p.data));
    pending_.pop_front();
    ++first_index_;
  }
  return running_ > 0 || !pending_.empty();
}

}  // namespace detail

class generator::impl {
 public:
  detail::plan plan;
  std::unique_ptr<detail::run_control> control;
  std::atomic<bool> stop_requested{false};
  mutable std::mutex workers_mutex;  // run() adds workers while responses_so_far() reads them
  std::vector<std::unique_ptr<detail::worker>> workers;
};

namespace {

std::error_code fail(std::string* detail, std::error_code ec, std::string why) {
  if (detail != nullptr) *detail = std::move(why);
  return ec;
}

std::error_code check(const options& o, std::string* detail) {
  const auto bad = [&](std::string why) {
    return fail(detail, errc::invalid_options, std::move(why));
  };
  if (o.connections == 0) return bad("at least one connection is needed");
  if (o.threads == 0) return bad("at least one thread is needed");
  if (o.threads > o.connections) {
    return bad(fmt::format("{} threads for {} connections: a thread needs a connection", o.threads,
                           o.connections));
  }
  if (!(o.rate >= 0) || std::isinf(o.rate)) return bad("the rate must be a finite number >= 0");
  if (o.pipeline == 0 || o.pipeline > 1024) return bad("pipeline depth must be 1 to 1024");
  if (o.duration.count() <= 0 && o.requests == 0) return bad("neither a duration nor a count");
  if (o.timeout.count() <= 0) return bad("the timeout must be positive");
  return {};
}

// The request as HTTP/2 sends it (RFC 9113 8.3.1): the serializer's default fields made
// explicit, Host as :authority. Submitted once to a session that is thrown away, so that a
// field HTTP/2 refuses is an error here rather than in every stream of the run.
std::error_code prepare_h2(const http::request& req, const http::serialize_options& so, bool tls,
                           detail::prepared_target& out) {
  http2::request_head& head = out.h2_head;
  head.method = std::string(req.method().name());
  head.scheme = tls ? "https" : "http";
  head.path = std::string(req.target());
  head.fields = req.fields();
  http::for_each_default_field(
      req.fields(), so, [&head](std::string_view n, std::string_view v) { head.fields.add(n, v); });
  http2::session check;
  auto submitted = check.submit_request(head, out.body);
  return submitted ? std::error_code{} : submitted.error();
}

// Serializes `t` once, and finds (or adds) its origin.
std::error_code prepare(const target& t, const options& o, detail::plan& p, std::string* detail) {
  auto u = url::parse(t.url);
  if (!u) return fail(detail, u.error(), fmt::format("{}: {}", t.url, u.error().message()));
  auto m = http::method::parse(t.method);
  if (!m) return fail(detail, m.error(), fmt::format("\"{}\" is not a method", t.method));
  auto req = http::make_request(*m, *u);
  if (!req) return fail(detail, req.error(), fmt::format("{}: {}", t.url, req.error().message()));
  for (const auto& [name, value] : t.headers) req->fields().set(name, value);
  req->set_body(t.body);
  http::serialize_options so;
  so.user_agent = o.user_agent;
  so.accept_any = false;
  so.accept_encoding = false;
  detail::prepared_target prepared{{}, *m, {}, t.body};
  if (auto ec = http::serialize_to(*req, prepared.bytes, so); ec) {
    return fail(detail, ec, fmt::format("{} {}: {}", t.method, t.url, ec.message()));
  }
  const bool tls = u->scheme() == "https";
  if (o.http_version != client::http_version_choice::http1_1) {
    if (auto ec = prepare_h2(*req, so, tls, prepared); ec) {
      return fail(detail, ec, fmt::format("{} {}: {}", t.method, t.url, ec.message()));
    }
  }
  const std::string host(u->hostname());
  const auto port = u->effective_port().value_or(tls ? 443 : 80);
  auto it = std::find_if(p.origins.begin(), p.origins.end(), [&](const detail::origin& x) {
    return x.tls == tls && x.host == host && x.port == port;
  });
  if (it == p.origins.end()) {
    it = p.origins.insert(p.origins.end(), detail::origin{host, port, tls, {}, {}});
  }
  it->targets.push_back(static_cast<std::uint32_t>(p.targets.size()));
  p.targets.push_back(std::move(prepared));
  return {};
}

// Resolves each origin and connects to it once, before anything is measured.
asio::awaitable<std::error_code> reach(detail::plan& p, std::string* detail) {
  dns::resolver_options ro;
  ro.servers = p.opts.dns_servers;
  dns::resolver resolver(co_await asio::this_coro::executor, ro);
  for (auto& o : p.origins) {
    auto fixed = client::override_endpoints(p.opts.resolve_overrides, o.host, o.port);
    if (!fixed) co_return fail(detail, fixed.error(), fmt::format("--resolve for {}", o.host));
    if (fixed->empty()) {
      auto found = co_await resolver.async_resolve(o.host, o.port);
      if (!found)
        co_return fail(detail, found.error(),
                       fmt::format("{}: {}", o.host, found.error().message()));
      for (const auto& r : *found) fixed->push_back(r.endpoint);
    }
    o.endpoints = std::move(*fixed);
    net::connect_options co;
    co.timeout = p.opts.connect_timeout;
    auto socket = co_await net::async_connect(co_await asio::this_coro::executor, o.endpoints, co);
    const std::string where = fmt::format("{}:{}", o.host, o.port);
    if (!socket)
      co_return fail(detail, socket.error(),
                     fmt::format("{}: {}", where, socket.error().message()));
    if (!o.tls) continue;
    net::stream s(std::move(*socket), *p.tls);
    const std::error_code ec = co_await s.async_handshake(o.host, p.opts.connect_timeout);
    // With prior knowledge, h2 is the only protocol offered (as h2load does): a server
    // without it refuses the handshake (RFC 7301 3.2) or picks none.
    const bool h2_only = p.opts.http_version == client::http_version_choice::http2_prior_knowledge;
    if (ec) {
      std::string why = fmt::format("{}: {} {}", where, ec.message(), s.tls_error_detail());
      if (h2_only && s.tls_error_detail().find("no application protocol") != std::string::npos) {
        why += " (the server did not agree to h2 through ALPN)";
      }
      co_return fail(detail, ec, std::move(why));
    }
    if (h2_only && s.alpn_protocol() != "h2") {
      co_return fail(detail, http2::errc::not_http2,
                     fmt::format("{}: the server did not agree to h2 through ALPN", where));
    }
  }
  co_return std::error_code{};
}

}  // namespace

result<std::unique_ptr<generator>> generator::create(const options& opts,
                                                     const std::vector<target>& targets,
                                                     std::string* detail) {
  if (auto ec = check(opts, detail); ec) return ec;
  if (targets.empty()) return fail(detail, errc::invalid_targets, "no target");
  auto i = std::make_unique<impl>();
  i->plan.opts = opts;
  for (const auto& t : targets) {
    if (auto ec = prepare(t, opts, i->plan, detail); ec) return ec;
  }
  if (i->plan.origins.size() > opts.connections) {
    return fail(detail, errc::invalid_options,
                fmt::format("{} origins need at least as many connections (have {})",
                            i->plan.origins.size(), opts.connections));
  }
  const bool any_tls = std::any_of(i->plan.origins.begin(), i->plan.origins.end(),
                                   [](const detail::origin& o) { return o.tls; });
  if (any_tls) {
    std::string why;
    net::tls_options tls = opts.tls;
    if (opts.http_version == client::http_version_choice::negotiate) {
      tls.alpn = {"h2", "http/1.1"};
    } else if (opts.http_version == client::http_version_choice::http2_prior_knowledge) {
      tls.alpn = {"h2"};
    }
    auto ctx = net::tls_context::create(tls, &why);
    if (!ctx) return fail(detail, ctx.error(), why);
    i->plan.tls = std::move(*ctx);
  }
  asio::io_context io(1);
  auto reached = asio::co_spawn(io, reach(i->plan, detail), asio::use_future);
  io.run();
  if (auto ec = reached.get(); ec) return ec;
  return std::unique_ptr<generator>(new generator(std::move(i)));
}

generator::generator(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
generator::~generator() = default;

void generator::stop() noexcept {
  impl_->stop_requested.store(true);
}

std::uint64_t generator::responses_so_far() const noexcept {
  const std::lock_guard lock(impl_->workers_mutex);
  std::uint64_t n = 0;
  for (const auto& w : impl_->workers) n += w->live_responses.load(std::memory_order_relaxed);
  return n;
}

std::uint64_t generator::errors_so_far() const noexcept {
  const std::lock_guard lock(impl_->workers_mutex);
  std::uint64_t n = 0;
  for (const auto& w : impl_->workers) n += w->live_errors.load(std::memory_order_relaxed);
  return n;
}

report generator::run(const interval_handler& on_interval,
                      std::chrono::nanoseconds interval_length) {
  const options& o = impl_->plan.opts;
  const auto start = clock::now();
  impl_->control = std::make_unique<detail::run_control>(o.threads, start, o, interval_length,
                                                         impl_->stop_requested);
  auto& control = *impl_->control;
  std::size_t first = 0;
  for (std::size_t t = 0; t < o.threads; ++t) {
    const std::size_t count = share_of(o.connections, o.threads, t);
    std::uint64_t budget = 0;  // the request count, split over connections, then summed
    for (std::size_t c = first; c < first + count && o.requests > 0; ++c) {
      budget += share_of(o.requests, o.connections, c);
    }
    auto w = std::make_unique<detail::worker>(impl_->plan, control, t, first, count, budget);
    const std::lock_guard lock(impl_->workers_mutex);
    impl_->workers.push_back(std::move(w));
    first += count;
  }
  std::vector<std::thread> threads;
  threads.reserve(o.threads);
  for (auto& w : impl_->workers) threads.emplace_back([&w] { w->run(); });

  std::vector<interval> done;
  while (control.take_complete(done, std::chrono::milliseconds(100))) {
    for (const auto& i : done) {
      if (on_interval) on_interval(i);
    }
    done.clear();
  }
  for (const auto& i : done) {
    if (on_interval) on_interval(i);
  }
  for (auto& t : threads) t.join();
  const auto finished = std::min(clock::now(), control.end);

  report r;
  r.used = o;
  r.target_rate = o.rate;
  r.interrupted = control.stop_requested.load();
  for (auto& w : impl_->workers) {
    r.total.add(w->result());
    r.threads.push_back(std::move(w->result()));
  }
  r.duration = finished > control.measure_start ? finished - control.measure_start
                                                : std::chrono::nanoseconds(0);
  const double seconds = std::chrono::duration<double>(r.duration).count();
  r.achieved_rate = seconds > 0 ? static_cast<double>(r.total.requests) / seconds : 0;
  return r;
}

}  // namespace corofetch::load
