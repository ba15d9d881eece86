#pragma once

#include <corofetch/dns/cache.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/dns/record.hpp>
#include <corofetch/result.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/dispatch.hpp>
#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace corofetch::dns {

/// Which addresses async_resolve() asks for.
enum class address_family : std::uint8_t {
  any,   ///< AAAA and A, both queried at once
  ipv4,  ///< A only
  ipv6,  ///< AAAA only
};

/// One address of a host with the port asked for, and how long it may be used (seconds).
/// Literal addresses and hosts-file entries carry TTL 0: they come from no DNS answer.
struct resolved_endpoint {
  asio::ip::tcp::endpoint endpoint;
  std::uint32_t ttl = 0;
};

/// How the resolver talks to DNS (resolv.conf's settings, plus the c-ares traps of
/// ../shared/BENCHMARKING.md handled).
struct resolver_options {
  /// Servers as parse_server_address() reads them ("127.0.0.1:5353", "127.0.0.1#5353",
  /// "[::1]:53"); empty: /etc/resolv.conf's. A bad address or port is errc::bad_options.
  std::vector<std::string> servers;
  /// Time for one try; c-ares doubles it on each round over the servers.
  std::chrono::milliseconds timeout{2000};
  /// Tries per server before errc::timeout (c-ares' default of 4 doubling tries from 5 s can
  /// hold a query 75 s).
  int tries = 2;
  /// Search domains as resolv.conf's "search"; nullopt: resolv.conf's own.
  std::optional<std::vector<std::string>> search_domains;
  /// resolv.conf's "ndots"; nullopt: resolv.conf's own (1 when absent).
  std::optional<int> ndots;
  /// Spread queries over the servers instead of trying them in order.
  bool rotate = false;
  /// On SERVFAIL or REFUSED, try the next server as c-ares does by default. c-ares 1.18.1 then
  /// loses the RCODE and reports errc::connection_refused when every server failed, so the
  /// default (false) reports errc::servfail / errc::refused from the first server instead.
  bool failover_on_servfail = false;
  /// Hosts file read once at construction and consulted by async_resolve(); "" for none.
  std::string hosts_file = "/etc/hosts";
  /// Distinct queries in flight at once; more wait in a FIFO queue. Above about 300 on one UDP
  /// socket the kernel drops replies.
  std::size_t max_in_flight = 256;
  /// Queries a channel sends before a new channel (new UDP source port) takes over, the old one
  /// finishing what it has in flight: spoofing resistance, c-ares keeps one port per channel.
  std::size_t queries_per_channel = 4096;
  /// SO_RCVBUF for c-ares' sockets (the kernel caps it at net.core.rmem_max).
  int receive_buffer = 1 << 20;
  cache_options cache;
  /// The clock the cache runs on; empty: std::chrono::steady_clock::now. For tests.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

/// What a resolver has done so far.
struct resolver_stats {
  cache_counters cache;
  std::size_t in_flight = 0;       ///< distinct queries sent and not yet answered
  std::size_t queued = 0;          ///< distinct queries waiting for a slot
  std::uint64_t queries_sent = 0;  ///< queries handed to c-ares
  std::uint64_t channels_created = 0;
};

/// An asynchronous DNS resolver over c-ares 1.18.1, run by the executor's event loop: c-ares'
/// sockets are watched by Asio and its timeouts by an Asio timer, no thread of its own. Answers
/// (and NXDOMAIN/NODATA, RFC 2308) are cached; identical concurrent lookups share one query.
///
/// Threading: one resolver per event loop. Its executor must be single-threaded (an io_context
/// run by one thread), and every member function, awaitable ones included, must be used from
/// that thread. There is no strand inside.
///
/// SIGPIPE: c-ares' TCP writes go through sendmsg(MSG_NOSIGNAL) (our socket functions), so a
/// server closing a TCP connection cannot kill the process; no signal disposition is changed.
///
/// Lifetime: destroy the resolver before its io_context. The awaitable overloads return a
/// result<T>, which is not default-constructible: to co_spawn a lookup with a completion
/// handler, use the CompletionToken overloads (or wrap the co_await in your own coroutine).
class resolver {
 public:
  using executor_type = asio::any_io_executor;

  /// Throws std::system_error (errc::bad_options) when c-ares rejects the options (a server
  /// that is not "address[:port]", ...).
  explicit resolver(executor_type executor, resolver_options options = {});
  /// Queries in flight complete with asio::error::operation_aborted.
  ~resolver();
  resolver(const resolver&) = delete;
  resolver& operator=(const resolver&) = delete;

