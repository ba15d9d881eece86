// The crawler: async_run seeds the frontier, starts the workers and dispatches leases to them
// as hosts become ready; the workers (crawl_worker.cpp) do the fetching. The dispatcher is the
// only caller of frontier::async_take, so a batch of ready URLs costs one call, and a worker
// waits on its own timer, so handing over a lease wakes one coroutine, not all of them.
#include <corofetch/crawl/crawler.hpp>
#include <corofetch/crawl/embedded_frontier.hpp>

#include "crawl/crawl_run.hpp"

#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <utility>

namespace corofetch::crawl {

std::string_view to_string(skip_reason reason) noexcept {
  switch (reason) {
    case skip_reason::none:
      return "none";
    case skip_reason::robots_disallowed:
      return "robots disallowed";
    case skip_reason::out_of_scope:
      return "out of scope";
  }
  return "unknown";
}

std::string_view to_string(link_verdict verdict) noexcept {
  switch (verdict) {
    case link_verdict::follow:
      return "follow";
    case link_verdict::nofollow:
      return "nofollow";
    case link_verdict::out_of_scope:
      return "out of scope";
    case link_verdict::too_deep:
      return "too deep";
    case link_verdict::robots_disallowed:
      return "robots disallowed";
    case link_verdict::rejected:
      return "rejected";
  }
  return "unknown";
}

namespace detail {

bool is_cancelled(const asio::cancellation_state& state) noexcept {
  return state.cancelled() != asio::cancellation_type::none;
}

run_state::run_state(client::client& c, const crawl_options& o, frontier& f, crawl::scope s,
                     page_handler h, const asio::any_io_executor& ex)
    : client(c),
      options(o),
      front(f),
      scope(std::move(s)),
      robots([&] {
        robots_cache_options r = o.robots;
        r.user_agent = o.user_agent.empty() ? c.options().user_agent : o.user_agent;
        return r;
      }()),
      handler(std::move(h)),
      user_agent(o.user_agent),
      wake(ex),
      workers_done(ex, clock_type::time_point::max()) {
  references.kinds = o.link_kinds;
  references.max_input_bytes = static_cast<std::size_t>(
      std::max<std::uint64_t>(o.fetch.max_body_bytes, references.max_input_bytes));
  references.robots_name =
      std::string(product_token(user_agent.empty() ? c.options().user_agent : user_agent));
  // RFC 9309 2.3.1.2: follow at least five consecutive redirects.
  robots_fetch = o.fetch;
  robots_fetch.follow_redirects = true;
  robots_fetch.max_redirects = 5;
  robots_fetch.on_request_head = nullptr;
}

void run_state::wake_dispatcher() {
  wake_pending = true;
  wake.cancel();
}

void run_state::fail(std::error_code ec, std::string detail) {
  if (!fatal) {
    fatal = ec;
    fatal_detail = std::move(detail);
  }
  wake_dispatcher();
}

std::size_t run_state::room() const noexcept {
  std::size_t n = idle.size();
  if (options.max_pages) {
    const std::uint64_t used = pages_before + pages_this_run + reserved;
    const std::uint64_t left = *options.max_pages > used ? *options.max_pages - used : 0;
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, left));
  }
  return n;
}

void run_state::assign(frontier_lease lease) {
  worker* w = idle.back();
  idle.pop_back();
  w->lease = std::move(lease);
  ++busy;
  ++reserved;
  w->wake.cancel();
}

void run_state::lease_ended(bool page_ended) noexcept {
  --reserved;
  if (page_ended) ++pages_this_run;
}

void run_state::deliver(crawl_page& page, worker& w) {
  if (!handler) return;
  try {
    handler(page, w);
  } catch (...) {
    if (!exception) exception = std::current_exception();
    stop_requested = true;
    wake_dispatcher();
  }
}

worker::worker(run_state& r, const asio::any_io_executor& ex)
    : run(r), wake(ex, clock_type::time_point::max()) {
  fetch = r.options.fetch;
  fetch.follow_redirects = r.options.follow_redirects;
  fetch.on_request_head = [this](std::string_view head) {
    page.request_head.assign(head);
    if (lease) run.front.note_request_start(*lease);
  };
}

