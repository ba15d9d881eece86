#pragma once

#include <corofetch/dns/resolver.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/net/classify.hpp>
#include <corofetch/net/stream.hpp>
#include <corofetch/net/tls.hpp>
#include <corofetch/result.hpp>

#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::client {

class body_sink;
class cookie_jar;

/// The bound of every wait of a fetch; zero means "no bound of its own" (the total still
/// applies). Each one that passes fails the fetch with its own code (see errc).
struct timeouts {
  std::chrono::milliseconds queue{std::chrono::seconds(60)};    ///< waiting for a pool slot
  std::chrono::milliseconds resolve{std::chrono::seconds(10)};  ///< DNS
  std::chrono::milliseconds connect{std::chrono::seconds(10)};  ///< TCP, every attempt included
  std::chrono::milliseconds tls_handshake{std::chrono::seconds(10)};
  /// From the first byte of the request written to the last byte of the response head.
  std::chrono::milliseconds response_head{std::chrono::seconds(30)};
  /// Between two reads of the body.
  std::chrono::milliseconds body_idle{std::chrono::seconds(30)};
  /// The whole fetch, redirects included.
  std::chrono::milliseconds total{0};
};

/// The connection pool's bounds (one pool per client, keyed by origin: scheme, host, port).
struct pool_options {
  std::size_t max_per_host = 6;  ///< connections open to one origin (browsers use 6)
  std::size_t max_total = 256;   ///< connections open in all
  /// An idle connection is closed after this long (servers close theirs after 5-75 s).
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  /// An idle connection taken again after at least this long is first checked (one
  /// non-blocking recv with MSG_PEEK) for a close by the server, or for bytes it sent unasked
  /// (RFC 9112 9.3: the connection is then closed, never reused). Zero, the default, checks at
  /// every reuse. A longer time saves that syscall on a busy connection, at a price: bytes a
  /// server sent unasked within it are read as the next request's response. Requests that
  /// cannot be retried (POST, streamed bodies) always check.
  std::chrono::milliseconds idle_check_after{0};
};

/// A fixed address for a host and port, bypassing DNS (curl's --resolve HOST:PORT:ADDR).
struct resolve_override {
  std::string host;
  std::uint16_t port = 0;
  std::string address;  ///< an IPv4 or IPv6 literal
};

/// Parses curl's --resolve syntax, "HOST:PORT:ADDR" (ADDR an IPv4 or IPv6 literal, brackets
/// allowed). Errors: std::errc::invalid_argument when a part is missing or the port is not a
/// number from 0 to 65535. The address itself is checked when the client uses it.
[[nodiscard]] result<resolve_override> parse_resolve_override(std::string_view spec);

/// The addresses `overrides` give for `host` (brackets allowed) and `port`, in their order;
/// empty when none applies. Errors: those of net::parse_address for an address that is not an
/// IPv4 or IPv6 literal.
[[nodiscard]] result<std::vector<asio::ip::tcp::endpoint>> override_endpoints(
    std::span<const resolve_override> overrides, std::string_view host, std::uint16_t port);

/// Which HTTP version the client's connections speak (curl's --http1.1, --http2,
/// --http2-prior-knowledge).
enum class http_version_choice : std::uint8_t {
  /// HTTPS offers "h2" and "http/1.1" through ALPN (RFC 7301) and speaks what the server
  /// picks; plain http speaks HTTP/1.1. The default, as curl's and every browser's.
  negotiate,
  /// HTTP/1.1 only (ALPN offers "http/1.1").
  http1_1,
  /// HTTP/2 from the first byte (RFC 9113 3.3): h2c on plain http, and on HTTPS whatever ALPN
  /// says. Not through a forward proxy for http URLs (those stay HTTP/1.1).
  http2_prior_knowledge,
};