  [[nodiscard]] executor_type get_executor() const noexcept;

  /// The addresses of `host` with `port`: a literal IPv4/IPv6 address (brackets allowed) and a
  /// hosts-file name are answered without a query; otherwise AAAA and/or A (cached). IPv6
  /// addresses come first (RFC 6724 default policy). Errors: errc::nxdomain, nodata (neither
  /// family has an address), servfail, refused, timeout, bad_name, ... Cancellation (terminal,
  /// e.g. `||` with a timer): completes at once with asio::error::operation_aborted.
  [[nodiscard]] asio::awaitable<result<std::vector<resolved_endpoint>>> async_resolve(
      std::string host, std::uint16_t port, address_family family = address_family::any);

  /// async_resolve() for any completion token: signature void(std::error_code,
  /// std::vector<resolved_endpoint>). The handler's cancellation slot cancels the lookup.
  template <class CompletionToken>
  auto async_resolve(std::string host, std::uint16_t port, address_family family,
                     CompletionToken&& token);

  /// The records of `type` for `name` (RFC 1035 3.2, 4.1), each with its TTL: MX sorted by
  /// preference (lowest first), PTR from reverse_name(); CAA, ANY and a type by number (RFC
  /// 3597, as unknown_data) too. Search domains apply to relative names (a trailing dot makes a
  /// name absolute). Errors: errc::nxdomain, nodata (with the negative TTL cached, RFC 2308),
  /// resolution_loop (the answer's CNAMEs go round in a circle), servfail, refused, timeout,
  /// bad_name, malformed_answer, connection_refused. Cancellation: the waiter completes at once
  /// with asio::error::operation_aborted; a query c-ares already sent runs on (c-ares 1.18.1 cannot
  /// cancel one query) and its answer still fills the cache, one not yet sent is dropped.
  [[nodiscard]] asio::awaitable<result<std::vector<record>>> async_query(std::string name,
                                                                         record_type type);

  /// async_query() for any completion token: signature void(std::error_code,
  /// std::vector<record>).
  template <class CompletionToken>
  auto async_query(std::string name, record_type type, CompletionToken&& token);

  [[nodiscard]] resolver_stats stats() const noexcept;
  /// Forgets every cached answer (queries in flight still fill the cache when they end).
  void clear_cache() noexcept;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
  executor_type executor_;
};

namespace detail {

template <class T>
asio::awaitable<std::pair<std::error_code, T>> as_error_pair(asio::awaitable<result<T>> op) {
  result<T> r = co_await std::move(op);
  if (!r) co_return std::pair<std::error_code, T>{r.error(), T{}};
  co_return std::pair<std::error_code, T>{std::error_code{}, std::move(*r)};
}

/// Runs `op` on `executor` and completes `handler` with (error_code, T) on the handler's own
/// executor; the handler's cancellation slot reaches the coroutine.
template <class T, class Handler>
void spawn_with_error(const asio::any_io_executor& executor, asio::awaitable<result<T>> op,
                      Handler handler) {
  auto slot = asio::get_associated_cancellation_slot(handler);
  auto handler_executor = asio::get_associated_executor(handler, executor);
  asio::co_spawn(
      executor, as_error_pair(std::move(op)),
      asio::bind_cancellation_slot(
          slot, [handler = std::move(handler), handler_executor](
                    const std::exception_ptr& e, std::pair<std::error_code, T> r) mutable {
            if (e) std::rethrow_exception(e);  // only std::bad_alloc can get here
            asio::dispatch(handler_executor, [h = std::move(handler), r = std::move(r)]() mutable {
              std::move(h)(r.first, std::move(r.second));
            });
          }));
}

}  // namespace detail

template <class CompletionToken>
auto resolver::async_resolve(std::string host, std::uint16_t port, address_family family,
                             CompletionToken&& token) {
  return asio::async_initiate<CompletionToken,
                              void(std::error_code, std::vector<resolved_endpoint>)>(
      [this](auto handler, std::string h, std::uint16_t p, address_family f) {
        detail::spawn_with_error(executor_, async_resolve(std::move(h), p, f), std::move(handler));
      },
      token, std::move(host), port, family);
}

template <class CompletionToken>
auto resolver::async_query(std::string name, record_type type, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(std::error_code, std::vector<record>)>(
      [this](auto handler, std::string n, record_type t) {
        detail::spawn_with_error(executor_, async_query(std::move(n), t), std::move(handler));
      },
      token, std::move(name), type);
}

}  // namespace corofetch::dns
