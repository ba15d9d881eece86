#pragma once

#include <corofetch/net/error.hpp>
#include <corofetch/result.hpp>

#include <chrono>
#include <span>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

namespace corofetch::net {

/// How async_connect races its endpoints.
struct connect_options {
  /// How long an attempt runs alone before the next one starts beside it: RFC 8305 5's
  /// "Connection Attempt Delay" (250 ms recommended, 100 ms to 2 s sensible).
  std::chrono::milliseconds attempt_delay{250};
  /// The bound on the whole connect phase, every attempt included; zero means none. When it
  /// passes, every attempt is closed and the error is errc::connect_timeout.
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  /// Set TCP_NODELAY on the connected socket: HTTP writes whole messages, and Nagle's algorithm
  /// would hold back the last segment of a request until the previous one is acknowledged.
  bool no_delay = true;
  /// Interleave address families, IPv6 first (RFC 8305 4); false tries them in the order given.
  bool interleave_families = true;
};

/// The order RFC 8305 4 gives to the endpoints: IPv6 and IPv4 alternating, IPv6 first, each
/// family keeping its own order (the resolver's preference). Pure; allocates the result.
[[nodiscard]] std::vector<asio::ip::tcp::endpoint> happy_eyeballs_order(
    std::span<const asio::ip::tcp::endpoint> endpoints);

/// Connects a TCP socket to the first of `endpoints` that answers, with Happy Eyeballs (RFC 8305
/// 5): attempts start one at a time in happy_eyeballs_order(), the next one when the previous
/// fails or after options.attempt_delay, while earlier ones keep running; the first to connect
/// wins and every other attempt is closed. The socket comes back on `executor`, with TCP_NODELAY
/// when options.no_delay.
///
/// Errors: errc::no_endpoints for an empty span; errc::connect_timeout when options.timeout
/// passes first; when every attempt failed, the error of the last one to fail (a system error
/// such as asio::error::connection_refused). Cancellation: the awaiting coroutine's cancellation
/// slot (terminal, partial or total) closes every attempt and the result is
/// asio::error::operation_aborted. `endpoints` must stay valid until the co_await completes.
/// Safe on an executor run by several threads: the race runs on a strand of `executor`.
asio::awaitable<result<asio::ip::tcp::socket>> async_connect(
    asio::any_io_executor executor, std::span<const asio::ip::tcp::endpoint> endpoints,
    connect_options options = {});

}  // namespace corofetch::net
