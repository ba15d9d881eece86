// The page loader: the document through the client, its requisites found by discover.cpp, then
// fetched as slots free up. A dispatcher (the load's own coroutine) starts one fetch coroutine
// per requisite while fewer than `concurrency` run; which one comes from a heap of the hosts
// that have room, keyed by their oldest waiting requisite, so a take costs O(log hosts) and a
// slow host never holds the others' slots (a single FIFO would). A finished fetch reads what a
// stylesheet or frame names, queues each URL not seen before, and wakes the dispatcher alone.
#include <corofetch/page/loader.hpp>

#include "page/discover.hpp"

#include <corofetch/client/error.hpp>
#include <corofetch/client/request.hpp>
#include <corofetch/client/sink.hpp>
#include <corofetch/http/method.hpp>
#include <corofetch/http/syntax.hpp>
#include <corofetch/url/url.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <memory>
#include <queue>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>

// g++ 12 at -O2 sees the coroutine frames' allocation (asio::aligned_new, which calls
// aligned_alloc) and the frame's operator delete in the same ramp function and warns that they
// do not match; Asio frees that memory with aligned_delete (std::free), which does. A false
// positive of this file's large frame, silenced here only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace corofetch::page {
namespace {

using clock_type = std::chrono::steady_clock;

// Bodies not kept: counted by the client (response::body_bytes), dropped here.
class discard_sink final : public client::body_sink {
 public:
  std::error_code write(std::string_view) override { return {}; }
};

// Whose body the loader reads: stylesheets (whatever their type, as wget does) and frames.
bool body_needed(resource_kind k) {
  return k == resource_kind::stylesheet || k == resource_kind::frame;
}

std::string host_key(const url::url& u) {
  return std::string(u.hostname()) + ":" + std::to_string(u.effective_port().value_or(0));
}

// Where a redirect hop led: its Location resolved against its URL.
std::string redirect_target(const client::redirect_hop& hop) {
  auto from = url::parse(hop.url);
  if (!from) return hop.location;
  auto to = url::parse(hop.location, *from);
  return to ? std::string(to->href()) : hop.location;
}

// The exchanges of a fetch: each redirect hop, then the final (or failed) one.
void record_exchanges(resource& r, const client::response& response, std::error_code ec,
                      std::vector<std::string>& heads) {
  r.exchanges.clear();
  std::chrono::nanoseconds at = r.started;
  const auto head_of = [&](std::size_t i) { return i < heads.size() ? heads[i] : std::string(); };
  for (std::size_t i = 0; i < response.redirects.size(); ++i) {
    const client::redirect_hop& hop = response.redirects[i];
    exchange& e = r.exchanges.emplace_back();
    e.url = hop.url;
    e.method = hop.method;
    e.request_head = head_of(i);
    e.status = hop.status;
    e.reason = hop.reason;
    e.fields = hop.fields;
    e.redirect_url = redirect_target(hop);
    e.timing = hop.timing;
    e.reused = hop.reused;
    e.remote = hop.remote;
    e.connection_id = hop.connection_id;
    e.started = at;
    at += hop.timing.total();
  }
  exchange& e = r.exchanges.emplace_back();
  e.url = !response.url.empty()        ? response.url
          : response.redirects.empty() ? r.url
                                       : redirect_target(response.redirects.back());
  e.request_head = head_of(response.redirects.size());
  if (!ec) {
    e.status = response.status;
    e.reason = response.reason;
    e.version = response.version;
    e.fields = response.fields;
  }
  e.timing = response.timing;
  e.reused = response.reused;
  e.remote = response.remote;
  e.connection_id = response.connection_id;
  e.started = at;
}

// What a finished fetch tells about a resource.
void record(resource& r, const client::response& response, std::error_code ec,
            clock_type::time_point load_start, clock_type::time_point started, bool keep_body,
            std::vector<std::string>& heads) {
  r.started = started - load_start;
  r.finished = clock_type::now() - load_start;
  r.error = ec;
  r.redirects = response.redirects.size();
  r.timing = response.timing;
  r.reused = response.reused;
  record_exchanges(r, response, ec, heads);
  if (ec) {
    r.error_detail = response.error_detail.empty() ? ec.message() : response.error_detail;
    return;
  }
  r.status = response.status;
  r.content_type = std::string(response.fields.find("Content-Type").value_or(""));
  r.bytes = response.body_bytes;
  r.wire_bytes = response.wire_body_bytes;
  r.final_url = response.url;
  r.fields = response.fields;
  if (keep_body) r.body = response.body;
}

// The Referer a browser sends for a subresource (strict-origin-when-cross-origin, the default
// referrer policy): the referrer's URL without fragment and userinfo to its own origin, only
// the origin elsewhere, nothing from https to http.
std::string referer_for(const url::url& from, const url::url& target) {
  if (from.scheme() == "https" && target.scheme() != "https") return {};
  const bool same_origin = from.scheme() == target.scheme() &&
                           from.hostname() == target.hostname() &&
                           from.effective_port() == target.effective_port();
  std::string origin = std::string(from.scheme()) + "://" + std::string(from.hostname());
  if (const auto port = from.port()) origin += ":" + std::to_string(*port);
  if (!same_origin) return origin + "/";
  return origin + std::string(from.path_and_query());
}

// The caller's fields replace the loader's; an empty value removes the field (curl's -H 'Name:').
void apply_extra_fields(const http::fields& extra, http::fields& fields) {
  for (const auto f : extra) {
    if (f.value.empty()) {
      fields.erase(f.name);
    } else {
      fields.set(f.name, f.value);
    }
  }
}

std::string_view accept_for(resource_kind k) {
  switch (k) {
    case resource_kind::image:
    case resource_kind::icon:
      return "image/avif,image/webp,image/apng,image/*,*/*;q=0.8";
    case resource_kind::stylesheet:
      return "text/css,*/*;q=0.1";
    case resource_kind::frame:
      return "text/html,application/xhtml+xml,*/*;q=0.8";
    default:
      return "*/*";
  }
}

// The requisites and who may take which. Shared by the load and its fetches, so that a fetch
// outliving the load (its frame destroyed with the io_context) never reaches freed memory.
struct load_state {
  struct host {
    std::deque<std::size_t> waiting;  // requisites in the order found
    std::size_t running = 0;
    bool ready = false;        // in the heap
    bool multiplexed = false;  // it answered over HTTP/2: no per-host bound (only the total)
  };
  using entry = std::pair<std::size_t, std::size_t>;  // (oldest waiting requisite, host)

