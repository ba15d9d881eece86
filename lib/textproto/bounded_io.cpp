#include "textproto/bounded_io.hpp"

#include <utility>

#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace corofetch::textproto {
namespace {

constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace

clock::time_point deadline_after(std::chrono::milliseconds d) noexcept {
  if (d.count() <= 0) return clock::time_point::max();
  return clock::now() + d;
}

asio::awaitable<net::io_result> read_some_before(net::stream& stream, asio::mutable_buffer buffer,
                                                 clock::time_point deadline,
                                                 std::error_code timeout) {
  if (deadline == clock::time_point::max()) co_return co_await stream.async_read_some(buffer);
  if (clock::now() >= deadline) co_return net::io_result{timeout, 0};
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(stream.get_executor(), deadline);
  // The operands are named: g++ 12 can destroy temporaries of a co_await expression twice.
  auto read = stream.async_read_some(buffer);
  auto expiry = timer.async_wait(use_tuple);
  auto outcome = co_await (std::move(read) || std::move(expiry));
  if (outcome.index() == 1) co_return net::io_result{timeout, 0};
  co_return std::get<0>(outcome);
}

asio::awaitable<net::io_result> write_before(net::stream& stream, asio::const_buffer buffer,
                                             clock::time_point deadline, std::error_code timeout) {
  if (deadline == clock::time_point::max()) co_return co_await stream.async_write(buffer);
  if (clock::now() >= deadline) co_return net::io_result{timeout, 0};
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(stream.get_executor(), deadline);
  auto write = stream.async_write(buffer);
  auto expiry = timer.async_wait(use_tuple);
  auto outcome = co_await (std::move(write) || std::move(expiry));
  if (outcome.index() == 1) co_return net::io_result{timeout, 0};
  co_return std::get<0>(outcome);
}

}  // namespace corofetch::textproto