std::error_code worker::add(std::string_view target) {
  auto u = base ? url::parse(target, *base) : url::parse(target);
  if (!u) return u.error();
  if (u->scheme() != "http" && u->scheme() != "https") return errc::invalid_options;
  added.emplace_back(u->href_without_fragment());
  return {};
}

void worker::stop() {
  run.stop_requested = true;
  run.wake_dispatcher();
}

namespace {

asio::awaitable<void> run_worker(std::shared_ptr<run_state> s, worker* w) {
  for (;;) {
    while (!w->lease && !s->closing) {
      co_await w->wake.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
      const auto state = co_await asio::this_coro::cancellation_state;
      if (is_cancelled(state)) co_return;
    }
    if (!w->lease) co_return;
    co_await handle_lease(*s, *w);
    // Read the state directly: awaiting anything after a cancellation throws (Asio 1.22).
    const auto state = co_await asio::this_coro::cancellation_state;
    if (is_cancelled(state)) co_return;
    w->lease.reset();
    --s->busy;
    s->idle.push_back(w);
    s->wake_dispatcher();
  }
}

void start_workers(const std::shared_ptr<run_state>& s, const asio::any_io_executor& ex) {
  const std::size_t count = std::max<std::size_t>(1, s->options.concurrency);
  s->workers.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    s->workers.push_back(std::make_unique<worker>(*s, ex));
    s->idle.push_back(s->workers.back().get());
  }
  s->workers_alive = count;
  for (const auto& owned : s->workers) {
    worker* w = owned.get();
    asio::co_spawn(
        ex, run_worker(s, w),
        asio::bind_cancellation_slot(w->signal.slot(), [s, w](const std::exception_ptr& e) {
          if (e && !s->aborted && !s->exception) s->exception = e;
          if (e && w->lease) --s->busy;
          if (--s->workers_alive == 0) s->workers_done.cancel();
          s->wake_dispatcher();
        }));
  }
}

// Hands ready URLs to idle workers until the frontier is exhausted and every worker idle, the
// page limit or a stop is reached, or the run is cancelled.
asio::awaitable<void> dispatch(std::shared_ptr<run_state> s) {
  std::vector<frontier_lease> leases;
  for (;;) {
    const auto state = co_await asio::this_coro::cancellation_state;
    if (is_cancelled(state)) {
      s->aborted = true;
      co_return;
    }
    if (s->fatal || s->exception || (s->stop_requested && s->busy == 0)) co_return;
    s->wake_pending = false;  // what woke us is looked at now; a wake from here on is new
    take_status status;
    const std::size_t room = s->stop_requested ? 0 : s->room();
    if (room > 0) {
      auto taken = co_await s->front.async_take(room, leases);
      if (!taken) {
        s->fail(taken.error(), "frontier: " + taken.error().message());
        co_return;
      }
      status = *taken;
      for (frontier_lease& lease : leases) s->assign(std::move(lease));
      if (status.exhausted && s->busy == 0) co_return;
    } else if (s->busy == 0) {
      s->page_limit_reached = !s->stop_requested;
      co_return;
    }
    if (s->wake_pending) continue;
    const auto longest = std::chrono::duration_cast<clock_type::duration>(std::chrono::hours(1));
    s->wake.expires_after(std::min(status.next_in, longest));
    co_await s->wake.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
}

void cut_workers_short(run_state& s) {
  for (const auto& w : s.workers) w->signal.emit(asio::cancellation_type::terminal);
  for (auto& [origin, flight] : s.robots_flights) flight->done.cancel();
}

// Ends the workers: idle ones are woken to leave; busy ones (after a cancellation or a fatal
// error) are cancelled. Returns once none is left, whatever cancellation comes meanwhile: the
// workers use the run's state and the client, which must outlive them.
asio::awaitable<void> stop_workers(std::shared_ptr<run_state> s) {
  s->closing = true;
  if (s->aborted || s->fatal || s->exception || s->busy > 0) cut_workers_short(*s);
  for (const auto& w : s->workers) w->wake.cancel();
  while (s->workers_alive > 0) {
    // A cancelled coroutine throws from its next await (Asio 1.22): start each wait afresh.
    co_await asio::this_coro::reset_cancellation_state();
    co_await s->workers_done.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    const auto state = co_await asio::this_coro::cancellation_state;
    if (is_cancelled(state) && !s->aborted) {
      s->aborted = true;
      cut_workers_short(*s);
    }
  }
}

}  // namespace
}  // namespace detail