  std::vector<resource> items;
  std::vector<url::url> targets;
  std::vector<url::url> referrers;  // who named each (its URL after redirects)
  std::vector<std::size_t> host_of;
  std::vector<host> hosts;
  std::unordered_map<std::string, std::size_t> host_ids;
  std::priority_queue<entry, std::vector<entry>, std::greater<>> ready;
  std::unordered_set<std::string> seen;  // URLs queued or fetched, without fragment
  std::vector<page::skipped_reference> skipped;
  std::size_t inline_data = 0;
  std::size_t dropped = 0;
  bool truncated = false;
  std::size_t running = 0;
  std::size_t max_running = 0;
  std::size_t limit = 1;          // fetches at once: the option, lowered when out of descriptors
  std::size_t lowered_limit = 0;  // the lowest it went (0: never lowered)
  std::size_t per_host = 1;
  std::string document_host;  // for same_host
  bool stopping = false;
  clock_type::time_point load_start;
  // A timer that never expires, used as a condition variable for the dispatcher alone.
  asio::steady_timer changed;
  std::vector<asio::cancellation_signal> signals;  // one per running fetch: a cancel stops all
  std::vector<std::size_t> free_signals;

  load_state(const asio::any_io_executor& ex, std::size_t concurrency)
      : changed(ex, clock_type::time_point::max()), signals(concurrency) {
    for (std::size_t i = concurrency; i-- > 0;) free_signals.push_back(i);
  }

  void make_ready(std::size_t h) {
    host& x = hosts[h];
    if (x.ready || x.waiting.empty() || (!x.multiplexed && x.running >= per_host)) return;
    x.ready = true;
    ready.emplace(x.waiting.front(), h);
  }

