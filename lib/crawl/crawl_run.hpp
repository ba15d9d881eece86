// The state of one crawler run, shared by its dispatcher (the async_run coroutine) and its
// workers, and the steps a worker takes for a lease. Private to lib/crawl.
#pragma once

#include <corofetch/crawl/crawler.hpp>

#include <asio/cancellation_signal.hpp>
#include <asio/cancellation_state.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace corofetch::crawl::detail {

using clock_type = std::chrono::steady_clock;

// One robots.txt fetch in progress for an origin; workers holding other URLs of the origin
// wait for it on `done`, a timer that never expires, cancelled when it ends.
struct robots_flight {
  explicit robots_flight(const asio::any_io_executor& ex)
      : done(ex, clock_type::time_point::max()) {}
  asio::steady_timer done;
  bool finished = false;
};

struct run_state;

// A worker coroutine's state, reused from one lease to the next, and the control a page
// handler is given.
class worker final : public crawl_control {
 public:
  worker(run_state& run, const asio::any_io_executor& ex);
  std::error_code add(std::string_view target) override;
  void stop() override;

  run_state& run;
  asio::steady_timer wake;  // never expires: cancel() hands over a lease or ends the worker
  asio::cancellation_signal signal;
  std::optional<frontier_lease> lease;
  crawl_page page;
  crawl_page skip_page;                 // reports of skipped links
  std::optional<url::url> base;         // what add() resolves against
  client::fetch_options fetch;          // on_request_head fills page.request_head
  std::vector<frontier_entry> batch;    // links to push, memory reused
  std::vector<std::string> added;       // from add()
  std::vector<std::size_t> skip_links;  // indices of links to report as skipped
  std::error_code add_error;
};

struct run_state {
  run_state(client::client& c, const crawl_options& o, frontier& f, scope s, page_handler h,
            const asio::any_io_executor& ex);

  client::client& client;
  crawl_options options;
  frontier& front;
  crawl::scope scope;
  robots_cache robots;
  page_handler handler;
  std::string user_agent;  // sent; "" leaves the client's
  html::reference_options references;
  client::fetch_options robots_fetch;

  std::vector<std::unique_ptr<worker>> workers;
  std::vector<worker*> idle;
  std::size_t busy = 0;  // workers holding a lease
  std::size_t workers_alive = 0;
  asio::steady_timer wake;          // the dispatcher's: next ready time, or cancel()
  asio::steady_timer workers_done;  // cancelled when the last worker ends
  bool wake_pending = false;
  bool stop_requested = false;
  bool closing = false;  // idle workers end
  bool aborted = false;  // cancelled: workers stop where they are
  std::unordered_map<std::string, std::shared_ptr<robots_flight>> robots_flights;

  std::uint64_t pages_before = 0;    // fetched and failed in earlier runs (state file)
  std::uint64_t pages_this_run = 0;  // leases ended with a request, this run
  std::uint64_t reserved = 0;        // leases held, counted against max_pages
  bool page_limit_reached = false;
  crawl_progress counters;
  clock_type::time_point started = clock_type::now();
  clock_type::time_point ended{};  // when the run returned; zero while it runs

  std::error_code fatal;
  std::string fatal_detail;
  std::exception_ptr exception;

  void wake_dispatcher();
  void fail(std::error_code ec, std::string detail);
  // Idle workers that may take a lease now, within max_pages.
  [[nodiscard]] std::size_t room() const noexcept;
  void assign(frontier_lease lease);
  // A lease ended (page_ended: with a request whose outcome was recorded).
  void lease_ended(bool page_ended) noexcept;
  // Hands `page` to the handler; an exception it throws stops the crawl.
  void deliver(crawl_page& page, worker& w);
};

// True once the coroutine's cancellation slot was triggered. Read through
// co_await asio::this_coro::cancellation_state, which never throws: in Asio 1.22 awaiting an
// awaitable after a cancellation throws, and a cancelled coroutine must still clean up.
bool is_cancelled(const asio::cancellation_state& state) noexcept;

// Everything a worker does with its lease, from robots.txt to the end of the lease.
asio::awaitable<void> handle_lease(run_state& s, worker& w);

// The links of a fetched page (HTML links, a redirect's Location, a sitemap's URLs), each with
// its verdict. Synchronous.
void read_links(run_state& s, worker& w, const url::url& target);

// Why robots.txt refuses `path_and_query`, for skip_detail.
std::string robots_refusal(const robots_outcome& outcome, std::string_view path_and_query);

}  // namespace corofetch::crawl::detail