struct crawler::impl {
  std::unique_ptr<client::client> own_client;
  client::client* http = nullptr;
  crawl_options options;
  frontier* borrowed = nullptr;
  std::unique_ptr<embedded_frontier> own_frontier;
  std::shared_ptr<detail::run_state> run;
  std::string error_detail;

  [[nodiscard]] frontier* current_frontier() const noexcept {
    return borrowed != nullptr ? borrowed : own_frontier.get();
  }
  result<frontier*> open_frontier();
  result<std::vector<url::url>> parse_seeds(const std::vector<std::string>& seeds);
  asio::awaitable<std::error_code> push_seeds(detail::run_state& s,
                                              const std::vector<url::url>& seeds);
  crawl_summary summarize(const detail::run_state& s, const crawl_progress& progress) const;
};

result<frontier*> crawler::impl::open_frontier() {
  if (frontier* f = current_frontier()) return f;
  embedded_frontier_options o;
  o.politeness = options.politeness;
  o.state_file = options.state_file;
  o.expected_urls = options.expected_urls;
  std::string detail;
  auto made = embedded_frontier::open(std::move(o), &detail);
  if (!made) {
    error_detail = "state file " + options.state_file.string() + ": " +
                   (detail.empty() ? made.error().message() : detail);
    return made.error();
  }
  own_frontier = std::move(*made);
  return own_frontier.get();
}

result<std::vector<url::url>> crawler::impl::parse_seeds(const std::vector<std::string>& seeds) {
  std::vector<url::url> parsed;
  if (seeds.empty() && options.sitemaps.empty()) {
    error_detail = "no seed URL";
    return errc::invalid_options;
  }
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    auto u = url::parse(seeds[i]);
    std::error_code ec = u ? std::error_code() : u.error();
    if (!ec && u->scheme() != "http" && u->scheme() != "https") ec = errc::invalid_options;
    if (ec) {
      error_detail = "seed " + std::to_string(i + 1) + " \"" + seeds[i] + "\": " +
                     (ec == errc::invalid_options ? "not an http or https URL" : ec.message());
      return ec;
    }
    parsed.push_back(std::move(*u));
  }
  return parsed;
}

asio::awaitable<std::error_code> crawler::impl::push_seeds(detail::run_state& s,
                                                           const std::vector<url::url>& seeds) {
  std::vector<frontier_entry> batch;
  for (const url::url& u : seeds) {
    frontier_entry& e = batch.emplace_back();
    e.url = std::string(u.href_without_fragment());
  }
  for (std::size_t i = 0; i < options.sitemaps.size(); ++i) {
    auto u = url::parse(options.sitemaps[i]);
    if (!u || (u->scheme() != "http" && u->scheme() != "https")) {
      error_detail = "sitemap " + std::to_string(i + 1) + " \"" + options.sitemaps[i] +
                     "\": not an http or https URL";
      co_return make_error_code(errc::invalid_options);
    }
    frontier_entry& e = batch.emplace_back();
    e.url = std::string(u->href_without_fragment());
    e.kind = entry_kind::sitemap;
  }
  auto pushed = co_await s.front.async_push(batch);
  if (!pushed) error_detail = "frontier: " + pushed.error().message();
  co_return pushed.error();
}

