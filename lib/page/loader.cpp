// The page loader: the document through the client, its images found by html::extract_images,
// then fetched by a few worker coroutines that take the next image whose host has room, so one
// slow host never holds the others' slots (a FIFO per host would). Workers wait for room on a
// timer used as a condition variable; the load waits for its workers on another.
#include <corofetch/page/loader.hpp>

#include <corofetch/client/error.hpp>
#include <corofetch/client/request.hpp>
#include <corofetch/client/sink.hpp>
#include <corofetch/html/error.hpp>
#include <corofetch/http/method.hpp>
#include <corofetch/http/syntax.hpp>
#include <corofetch/url/url.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
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
constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

// Image bodies not kept: counted by the client (response::body_bytes), dropped here.
class discard_sink final : public client::body_sink {
 public:
  std::error_code write(std::string_view) override { return {}; }
};

// Whether a response is a document to look into: HTML by its Content-Type, or one without any
// (browsers sniff those; a page without a type is almost always HTML).
bool is_html(const resource& r) {
  const std::string_view type = r.content_type;
  if (type.empty()) return true;
  const auto starts_with = [&](std::string_view prefix) {
    return http::iequals(type.substr(0, prefix.size()), prefix);
  };
  return starts_with("text/html") || starts_with("application/xhtml+xml");
}

// What a finished fetch tells about a resource.
void record(resource& r, const client::response& response, std::error_code ec,
            clock_type::time_point load_start, clock_type::time_point started, bool keep_body) {
  r.started = started - load_start;
  r.finished = clock_type::now() - load_start;
  r.error = ec;
  if (ec) {
    r.error_detail = response.error_detail.empty() ? ec.message() : response.error_detail;
    r.redirects = response.redirects.size();
    return;
  }
  r.status = response.status;
  r.content_type = std::string(response.fields.find("Content-Type").value_or(""));
  r.bytes = response.body_bytes;
  r.wire_bytes = response.wire_body_bytes;
  r.final_url = response.url;
  r.redirects = response.redirects.size();
  r.timing = response.timing;
  r.reused = response.reused;
  r.fields = response.fields;
  if (keep_body) r.body = response.body;
}

// The Referer a browser sends for a subresource (strict-origin-when-cross-origin, the default
// referrer policy): the document's URL without fragment and userinfo to its own origin, only
// the origin elsewhere, nothing from https to http.
std::string referer_for(const url::url& document, const url::url& target) {
  if (document.scheme() == "https" && target.scheme() != "https") return {};
  const bool same_origin = document.scheme() == target.scheme() &&
                           document.hostname() == target.hostname() &&
                           document.effective_port() == target.effective_port();
  std::string origin = std::string(document.scheme()) + "://" + std::string(document.hostname());
  if (const auto port = document.port()) origin += ":" + std::to_string(*port);
  if (!same_origin) return origin + "/";
  return origin + std::string(document.path_and_query());
}

// The images and who may take which: the next one, in page order, whose host is under the
// per-host limit. Shared by the load and its workers, so that a worker outliving the load
// (its frame destroyed with the io_context) never reaches freed memory.
struct schedule {
  std::vector<resource> images;
  std::vector<url::url> targets;   // each image's URL, as the page named it (parsed once)
  std::vector<std::string> hosts;  // the host:port of each image
  std::vector<bool> taken;
  std::size_t first_open = 0;  // every image before it is taken
  std::map<std::string, std::size_t> running_per_host;
  std::size_t running = 0;
  std::size_t max_running = 0;
  std::size_t per_host = 1;
  std::size_t workers_left = 0;
  bool stopping = false;
  // Timers that never expire, used as condition variables: cancel() wakes every waiter and
  // leaves the expiry alone (setting it would cancel the other waiters too).
  asio::steady_timer room;      // cancelled when a slot frees: waiting workers look again
  asio::steady_timer finished;  // cancelled when the last worker ends
  std::vector<asio::cancellation_signal> stops;  // one per worker: a cancelled load stops all

  explicit schedule(const asio::any_io_executor& ex)
      : room(ex, clock_type::time_point::max()), finished(ex, clock_type::time_point::max()) {}

  // The index of the next image to fetch; none when every one is taken; images.size() when
  // some are left but their hosts are full.
  std::size_t take() {
    while (first_open < taken.size() && taken[first_open]) ++first_open;
    if (first_open == taken.size()) return none;
    for (std::size_t i = first_open; i < taken.size(); ++i) {
      if (taken[i]) continue;
      std::size_t& on_host = running_per_host[hosts[i]];
      if (on_host >= per_host) continue;
      ++on_host;
      taken[i] = true;
      max_running = std::max(max_running, ++running);
      return i;
    }
    return images.size();
  }

  void release(std::size_t i) {
    --running_per_host[hosts[i]];
    --running;
    room.cancel();
  }
};

