#pragma once
// Loading a page in a test: a fresh client and loader on a private io_context, bounded in time.

#include <corofetch/client/client.hpp>
#include <corofetch/page/loader.hpp>

#include "support/client/loopback_options.hpp"
#include "support/net/run.hpp"

#include <chrono>
#include <string>
#include <system_error>

namespace corofetch::test {

/// A load's outcome (run_coro needs a default-constructible value).
struct page_load {
  std::error_code error;
  page::page_result page;
  explicit operator bool() const noexcept { return !error; }
  const page::page_result* operator->() const noexcept { return &page; }
  const page::page_result& operator*() const noexcept { return page; }
};

/// Loads `url` with a fresh client (loopback options) and loader.
inline page_load load_page(const std::string& url, const page::load_options& lo = {},
                           std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  return run_coro(
      [&]() -> asio::awaitable<page_load> {
        client::client c(co_await asio::this_coro::executor, loopback_client_options());
        page::loader l(c, lo);
        auto r = co_await l.async_load(url);
        c.close_idle();
        page_load out;
        if (r) {
          out.page = std::move(*r);
        } else {
          out.error = r.error();
        }
        co_return out;
      },
      limit);
}

}  // namespace corofetch::test
