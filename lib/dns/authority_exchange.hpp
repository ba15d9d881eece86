#pragma once

// One query to one authoritative server and its reply, over UDP or TCP, bounded in time: the
// transport of the iterative resolver. c-ares is not used here: it hides the authority and
// additional sections behind its parse functions and retries on its own schedule, where an
// iterative resolver must see every section and choose the next server itself.
#include <corofetch/dns/trace.hpp>

#include <asio/awaitable.hpp>
#include <asio/ip/udp.hpp>

#include <chrono>
#include <cstdint>
#include <system_error>
#include <vector>

namespace corofetch::dns::detail {

/// What came back from one server.
struct exchange_reply {
  /// Empty when `message` holds the reply; errc::timeout, errc::connection_refused (ICMP port
  /// unreachable, TCP RST), errc::malformed_answer (a TCP reply that does not answer the query,
  /// or is cut short), asio::error::operation_aborted (cancelled), or a socket error.
  std::error_code error;
  std::vector<std::uint8_t> message;
  std::chrono::microseconds elapsed{0};
};

/// Sends `query` (a whole message, see make_query()) to `server` and waits at most `timeout`
/// for its reply. Over UDP (RFC 1035 4.2.1), from a fresh socket (a new random source port per
/// query, RFC 5452 9.2) connected to the server, datagrams that do not answer the query
/// (answers_query(): another id or question) are dropped and the wait goes on. Over TCP (RFC
/// 1035 4.2.2, RFC 7766), one connection for the one query, each message behind its two-byte
/// length. Cancellation: the awaiting coroutine's cancellation slot ends the wait with
/// asio::error::operation_aborted.
[[nodiscard]] asio::awaitable<exchange_reply> async_exchange(asio::ip::udp::endpoint server,
                                                             std::vector<std::uint8_t> query,
                                                             query_transport transport,
                                                             std::chrono::milliseconds timeout);

}  // namespace corofetch::dns::detail
