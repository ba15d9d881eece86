#pragma once

#include <corofetch/dns/cache.hpp>
#include <corofetch/dns/delegation_cache.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/dns/record.hpp>
#include <corofetch/dns/root_hints.hpp>
#include <corofetch/dns/trace.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace corofetch::dns {

/// How an iterative resolver starts and how far it may go.
struct iterative_resolver_options {
  /// Root hints in master-file form (RFC 8109 2), read once by the constructor; used when
  /// `root_servers` is empty.
  std::string root_hints_file = std::string(default_root_hints_file);
  /// Root servers as "ADDR[:PORT]" ("127.0.0.2:5353", "[::1]:53") to start from instead of the
  /// hints file; a server without a port gets `port`.
  std::vector<std::string> root_servers;
  /// The port every name server learned from hints, referrals and glue is asked on: 53, or the
  /// one port of a test hierarchy on loopback.
  std::uint16_t port = 53;
  /// Ask the root servers for their own NS set first (RFC 8109 priming) and start from it.
  bool prime_root = true;
  /// Also use IPv6 name server addresses (AAAA glue, AAAA queries for servers without glue).
  bool use_ipv6 = false;
  /// Time for one query to one server, over UDP and then over TCP when truncated.
  std::chrono::milliseconds query_timeout{1500};
  /// Time for a whole async_resolve(): each query gets at most what is left of it.
  std::chrono::milliseconds resolve_timeout{10000};
  /// Queries one async_resolve() may send in all, sub-resolutions included.
  std::size_t max_queries = 64;
  /// Nested look-ups of name server addresses (a server without glue whose own servers have
  /// none, ...) before errc::query_limit.
  std::size_t max_depth = 4;
  /// CNAMEs followed for one name (RFC 1034 3.6.2 allows chains; loops are refused).
  std::size_t max_cname_chain = 8;
  /// EDNS0 UDP payload size offered (RFC 6891; 1232 avoids fragmentation); 0 sends no OPT.
  std::uint16_t udp_payload_size = 1232;
  /// Bounds of the delegation and negative caches (max_entries 0 disables both).
  cache_options cache;
  /// The clock the caches run on; empty: std::chrono::steady_clock::now. For tests.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

/// What one async_resolve() found and how.
struct resolution {
  /// Empty on success; errc::nxdomain, nodata, timeout, refused, servfail, lame_delegation,
  /// resolution_loop, query_limit, bad_name, asio::error::operation_aborted.
  std::error_code error;
  /// The answer as a recursive server would give it: the CNAMEs followed, in order, then the
  /// records of the type asked. On an error, the CNAMEs followed before it.
  std::vector<record> records;
  /// NXDOMAIN and NODATA: the seconds the negative answer may be kept (RFC 2308 5).
  std::optional<std::uint32_t> negative_ttl;
  /// True when the (negative) answer came from the cache, without a query.
  bool from_cache = false;
  /// Every query sent, in order, sub-resolutions of name server addresses included.
  std::vector<trace_step> steps;
};

/// A resolver that finds answers itself from the root down (RFC 1034 5.3.3, the seed's 3-2 to
/// 3-4): it asks the root servers, follows referrals to the servers of each zone below with
/// non-recursive queries (RD clear) over UDP, and TCP when a reply is truncated, using glue
/// within the bailiwick of the server that gave it (RFC 2181 5.4.1) and looking up the addresses
/// of name servers without glue; it follows CNAMEs across zones, passes over lame servers and
/// ignores out-of-bailiwick records. Delegations, name server addresses and negative answers are
/// cached for their TTLs, so the next name in a known zone starts at that zone's servers.
///
/// Threading: as dns::resolver, one per event loop, used from the executor's thread only.
/// Lifetime: outlive every async_resolve() it started.
class iterative_resolver {
 public:
  using executor_type = asio::any_io_executor;

  /// Throws std::system_error (errc::bad_options) when a root server is not "ADDR[:PORT]" or,
  /// without root_servers, the hints file cannot be read or names no root server.
  explicit iterative_resolver(executor_type executor, iterative_resolver_options options = {});
  ~iterative_resolver();
  iterative_resolver(const iterative_resolver&) = delete;
  iterative_resolver& operator=(const iterative_resolver&) = delete;

  [[nodiscard]] executor_type get_executor() const noexcept;

  /// Resolves `name` (absolute: no search domains; a trailing dot optional) and `type` from the
  /// closest enclosing delegation it knows, the root at first, recording every query in the
  /// trace. Errors in resolution::error (see there): a name server set of which no server gave
  /// an authoritative reply ends with the last server's error (errc::timeout, refused,
  /// servfail, lame_delegation, ...); max_queries, max_depth exhausted give errc::query_limit;
  /// resolve_timeout gives errc::timeout. Cancellation (terminal or partial, through the
  /// awaiting coroutine's cancellation slot, e.g. `||` with a timer): the query in flight is
  /// abandoned and the resolution ends with asio::error::operation_aborted and the trace so far;
  /// what was learned until then stays cached.
  [[nodiscard]] asio::awaitable<resolution> async_resolve(std::string name, record_type type);

  /// The delegations, addresses and negative answers learned so far.
  [[nodiscard]] const delegation_cache& cache() const noexcept;
  /// Forgets everything learned (the root hints stay).
  void clear_cache() noexcept;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace corofetch::dns
