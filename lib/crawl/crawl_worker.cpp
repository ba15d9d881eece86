// What a crawl worker does with one lease: robots.txt first (fetched once per origin while the
// other workers of that origin wait; with a shared frontier, once per origin for every process
// of the crawl), then the fetch with its retries, the links, the report to the page handler,
// the links pushed, and the lease ended. Every await that can suspend is
// followed by a look at the cancellation state, read directly: in Asio 1.22 awaiting any
// further awaitable after a cancellation throws, and a cancelled worker must leave quietly.
#include "crawl/crawl_run.hpp"

#include <corofetch/client/error.hpp>
#include <corofetch/client/sink.hpp>
#include <corofetch/http/method.hpp>

#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace corofetch::crawl::detail {
namespace {

// A worker keeps its page's buffers from one URL to the next, up to this much body: one large
// page must not pin its size in every worker for the rest of the crawl.
constexpr std::size_t kept_body_capacity = std::size_t{1} << 20;

void reset_page(crawl_page& p) {
  if (p.response.body.capacity() > kept_body_capacity) std::string().swap(p.response.body);
  p.url.clear();
  p.referrer.clear();
  p.depth = 0;
  p.purpose = fetch_purpose::page;
  p.attempts = 0;
  p.response.clear();
  p.content_type.clear();
  p.request_head.clear();
  p.remote_address.clear();
  p.fetched_at = {};
  p.elapsed = std::chrono::nanoseconds(0);
  p.links.clear();
  p.html = false;
  p.noindex = false;
  p.nofollow = false;
  p.error = {};
  p.error_detail.clear();
  p.skipped = skip_reason::none;
  p.skip_detail.clear();
}

void begin_page(worker& w, const frontier_entry& e) {
  reset_page(w.page);
  w.page.url.assign(e.url);
  w.page.referrer.assign(e.referrer);
  w.page.depth = e.depth;
  w.page.purpose = e.kind == entry_kind::sitemap ? fetch_purpose::sitemap : fetch_purpose::page;
  w.added.clear();
  w.base.reset();
}

// The frontier failed (a journal write, a lost store): the crawl cannot go on correctly.
void check(run_state& s, std::error_code ec) {
  if (ec) s.fail(ec, "frontier: " + ec.message());
}

// A redirect chain given up on counts as a 3xx: robots.txt unavailable (RFC 9309 2.3.1.2).
bool is_redirect_failure(std::error_code ec) {
  return ec == client::errc::too_many_redirects || ec == client::errc::redirect_loop ||
         ec == client::errc::invalid_redirect || ec == client::errc::insecure_redirect;
}

// The status robots.txt is stored under: the response's, a redirect's for a chain given up on,
// 0 for no response at all.
int robots_status(std::error_code ec, const crawl_page& page) {
  if (!ec) return page.response.status;
  if (is_redirect_failure(ec)) {
    return page.response.redirects.empty() ? 302 : page.response.redirects.back().status;
  }
  return 0;
}

// Stores a robots.txt outcome fetched at `fetched` (by this worker or, through a shared
// frontier, another): its expiry counts from then.
std::shared_ptr<const robots_outcome> store_robots(run_state& s, const std::string& origin,
                                                   int status, std::string_view body,
                                                   clock_type::time_point fetched) {
  if (status == 0) return s.robots.store_failure(origin, fetched);
  return s.robots.store_response(origin, status, body, fetched);
}

void land(run_state& s, const std::string& origin, const std::shared_ptr<robots_flight>& f) {
  f->finished = true;
  f->done.cancel();
  const auto it = s.robots_flights.find(origin);
  if (it != s.robots_flights.end() && it->second == f) s.robots_flights.erase(it);
}

asio::awaitable<void> queue_sitemaps(run_state& s, worker& w, const robots_outcome& outcome,
                                     const std::string& robots_url) {
  w.batch.clear();
  for (const std::string& sitemap : outcome.sitemaps) {
    frontier_entry& e = w.batch.emplace_back();
    e.url = sitemap;
    e.referrer = robots_url;
    e.kind = entry_kind::sitemap;
  }
  auto pushed = co_await s.front.async_push(w.batch);
  check(s, pushed.error());
}

// Fetches `target`'s robots.txt with the worker's lease (its start is the one this request
// uses), stores the outcome (in the shared frontier too when `share`), applies its Crawl-delay
// and queues its sitemaps, then lets the workers waiting for it go on.
asio::awaitable<void> fetch_robots(run_state& s, worker& w, const url::url& target,
                                   const std::string& origin,
                                   const std::shared_ptr<robots_flight>& flight, bool share) {
  const std::string robots_url = robots_txt_url(target);
  crawl_page& page = w.page;  // the lease's page is filled again when the URL comes back
  reset_page(page);
  page.url = robots_url;
  page.purpose = fetch_purpose::robots;
  std::string body;
  const std::size_t limit = s.options.robots.parse.max_bytes + 1;
  client::callback_sink sink([&body, limit](std::string_view chunk) {
    body.append(chunk.substr(0, limit - std::min(limit, body.size())));
    return std::error_code();
  });
  client::fetch_options options = s.robots_fetch;
  options.sink = &sink;
  options.on_request_head = [&page, &s, &w](std::string_view head) {
    page.request_head.assign(head);
    s.front.note_request_start(*w.lease);
  };
  std::error_code ec;
  auto req = client::request::make(http::method::get, robots_url);
  page.fetched_at = std::chrono::system_clock::now();
  const auto started = clock_type::now();
  if (!req) {
    ec = req.error();
  } else {
    if (!s.user_agent.empty()) req->fields.add("User-Agent", s.user_agent);
    ec = co_await s.client.async_fetch_into(*req, page.response, options);
  }
  page.elapsed = clock_type::now() - started;
  const auto state = co_await asio::this_coro::cancellation_state;
  if (is_cancelled(state)) {
    land(s, origin, flight);
    co_return;
  }
  const int status = robots_status(ec, page);
  if (ec) body.clear();
  const auto now = clock_type::now();
  const auto outcome = store_robots(s, origin, status, body, now);
  ++s.counters.robots_fetches;
  if (const auto delay = outcome->rules.crawl_delay()) {
    const std::string host(host_key(w.lease->entry.url));
    const std::error_code ended_with = co_await s.front.async_set_crawl_delay(host, *delay);
    check(s, ended_with);
  }
  if (share) {  // after the Crawl-delay: no worker reads the rules before the spacing holds
    const std::error_code stored =
        co_await s.front.async_store_robots(origin, status, body, outcome->expires - now);
    check(s, stored);
  }
  land(s, origin, flight);
  if (s.options.report_robots) {
    page.attempts = 1;
    page.error = ec;
    if (ec)
      page.error_detail =
          page.response.error_detail.empty() ? ec.message() : page.response.error_detail;
    page.response.body = std::move(body);
    s.deliver(page, w);
  }
  const auto after = co_await asio::this_coro::cancellation_state;
  if (s.options.use_sitemaps && !outcome->sitemaps.empty() && !is_cancelled(after)) {
    co_await queue_sitemaps(s, w, *outcome, robots_url);
  }
}

// How often a worker asks a shared frontier again for a robots.txt another worker is fetching.
constexpr auto robots_poll = std::chrono::milliseconds(50);

// An origin's robots.txt into s.robots: read from a shared frontier (one worker of the crawl
// fetches it, the others wait for it there), or fetched here with the lease. `requested` says
// whether this worker sent the request. Nothing is stored when the worker is cancelled or the
// frontier fails (the crawl then stops).
asio::awaitable<void> obtain_robots(run_state& s, worker& w, const url::url& target,
                                    const std::string& origin, bool& requested) {
  auto flight = std::make_shared<robots_flight>(w.wake.get_executor());
  s.robots_flights[origin] = flight;  // this process's other workers wait for it
  asio::steady_timer pause(w.wake.get_executor());
  for (;;) {
    auto shared = co_await s.front.async_robots(origin);
    const auto state = co_await asio::this_coro::cancellation_state;
    if (!shared || is_cancelled(state)) {
      if (!shared) check(s, shared.error());
      land(s, origin, flight);
      co_return;
    }
    if (shared->what == shared_robots::state::stored) {
      store_robots(s, origin, shared->status, shared->body, clock_type::now() - shared->age);
      land(s, origin, flight);
      co_return;
    }
    if (shared->what != shared_robots::state::wait) {
      requested = true;
      co_await fetch_robots(s, w, target, origin, flight,
                            shared->what == shared_robots::state::fetch);
      co_return;
    }
    pause.expires_after(robots_poll);
    co_await pause.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    const auto waited = co_await asio::this_coro::cancellation_state;
    if (is_cancelled(waited)) {
      land(s, origin, flight);
      co_return;
    }
  }
}

enum class gate : std::uint8_t { open, closed, cancelled };

// Ends the lease as skipped (robots.txt refuses it), reporting it when asked.
asio::awaitable<void> skip_lease(run_state& s, worker& w, std::string detail) {
  w.page.skipped = skip_reason::robots_disallowed;
  w.page.skip_detail = std::move(detail);
  ++s.counters.skipped;
  if (s.options.report_skipped) s.deliver(w.page, w);
  const std::error_code ended_with =
      co_await s.front.async_finish(*w.lease, finish_kind::skipped, false);
  check(s, ended_with);
  s.lease_ended(false);
}

// The lease's URL as robots.txt's `outcome` has it: fetched (open) or skipped (closed).
asio::awaitable<gate> obey_robots(run_state& s, worker& w, const url::url& target,
                                  const robots_outcome& outcome) {
  if (outcome.allowed(target.path_and_query())) co_return gate::open;
  co_await skip_lease(s, w, robots_refusal(outcome, target.path_and_query()));
  co_return gate::closed;
}

// Whether robots.txt lets the lease's URL be fetched now. When the origin's robots.txt is not
// known yet, the lease is spent on it (or waits for the worker fetching it) and its URL goes
// back to the front of its queue, to come again under the host's spacing (RFC 9309 2.3). One
// read from a shared frontier spends no request: the URL goes on at once.
asio::awaitable<gate> pass_robots(run_state& s, worker& w, const url::url& target) {
  const std::string origin = robots_origin(target);
  if (const auto outcome = s.robots.lookup(origin, clock_type::now())) {
    co_return co_await obey_robots(s, w, target, *outcome);
  }
  bool requested = false;
  if (const auto it = s.robots_flights.find(origin); it != s.robots_flights.end()) {
    const std::shared_ptr<robots_flight> flight = it->second;
    while (!flight->finished) {
      co_await flight->done.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
      const auto state = co_await asio::this_coro::cancellation_state;
      if (is_cancelled(state)) co_return gate::cancelled;
    }
  } else {
    co_await obtain_robots(s, w, target, origin, requested);
    const auto state = co_await asio::this_coro::cancellation_state;
    if (is_cancelled(state)) co_return gate::cancelled;
    const auto outcome = s.robots.lookup(origin, clock_type::now());
    if (!requested && outcome) co_return co_await obey_robots(s, w, target, *outcome);
  }
  const std::error_code ended_with = co_await s.front.async_retry(
      *w.lease, retry_kind::again, frontier::duration::zero(), requested);
  check(s, ended_with);
  s.lease_ended(false);
  co_return gate::closed;
}

void add_request_fields(run_state& s, const worker& w, client::request& req) {
  req.fields.add("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
  if (!s.user_agent.empty()) req.fields.add("User-Agent", s.user_agent);
  // The referring page, unless that would leak an https URL into an http request.
  const std::string& referrer = w.page.referrer;
  if (!referrer.empty() && !(referrer.starts_with("https:") && req.url.scheme() == "http")) {
    req.fields.add("Referer", referrer);
  }
}

void record_outcome(run_state& s, crawl_page& page, std::error_code ec) {
  if (ec) {
    page.error = ec;
    page.error_detail =
        page.response.error_detail.empty() ? ec.message() : page.response.error_detail;
    ++s.counters.failed;
    return;
  }
  ++s.counters.fetched;
  s.counters.bytes += page.response.body_bytes;
  if (page.response.status >= 400) ++s.counters.http_errors;
}

// Fetches the lease's URL. False when the lease was handed back for a retry or the worker was
// cancelled; true when the URL has ended (with a response or an error) and is to be reported.
asio::awaitable<bool> fetch_page(run_state& s, worker& w, const url::url& target) {
  crawl_page& page = w.page;
  const frontier_lease& lease = *w.lease;
  page.attempts = static_cast<std::uint16_t>(lease.entry.attempt + 1);
  auto req = client::request::make(http::method::get, target);
  if (!req) {
    record_outcome(s, page, req.error());
    co_return true;
  }
  add_request_fields(s, w, *req);
  page.fetched_at = std::chrono::system_clock::now();
  const auto started = clock_type::now();
  const std::error_code ec = co_await s.client.async_fetch_into(*req, page.response, w.fetch);
  page.elapsed = clock_type::now() - started;
  const auto state = co_await asio::this_coro::cancellation_state;
  if (is_cancelled(state)) co_return false;
  const retry_decision retry =
      decide_retry(ec, page.response.status, page.response.fields.find("Retry-After"),
                   lease.entry.attempt, s.options.retry);
  if (retry.action != retry_action::none) {
    const retry_kind kind =
        retry.action == retry_action::host_busy ? retry_kind::host_busy : retry_kind::backoff;
    ++s.counters.retries;
    const std::error_code ended_with = co_await s.front.async_retry(lease, kind, retry.delay, true);
    check(s, ended_with);
    s.lease_ended(false);
    co_return false;
  }
  record_outcome(s, page, ec);
  co_return true;
}

std::uint32_t link_depth(const crawl_page& page, const crawl_link& link) {
  if (page.purpose == fetch_purpose::sitemap) return 0;  // sitemap URLs are seeds
  return link.redirect ? page.depth : page.depth + 1;
}

// Reports the page's skipped links (out of scope, robots-disallowed), each once in the crawl:
// the frontier records them and keeps those it had not seen.
asio::awaitable<void> report_skipped_links(run_state& s, worker& w) {
  const crawl_page& page = w.page;
  w.batch.clear();
  w.skip_links.clear();
  for (std::size_t i = 0; i < page.links.size(); ++i) {
    const crawl_link& link = page.links[i];
    if (link.verdict != link_verdict::out_of_scope &&
        link.verdict != link_verdict::robots_disallowed) {
      continue;
    }
    frontier_entry& e = w.batch.emplace_back();
    e.url = std::string(link.location.href_without_fragment());
    e.referrer = page.url;
    e.depth = link_depth(page, link);
    w.skip_links.push_back(i);
  }
  if (w.batch.empty()) co_return;
  const std::error_code ended_with = co_await s.front.async_record_skipped(w.batch);
  check(s, ended_with);
  const auto state = co_await asio::this_coro::cancellation_state;
  if (is_cancelled(state)) co_return;
  std::size_t j = 0;
  for (const frontier_entry& e : w.batch) {  // a subsequence of the links, in order
    while (j < w.skip_links.size() &&
           page.links[w.skip_links[j]].location.href_without_fragment() != e.url) {
      ++j;
    }
    if (j == w.skip_links.size()) break;
    const crawl_link& link = page.links[w.skip_links[j]];
    crawl_page& report = w.skip_page;
    reset_page(report);
    report.url = e.url;
    report.referrer = e.referrer;
    report.depth = e.depth;
    if (link.verdict == link_verdict::out_of_scope) {
      report.skipped = skip_reason::out_of_scope;
      report.skip_detail = std::string(to_string(link.scope));
    } else {
      report.skipped = skip_reason::robots_disallowed;
      const auto outcome = s.robots.lookup(robots_origin(link.location), clock_type::now());
      report.skip_detail = outcome ? robots_refusal(*outcome, link.location.path_and_query())
                                   : std::string("disallowed by robots.txt");
    }
    ++s.counters.skipped;
    s.deliver(report, w);
  }
}

// Queues the links to follow and the URLs the handler added.
asio::awaitable<void> queue_links(run_state& s, worker& w) {
  const crawl_page& page = w.page;
  w.batch.clear();
  for (const crawl_link& link : page.links) {
    if (link.verdict != link_verdict::follow) continue;
    frontier_entry& e = w.batch.emplace_back();
    e.url = std::string(link.location.href_without_fragment());
    e.referrer = page.url;
    e.depth = link_depth(page, link);
    e.kind = link.sitemap ? entry_kind::sitemap : entry_kind::page;
  }
  for (std::string& added : w.added) {
    frontier_entry& e = w.batch.emplace_back();
    e.url = std::move(added);
    e.referrer = page.url;
    e.depth = page.depth + 1;
  }
  w.added.clear();
  if (!w.batch.empty()) {
    auto pushed = co_await s.front.async_push(w.batch);
    check(s, pushed.error());
  }
  const auto state = co_await asio::this_coro::cancellation_state;
  if (s.options.report_skipped && !is_cancelled(state)) co_await report_skipped_links(s, w);
}

}  // namespace

asio::awaitable<void> handle_lease(run_state& s, worker& w) {
  begin_page(w, w.lease->entry);
  auto target = url::parse(w.lease->entry.url);
  if (!target) {  // not from this crawler: end it as failed
    record_outcome(s, w.page, target.error());
    s.deliver(w.page, w);
    const std::error_code ended_with =
        co_await s.front.async_finish(*w.lease, finish_kind::failed, false);
    check(s, ended_with);
    s.lease_ended(false);
    co_return;
  }
  if (s.options.obey_robots) {
    const gate g = co_await pass_robots(s, w, *target);
    if (g != gate::open) co_return;
  }
  const bool ended = co_await fetch_page(s, w, *target);
  if (!ended) co_return;
  const bool failed = static_cast<bool>(w.page.error);  // no response came
  read_links(s, w, *target);
  s.deliver(w.page, w);
  co_await queue_links(s, w);
  const auto state = co_await asio::this_coro::cancellation_state;
  if (is_cancelled(state)) co_return;
  const finish_kind kind = failed ? finish_kind::failed : finish_kind::fetched;
  const std::error_code ended_with = co_await s.front.async_finish(*w.lease, kind, true);
  check(s, ended_with);
  s.lease_ended(true);
}

}  // namespace corofetch::crawl::detail
