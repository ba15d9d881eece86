#pragma once
// Runs one coroutine to completion on a fresh io_context, for tests: bounded in time, so a
// test that hangs fails instead of blocking the suite.

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <asio/use_future.hpp>

#include <chrono>
#include <future>
#include <stdexcept>

namespace corofetch::test {

/// Runs `make()`'s awaitable on a new single-threaded io_context and returns its value. Throws
/// std::runtime_error when it has not finished within `limit`, and rethrows its exceptions.
template <class MakeAwaitable>
auto run_coro(MakeAwaitable make, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  asio::io_context io(1);
  auto future = asio::co_spawn(io, make(), asio::use_future);
  io.run_for(limit);
  // use_future completes the promise through the system executor, possibly on its own thread
  // just after run_for() returned: allow it a moment.
  if (future.wait_for(std::chrono::seconds(1)) != std::future_status::ready) {
    throw std::runtime_error("run_coro: the coroutine did not finish in time");
  }
  return future.get();
}

/// Milliseconds elapsed since `start`.
inline long long elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace corofetch::test
