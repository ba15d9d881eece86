#pragma once
// One bound for every wait of a line protocol: an operation on a net::stream raced against a
// steady_timer set to a deadline, as the HTTP client bounds its phases. The caller names the
// error a passed deadline gives, in its own module's category.

#include <corofetch/net/stream.hpp>

#include <chrono>
#include <system_error>

#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>

namespace corofetch::textproto {

using clock = std::chrono::steady_clock;

/// stream.async_read_some(buffer), or `timeout` when `deadline` passes first (the read is then
/// cancelled). clock::time_point::max() means no bound.
asio::awaitable<net::io_result> read_some_before(net::stream& stream, asio::mutable_buffer buffer,
                                                 clock::time_point deadline,
                                                 std::error_code timeout);

/// stream.async_write(buffer), or `timeout` when `deadline` passes first.
asio::awaitable<net::io_result> write_before(net::stream& stream, asio::const_buffer buffer,
                                             clock::time_point deadline, std::error_code timeout);

/// now + d, or time_point::max() for a zero (unbounded) duration.
[[nodiscard]] clock::time_point deadline_after(std::chrono::milliseconds d) noexcept;

}  // namespace corofetch::textproto