  // The next requisite to fetch: the oldest waiting one whose host has room.
  std::size_t take() {
    const std::size_t h = ready.top().second;
    ready.pop();
    host& x = hosts[h];
    x.ready = false;
    const std::size_t i = x.waiting.front();
    x.waiting.pop_front();
    ++x.running;
    max_running = std::max(max_running, ++running);
    make_ready(h);
    return i;
  }

  // Out of descriptors while `running` fetches (this one included) held theirs: the others'
  // descriptors come back as they end, so run at most that many from now on and queue this
  // one again, first of its host. No busy loop: a freed slot is the only trigger to retry.
  void back_off(std::size_t i) {
    limit = std::max<std::size_t>(1, running - 1);
    lowered_limit = limit;
    hosts[host_of[i]].waiting.push_front(i);
  }

  // The per-host bound is a browser's for HTTP/1.1 connections; over HTTP/2 one connection
  // carries every request to the host at once, within the server's stream limit (which the
  // client's pool keeps).
  void saw_version(std::size_t h, http::version v) {
    if (v.major_version < 2 || hosts[h].multiplexed) return;
    hosts[h].multiplexed = true;
    make_ready(h);
    changed.cancel();
  }

  void release(std::size_t i) {
    --hosts[host_of[i]].running;
    --running;
    make_ready(host_of[i]);
    changed.cancel();
  }
};

// Queues what a document or stylesheet named: each URL once, within the bounds.
void enqueue(load_state& s, detail::discovery& d, std::size_t parent, std::size_t depth,
             const url::url& referrer, const load_options& options) {
  s.inline_data += d.inline_data;
  s.truncated = s.truncated || d.truncated;
  for (page::skipped_reference& k : d.skipped) s.skipped.push_back(std::move(k));
  const auto now = clock_type::now() - s.load_start;
  for (detail::found_reference& f : d.items) {
    std::string key(f.location.href_without_fragment());
    if (s.seen.count(key) != 0) continue;
    if (options.same_host && f.location.hostname() != s.document_host) {
      s.skipped.push_back({key, f.source, "other host"});
      s.seen.insert(std::move(key));
      continue;
    }
    if (depth > options.max_depth) {
      s.skipped.push_back({key, f.source, "depth bound"});
      s.seen.insert(std::move(key));
      continue;
    }
    if (s.items.size() >= options.max_resources) {
      s.truncated = true;
      ++s.dropped;
      s.seen.insert(std::move(key));
      continue;
    }
    const std::size_t i = s.items.size();
    resource& r = s.items.emplace_back();
    r.url = key;
    r.kind = f.kind;
    r.source = std::move(f.source);
    r.parent = parent;
    r.depth = depth;
    r.queued = now;
    s.seen.insert(std::move(key));
    std::string hk = host_key(f.location);
    const auto [it, added] = s.host_ids.try_emplace(std::move(hk), s.hosts.size());
    if (added) s.hosts.emplace_back();
    s.host_of.push_back(it->second);
    s.targets.push_back(std::move(f.location));
    s.referrers.push_back(referrer);
    s.hosts[it->second].waiting.push_back(i);
    s.make_ready(it->second);
    if (options.on_queued) options.on_queued(r);
  }
}

// After a stylesheet or a frame arrived: what it names joins the queue.
void read_requisite(load_state& s, std::size_t i, const load_options& options) {
  resource& r = s.items[i];
  if (!r.ok() || !body_needed(r.kind)) return;
  auto base = url::parse(r.final_url.empty() ? r.url : r.final_url);
  if (!base) return;
  detail::discovery d;
  if (r.kind == resource_kind::stylesheet) {
    detail::discover_css(r.body, *base, css::source_kind::stylesheet, "css", d);
  } else if (detail::is_html(r)) {
    d = detail::discover_html(r.body, *base, options);
    if (d.error) {
      s.skipped.push_back({r.url, r.source, "unreadable HTML: " + d.error.message()});
    }
  }
  std::string body = std::move(r.body);
  if (options.keep_bodies) r.body = std::move(body);
  enqueue(s, d, i, r.depth + 1, *base, options);
}

// EMFILE (this process) or ENFILE (the system), from the socket the fetch opened.
bool out_of_descriptors(const std::error_code& ec) noexcept {
  return ec == asio::error::no_descriptors || ec == std::errc::too_many_files_open ||
         ec == std::errc::too_many_files_open_in_system ||
         ec == std::error_code(ENFILE, asio::error::get_system_category());
}

client::fetch_options with_heads(const client::fetch_options& base, client::response& response,
                                 std::vector<std::string>& heads) {
  client::fetch_options o = base;
  // Called as each request head is written: the hop it belongs to is the number of redirects
  // recorded so far (a retry writes its hop's head again).
  o.on_request_head = [&response, &heads, also = base.on_request_head](std::string_view head) {
    const std::size_t hop = response.redirects.size();
    if (heads.size() <= hop) heads.resize(hop + 1);
    heads[hop] = std::string(head);
    if (also) also(head);  // the caller's own, for a verbose log
  };
  return o;
}

asio::awaitable<void> fetch_requisite(std::shared_ptr<load_state> s, std::size_t i,
                                      client::client& c, const load_options& options) {
  client::response response;
  std::vector<std::string> heads;
  discard_sink discard;
  client::fetch_options fetch = with_heads(options.images, response, heads);
  const bool keep = options.keep_bodies || body_needed(s->items[i].kind);
  if (!keep) fetch.sink = &discard;
  const url::url& target = s->targets[i];
  const auto started = clock_type::now();
  if (options.on_started) {
    s->items[i].started = started - s->load_start;
    options.on_started(s->items[i]);
  }
  std::error_code ec;
  auto req = client::request::make(http::method::get, target);
  if (!req) {
    ec = req.error();
  } else {
    req->fields.add("Accept", accept_for(s->items[i].kind));
    const std::string referer = referer_for(s->referrers[i], target);
    if (!referer.empty()) req->fields.add("Referer", referer);
    apply_extra_fields(options.extra_fields, req->fields);
    ec = co_await c.async_fetch_into(*req, response, fetch);
  }
  if (out_of_descriptors(ec) && s->running > 1 && !s->stopping) {
    s->back_off(i);  // released, and so queued again, when this coroutine ends
    co_return;
  }
  record(s->items[i], response, ec, s->load_start, started, keep, heads);
  if (!ec) s->saw_version(s->host_of[i], response.version);
  if (!s->stopping) read_requisite(*s, i, options);
  if (options.on_resource) options.on_resource(s->items[i]);
}

void start_fetch(const std::shared_ptr<load_state>& s, std::size_t i, client::client& c,
                 const load_options& options, const asio::any_io_executor& ex) {
  const std::size_t slot = s->free_signals.back();
  s->free_signals.pop_back();
  asio::co_spawn(ex, fetch_requisite(s, i, c, options),
                 asio::bind_cancellation_slot(s->signals[slot].slot(),
                                              [s, i, slot](const std::exception_ptr&) {
                                                s->free_signals.push_back(slot);
                                                s->release(i);
                                              }));
}

}  // namespace