/// What a client is built with.
struct client_options {
  pool_options pool;
  net::tls_options tls;
  /// The resolver the client makes when it is not given one.
  dns::resolver_options resolver;
  std::vector<resolve_override> resolve_overrides;
  /// A forward proxy "http://[user:pass@]host:port": http URLs go through it in absolute-form,
  /// https URLs through a CONNECT tunnel (RFC 9112 3.2.2, RFC 9110 9.3.6). Empty: direct.
  std::string proxy;
  /// RFC 8305 connection attempt delay.
  std::chrono::milliseconds happy_eyeballs_delay{250};
  /// User-Agent sent unless a request sets one; "" sends none.
  std::string user_agent = http::default_user_agent();
  /// Send "Accept: */*" unless a request sets Accept.
  bool send_accept = true;
  /// HTTP/1.1, HTTP/2 or whichever the server picks. tls.alpn, when set, is offered instead.
  http_version_choice http_version = http_version_choice::negotiate;
  /// The private-address guard, for a crawler fed untrusted URLs: every address a connection
  /// would go to, after DNS and resolve_overrides, is checked just before connecting, and one
  /// that is not public (net::is_private_or_local: loopback, private, link-local such as
  /// 169.254.169.254, carrier-grade NAT, multicast, ...) is left out unless its class is in
  /// allowed_address_classes; a host with no address left fails with errc::address_refused.
  /// The addresses checked are the ones connected to, so DNS rebinding cannot pass it. Not
  /// applied through a forward proxy (the proxy connects). Off by default; cf-crawl turns it on.
  bool public_addresses_only = false;
  std::vector<net::address_class> allowed_address_classes;
  /// The most requests one HTTP/2 connection carries at once, below the server's
  /// SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 6.5.2); 100 as curl and most servers.
  std::size_t http2_max_streams = 100;
  /// The timeouts a fetch uses unless its fetch_options give others.
  client::timeouts timeouts;
  /// Cookies (RFC 6265, client/cookie_jar.hpp): each request gets the jar's Cookie field unless
  /// it sets Cookie itself, and every response head's Set-Cookie, each redirect's included, is
  /// stored. One jar may serve several clients. Null, the default: no cookies.
  std::shared_ptr<cookie_jar> cookies;
};

/// A connection being opened, as a verbose log describes it (curl -v's "Trying" and
/// "Connected to" lines and its TLS summary).
struct connection_event {
  enum class stage : std::uint8_t {
    resolved,  ///< the host is resolved: `addresses` are about to be tried
    connected  ///< connected (and through TLS): `remote`, `id` and `tls` are set
  };
  stage what = stage::resolved;
  std::string host;  ///< the host connected to (the proxy's when through one)
  std::uint16_t port = 0;
  std::vector<asio::ip::tcp::endpoint> addresses;  ///< in the order they are tried
  asio::ip::tcp::endpoint remote;
  std::uint64_t id = 0;       ///< the connection's id (response::connection_id)
  net::tls_session_info tls;  ///< empty for plain http
};

/// How one fetch runs.
struct fetch_options {
  client::timeouts timeouts;
  bool follow_redirects = false;  ///< follow 301 302 303 307 308 (RFC 9110 15.4)
  std::size_t max_redirects = 10;
  bool allow_https_to_http = false;  ///< follow a redirect from https to http
  /// Send "Accept-Encoding: gzip, deflate" and decode such bodies (RFC 9110 8.4).
  bool decode_content = true;
  std::uint64_t max_decoded_bytes = std::uint64_t{256} * 1024 * 1024;
  /// Bytes kept in response::body; more is errc::body_too_large. Ignored with a sink.
  std::uint64_t max_body_bytes = std::uint64_t{64} * 1024 * 1024;
  /// Where the body goes chunk by chunk instead of response::body (not owned).
  body_sink* sink = nullptr;
  /// Called with the head of every request written (each redirect and retry too), as sent:
  /// for verbose logs. Empty: not called.
  std::function<void(std::string_view head)> on_request_head;
  /// Called when a new connection is being opened: once its host is resolved, once it is
  /// connected (not for a reused one). For verbose logs. Empty: not called.
  std::function<void(const connection_event& event)> on_connection;
};

/// fetch_options with the client's default timeouts.
[[nodiscard]] inline fetch_options default_fetch_options(const client_options& o) {
  fetch_options f;
  f.timeouts = o.timeouts;
  return f;
}

}  // namespace corofetch::client