asio::awaitable<void> fetch_images(std::shared_ptr<schedule> s, client::client& c,
                                   const load_options& options, url::url document,
                                   clock_type::time_point load_start) {
  client::response response;
  discard_sink discard;
  client::fetch_options fetch = options.images;
  if (!options.keep_bodies) fetch.sink = &discard;
  while (!s->stopping) {
    const std::size_t i = s->take();
    if (i == none) break;
    if (i == s->images.size()) {  // hosts full: wait for a slot to free
      co_await s->room.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
      // Read the state directly: awaiting another coroutine here would throw once cancelled.
      const auto state = co_await asio::this_coro::cancellation_state;
      if (state.cancelled() != asio::cancellation_type::none) break;
      continue;
    }
    resource& image = s->images[i];
    const url::url& target = s->targets[i];
    const auto started = clock_type::now();
    std::error_code ec;
    response.clear();
    auto req = client::request::make(http::method::get, target);
    if (!req) {
      ec = req.error();
    } else {
      req->fields.add("Accept", "image/avif,image/webp,image/apng,image/*,*/*;q=0.8");
      const std::string referer = referer_for(document, target);
      if (!referer.empty()) req->fields.add("Referer", referer);
      ec = co_await c.async_fetch_into(*req, response, fetch);
    }
    record(image, response, ec, load_start, started, options.keep_bodies);
    s->release(i);
    if (options.on_resource) options.on_resource(image);
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) break;
  }
}

}  // namespace

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
}

asio::awaitable<result<page_result>> loader::async_load(std::string url) {
  const auto load_start = clock_type::now();
  auto req = client::request::make(http::method::get, url);
  if (!req) co_return req.error();
  req->fields.add("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");

  page_result page;
  page.document.url = std::string(req->url.href());
  page.document.source = "document";
  {
    client::response response;
    const auto started = clock_type::now();
    const std::error_code ec = co_await client_.async_fetch_into(*req, response, options_.document);
    record(page.document, response, ec, load_start, started, true);
  }
  if (options_.on_resource) options_.on_resource(page.document);
  const auto after_document = co_await asio::this_coro::cancellation_state;
  if (after_document.cancelled() != asio::cancellation_type::none) {
    co_return std::error_code(asio::error::operation_aborted);
  }
  if (!page.document.ok() || !is_html(page.document)) {
    page.total = clock_type::now() - load_start;
    co_return page;
  }

  // The images, against the URL the document came from (after redirects).
  auto base =
      url::parse(page.document.final_url.empty() ? page.document.url : page.document.final_url);
  if (!base) co_return base.error();
  auto found = html::extract_images(page.document.body, *base, options_.extract);
  if (!found) co_return found.error();
  page.title = found->title;
  page.skipped = std::move(found->skipped);
  auto s = std::make_shared<schedule>(co_await asio::this_coro::executor);
  for (html::image& image : found->images) {
    if (image.inline_data) {
      ++page.inline_images;
      continue;
    }
    resource r;
    r.url = std::string(image.location.href_without_fragment());
    r.source = std::string(html::to_string(image.source));
    s->images.push_back(std::move(r));
    s->hosts.push_back(std::string(image.location.hostname()) + ":" +
                       std::to_string(image.location.effective_port().value_or(0)));
    s->targets.push_back(std::move(image.location));
  }
  if (s->images.empty()) {
    page.total = clock_type::now() - load_start;
    co_return page;
  }
  s->taken.assign(s->images.size(), false);
  s->per_host = options_.per_host;
  const std::size_t workers = std::min(options_.concurrency, s->images.size());
  s->workers_left = workers;
  s->stops = std::vector<asio::cancellation_signal>(workers);
  const auto executor = co_await asio::this_coro::executor;
  for (std::size_t w = 0; w < workers; ++w) {
    asio::co_spawn(executor, fetch_images(s, client_, options_, *base, load_start),
                   asio::bind_cancellation_slot(s->stops[w].slot(), [s](const std::exception_ptr&) {
                     if (--s->workers_left == 0) s->finished.cancel();
                   }));
  }
  // Wait for the workers; a cancellation of this load stops them all, then waits for them.
  bool aborted = false;
  while (s->workers_left > 0) {
    co_await s->finished.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    const auto state = co_await asio::this_coro::cancellation_state;
    const bool stop = state.cancelled() != asio::cancellation_type::none;
    if (stop && !aborted && s->workers_left > 0) {
      aborted = true;
      s->stopping = true;
      for (auto& signal : s->stops) signal.emit(asio::cancellation_type::terminal);
      s->room.cancel();
      co_await asio::this_coro::reset_cancellation_state();
    }
  }
  page.images = std::move(s->images);
  page.max_in_flight = s->max_running;
  page.total = clock_type::now() - load_start;
  if (aborted) co_return std::error_code(asio::error::operation_aborted);
  co_return page;
}

}  // namespace corofetch::page