std::string_view to_string(resource_kind kind) noexcept {
  switch (kind) {
    case resource_kind::document:
      return "document";
    case resource_kind::image:
      return "image";
    case resource_kind::stylesheet:
      return "stylesheet";
    case resource_kind::script:
      return "script";
    case resource_kind::font:
      return "font";
    case resource_kind::icon:
      return "icon";
    case resource_kind::frame:
      return "frame";
    case resource_kind::other:
      return "other";
  }
  return "other";
}

std::size_t page_result::failed() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(images.begin(), images.end(), [](const resource& r) { return !r.ok(); }));
}

std::uint64_t page_result::bytes() const noexcept {
  std::uint64_t sum = document.bytes;
  for (const resource& r : images) sum += r.bytes;
  return sum;
}

loader::loader(client::client& c, load_options options) : client_(c), options_(std::move(options)) {
  options_.concurrency = std::max<std::size_t>(1, options_.concurrency);
  options_.per_host = std::max<std::size_t>(1, options_.per_host);
  options_.max_depth = std::max<std::size_t>(1, options_.max_depth);
}

namespace {

// Fetches the document into `page.document`.
asio::awaitable<void> fetch_document(client::client& c, const load_options& options,
                                     const client::request& req, page_result& page,
                                     clock_type::time_point load_start) {
  client::response response;
  std::vector<std::string> heads;
  const client::fetch_options fetch = with_heads(options.document, response, heads);
  const auto started = clock_type::now();
  if (options.on_started) options.on_started(page.document);
  const std::error_code ec = co_await c.async_fetch_into(req, response, fetch);
  record(page.document, response, ec, load_start, started, true, heads);
}

// Starts fetches while slots are free, until nothing runs and nothing waits. A cancellation
// stops every fetch in flight, then still waits for them: they use the client and the options.
asio::awaitable<bool> dispatch(std::shared_ptr<load_state> s, client::client& c,
                               const load_options& options) {
  const auto executor = co_await asio::this_coro::executor;
  bool aborted = false;
  for (;;) {
    while (!s->stopping && s->running < s->limit && !s->ready.empty()) {
      start_fetch(s, s->take(), c, options, executor);
    }
    if (s->running == 0 && (s->stopping || s->ready.empty())) break;
    co_await s->changed.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none && !aborted) {
      aborted = true;
      s->stopping = true;
      for (auto& signal : s->signals) signal.emit(asio::cancellation_type::terminal);
      co_await asio::this_coro::reset_cancellation_state();
    }
  }
  co_return aborted;
}

}  // namespace