crawl_summary crawler::impl::summarize(const detail::run_state& s,
                                       const crawl_progress& progress) const {
  crawl_summary summary;
  summary.progress = progress;
  summary.page_limit_reached = s.page_limit_reached;
  summary.stopped = s.stop_requested && !s.page_limit_reached;
  if (own_frontier) {
    summary.resumed_pending = own_frontier->resumed().pending;
    summary.resumed_finished = own_frontier->resumed().replay.finished;
  }
  return summary;
}

crawler::crawler(client::client& c, crawl_options options, frontier* f)
    : impl_(std::make_unique<impl>()) {
  impl_->http = &c;
  impl_->options = std::move(options);
  impl_->borrowed = f;
}

crawler::crawler(asio::any_io_executor executor, client::client_options client_options,
                 crawl_options options)
    : impl_(std::make_unique<impl>()) {
  client_options.pool.max_per_host =
      std::max(client_options.pool.max_per_host, options.politeness.per_host);
  client_options.pool.max_total = std::max(client_options.pool.max_total, options.concurrency);
  impl_->own_client = std::make_unique<client::client>(std::move(executor), client_options);
  impl_->http = impl_->own_client.get();
  impl_->options = std::move(options);
}

crawler::~crawler() = default;

asio::awaitable<result<crawl_summary>> crawler::async_run(std::vector<std::string> seeds,
                                                          page_handler on_page) {
  impl_->error_detail.clear();
  auto parsed = impl_->parse_seeds(seeds);
  if (!parsed) co_return parsed.error();
  auto made_scope = scope::make(impl_->options.scope, *parsed, &impl_->error_detail);
  if (!made_scope) co_return made_scope.error();
  auto opened = impl_->open_frontier();
  if (!opened) co_return opened.error();
  frontier& front = **opened;

  const auto executor = co_await asio::this_coro::executor;
  auto s = std::make_shared<detail::run_state>(
      *impl_->http, impl_->options, front, std::move(*made_scope), std::move(on_page), executor);
  impl_->run = s;
  const frontier_stats before = front.stats();
  s->pages_before = before.fetched + before.failed;
  const std::error_code pushed = co_await impl_->push_seeds(*s, *parsed);
  if (pushed) co_return pushed;
  const auto state = co_await asio::this_coro::cancellation_state;
  if (detail::is_cancelled(state)) co_return std::error_code(asio::error::operation_aborted);

  detail::start_workers(s, executor);
  co_await detail::dispatch(s);
  // Awaiting anything after a cancellation throws (Asio 1.22): the workers must be waited for
  // all the same, so the state is reset first.
  co_await asio::this_coro::reset_cancellation_state();
  co_await detail::stop_workers(s);
  front.release_leases();  // those of workers cut short: a shared frontier stops renewing them
  s->ended = detail::clock_type::now();

  const crawl_summary summary = impl_->summarize(*s, progress());
  if (s->aborted) co_return std::error_code(asio::error::operation_aborted);
  if (s->exception) std::rethrow_exception(s->exception);
  if (s->fatal) {
    impl_->error_detail = s->fatal_detail;
    co_return s->fatal;
  }
  co_return summary;
}

void crawler::stop() noexcept {
  if (impl_->run && !impl_->run->closing) {
    impl_->run->stop_requested = true;
    impl_->run->wake_dispatcher();
  }
}

crawl_progress crawler::progress() const {
  crawl_progress p;
  if (impl_->run) {
    p = impl_->run->counters;
    const auto end = impl_->run->ended == detail::clock_type::time_point{}
                         ? detail::clock_type::now()
                         : impl_->run->ended;
    p.elapsed = end - impl_->run->started;
  }
  if (const frontier* f = impl_->current_frontier()) {
    const frontier_stats fs = f->stats();
    p.queued = fs.queued + fs.delayed;
    p.in_flight = fs.leased;
    p.hosts = fs.hosts;
    p.seen = fs.seen;
  }
  return p;
}

const std::string& crawler::error_detail() const noexcept {
  return impl_->error_detail;
}

const crawl_options& crawler::options() const noexcept {
  return impl_->options;
}

client::client& crawler::http_client() noexcept {
  return *impl_->http;
}

}  // namespace corofetch::crawl
