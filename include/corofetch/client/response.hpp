#pragma once

#include <corofetch/http/fields.hpp>
#include <corofetch/http/version.hpp>

#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace corofetch::client {

/// How long each phase of one exchange took (zero for a phase that did not happen: no DNS,
/// connect or TLS on a reused connection). The phases follow each other, so their sum is the
/// exchange's duration.
struct timing {
  using duration = std::chrono::nanoseconds;
  duration queued{0};      ///< waiting for a pool slot or idle connection
  duration dns{0};         ///< resolving the host (or the proxy)
  duration connect{0};     ///< TCP connect (and a proxy's CONNECT tunnel)
  duration tls{0};         ///< TLS handshake
  duration sent{0};        ///< writing the request
  duration first_byte{0};  ///< from the request written to the first response byte
  duration done{0};        ///< from the first response byte to the last

  [[nodiscard]] duration total() const noexcept {
    return queued + dns + connect + tls + sent + first_byte + done;
  }
};

/// One exchange that answered with a redirect that was followed.
struct redirect_hop {
  std::string url;       ///< the URL requested
  std::string method;    ///< the method it was requested with
  int status = 0;        ///< 301, 302, 303, 307 or 308
  std::string location;  ///< the Location field as received
  client::timing timing;
  bool reused = false;
  asio::ip::tcp::endpoint remote;   ///< the address connected to (a proxy's, through one)
  std::uint64_t connection_id = 0;  ///< which connection carried it (unique in the process)
  std::string reason;               ///< the status line's reason phrase
  http::fields fields;              ///< the response head's fields
};

/// A response as the client hands it over. Reusable: async_fetch_into() clears and refills one,
/// keeping its memory, so a loop over one response object allocates nothing for it.
struct response {
  int status = 0;
  std::string reason;
  http::version version;
  http::fields fields;
  http::fields trailers;
  /// The body after content decoding, unless it went to a sink.
  std::string body;
  /// Body bytes delivered (to body or the sink), after decoding.
  std::uint64_t body_bytes = 0;
  /// Body bytes received on the wire (after chunked framing, before decoding).
  std::uint64_t wire_body_bytes = 0;
  /// True when a content coding (gzip, deflate) was undone.
  bool decoded = false;
  /// The URL of the final exchange (after redirects).
  std::string url;
  /// The final exchange's timing, and whether it ran on a reused connection.
  client::timing timing;
  bool reused = false;
  /// The address the final exchange's connection reached (a proxy's when through one; for
  /// WARC-IP-Address, HAR serverIPAddress, curl's remote_ip) and that connection's id, unique
  /// in the process (HAR's `connection`); both zero when no connection was reached.
  asio::ip::tcp::endpoint remote;
  std::uint64_t connection_id = 0;
  /// The redirects followed to get here, in order.
  std::vector<redirect_hop> redirects;
  /// After a failed fetch: what went wrong in words, with context (the redirect chain of a loop,
  /// OpenSSL's reason, the URL); "" after a success.
  std::string error_detail;

  /// Forgets everything, keeping the memory.
  void clear() noexcept;
};

}  // namespace corofetch::client