asio::awaitable<result<page_result>> loader::async_load(std::string url) {
  const auto load_start = clock_type::now();
  auto req = client::request::make(http::method::get, url);
  if (!req) co_return req.error();
  req->fields.add("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
  apply_extra_fields(options_.extra_fields, req->fields);

  page_result page;
  page.document.url = std::string(req->url.href());
  page.document.kind = resource_kind::document;
  page.document.source = "document";
  if (options_.on_queued) options_.on_queued(page.document);
  co_await fetch_document(client_, options_, *req, page, load_start);
  if (options_.on_resource) options_.on_resource(page.document);
  const auto after_document = co_await asio::this_coro::cancellation_state;
  if (after_document.cancelled() != asio::cancellation_type::none) {
    co_return std::error_code(asio::error::operation_aborted);
  }
  const auto finish = [&] {
    page.total = clock_type::now() - load_start;
    if (page.content_loaded.count() == 0) page.content_loaded = page.total;
  };
  if (!page.document.ok() || !detail::is_html(page.document)) {
    finish();
    co_return page;
  }

  // The requisites, against the URL the document came from (after redirects).
  auto base =
      url::parse(page.document.final_url.empty() ? page.document.url : page.document.final_url);
  if (!base) co_return base.error();
  detail::discovery found = detail::discover_html(page.document.body, *base, options_);
  if (found.error) {
    // The document loaded; it is its HTML that is beyond the bounds: say so, fetch nothing.
    page.extraction_error = found.error;
    finish();
    co_return page;
  }
  page.title = std::move(found.title);
  const auto executor = co_await asio::this_coro::executor;
  auto s = std::make_shared<load_state>(executor, options_.concurrency);
  s->per_host = options_.per_host;
  s->limit = options_.concurrency;
  s->load_start = load_start;
  s->document_host = std::string(base->hostname());
  s->seen.insert(std::string(base->href_without_fragment()));
  s->seen.insert(std::string(req->url.href_without_fragment()));
  enqueue(*s, found, resource::no_parent, 1, *base, options_);
  if (!page.document.exchanges.empty()) {
    // The document's own host, when it came over HTTP/2.
    const auto h = s->host_ids.find(host_key(*base));
    if (h != s->host_ids.end()) s->saw_version(h->second, page.document.exchanges.back().version);
  }
  page.content_loaded = clock_type::now() - load_start;

  const bool aborted = co_await dispatch(s, client_, options_);
  page.images = std::move(s->items);
  page.skipped = std::move(s->skipped);
  page.inline_images = s->inline_data;
  page.truncated = s->truncated;
  page.dropped = s->dropped;
  page.max_in_flight = s->max_running;
  page.lowered_concurrency = s->lowered_limit;
  finish();
  if (aborted) co_return std::error_code(asio::error::operation_aborted);
  co_return page;
}

}  // namespace corofetch::page
