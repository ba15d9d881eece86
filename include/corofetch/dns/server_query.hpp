#pragma once

#include <corofetch/dns/record.hpp>
#include <corofetch/dns/response.hpp>
#include <corofetch/dns/trace.hpp>
#include <corofetch/result.hpp>

#include <asio/awaitable.hpp>
#include <asio/ip/udp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace corofetch::dns {

/// How async_query_server() asks; the defaults are dig's.
struct server_query_options {
  /// Time for one try (dig +time, 5 s).
  std::chrono::milliseconds timeout{5000};
  /// Rounds over the servers over UDP before errc::timeout (dig +tries, 3); TCP tries once.
  int tries = 3;
  /// Ask over TCP from the start (dig +tcp) instead of UDP, then TCP when truncated.
  bool tcp = false;
  /// RD: ask the server to find the answer (RFC 1034 4.3.1); clear for an authority only.
  bool recursion_desired = true;
  /// EDNS0 UDP payload size offered (RFC 6891 6.2.5; dig's 1232); 0 sends no OPT record.
  std::uint16_t udp_payload_size = 1232;
};

/// One question put to a name server and its reply, with what dig shows around it.
struct server_reply {
  /// Empty when `message` is the reply (whatever its RCODE); errc::timeout (no server
  /// answered within the tries), errc::connection_refused, errc::malformed_answer (a reply
  /// that cannot be read), errc::bad_name, errc::bad_options (no server),
  /// asio::error::operation_aborted (cancelled).
  std::error_code error;
  response message;
  asio::ip::udp::endpoint server;  ///< the server that answered, or the last one asked
  query_transport transport = query_transport::udp;
  bool retried_over_tcp = false;         ///< a truncated UDP reply was asked again over TCP
  std::chrono::microseconds elapsed{0};  ///< from sending to the reply, of the try that got it
  std::size_t bytes_received = 0;        ///< the reply's size (dig's MSG SIZE rcvd)
  std::size_t bytes_sent = 0;            ///< the query's size
};

/// Asks `servers` for `name` (absolute; a trailing dot optional, "." the root) and `type`,
/// class IN, as dig does (RFC 1035 4.2): over UDP from a fresh socket with a random id and
/// source port, trying each server in turn for `tries` rounds, a truncated reply asked again
/// over TCP (RFC 7766 5); over TCP throughout with `options.tcp`. Any reply ends the query,
/// whatever its RCODE (no retry on SERVFAIL, as dig's +nofail). The reply is read whole, records
/// of types without a struct kept as unknown_data (RFC 3597). Errors in server_reply::error.
/// Cancellation: through the awaiting coroutine's slot, the try in flight ends with
/// asio::error::operation_aborted.
[[nodiscard]] asio::awaitable<server_reply> async_query_server(
    std::vector<asio::ip::udp::endpoint> servers, std::string name, record_type type,
    server_query_options options = {});

/// The name servers of /etc/resolv.conf (as c-ares reads it, with its fallback to the local
/// host when there is none), port 53 unless given. errc::bad_options when none can be read.
[[nodiscard]] result<std::vector<asio::ip::udp::endpoint>> system_name_servers();

}  // namespace corofetch::dns
