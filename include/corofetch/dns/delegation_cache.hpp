#pragma once

#include <corofetch/dns/cache.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/dns/record.hpp>

#include <asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace corofetch::dns {

/// One name server of a zone: its host name (the NS record's target, RFC 1035 3.3.11) and the
/// addresses known for it, which may be none yet (an NS record without glue).
struct name_server {
  std::string name;  ///< without the trailing dot; "" for a server known by its address only
  std::vector<asio::ip::address> addresses;
};

/// A zone cut (RFC 1034 4.2.2): the zone and the servers authoritative for it.
struct delegation {
  std::string zone;  ///< lowercase, no trailing dot; "" is the root
  std::vector<name_server> servers;
};

/// What an iterative resolver remembers between lookups (the seed's 3-4, RFC 1034 5.3.3 step 2):
/// the delegations it followed (NS sets), the addresses of name servers (glue and answers), and
/// negative answers (RFC 2308 5: NXDOMAIN for every type of a name, NODATA for one type), each
/// for its TTL capped by cache_options (max_ttl, max_negative_ttl), at most max_entries of each
/// kind. Pure logic, names compared case-insensitively and without their trailing dot; time is
/// what the caller passes. Not thread-safe: one per resolver.
class delegation_cache {
 public:
  using clock = std::chrono::steady_clock;

  explicit delegation_cache(cache_options options = {});

  /// Keeps `servers` (host names) as the NS set of `zone` for `ttl` seconds from `now`,
  /// replacing what was kept for it; nothing when ttl is 0 or the cache is disabled.
  void store_delegation(std::string_view zone, const std::vector<std::string>& servers,
                        std::uint32_t ttl, clock::time_point now);

  /// Adds `address` to those kept for name server `host`, for `ttl` seconds from `now` (glue
  /// from a referral or an answer to the resolver's own query); an address kept already gets
  /// the later expiry.
  void store_address(std::string_view host, const asio::ip::address& address, std::uint32_t ttl,
                     clock::time_point now);

  /// The closest enclosing delegation of `name` (RFC 1034 5.3.3 step 2): the live NS set of
  /// `name` itself, else of its parent, and so on up to the root; each server with its live
  /// addresses. nullopt when none is kept, not even the root's.
  [[nodiscard]] std::optional<delegation> closest_enclosing(std::string_view name,
                                                            clock::time_point now) const;

  /// The live addresses kept for name server `host`.
  [[nodiscard]] std::vector<asio::ip::address> addresses(std::string_view host,
                                                         clock::time_point now) const;

  /// A negative answer kept for a name: which (errc::nxdomain or errc::nodata) and how many
  /// seconds of its negative TTL are left.
  struct negative_answer {
    std::error_code error;
    std::uint32_t ttl_left = 0;
  };

  /// Keeps NXDOMAIN for `name` (every type, RFC 2308 5) or NODATA for `name` and `type`, for
  /// `negative_ttl` seconds (the SOA's, RFC 2308 3) capped by max_negative_ttl. Other errors, and
  /// a TTL of 0, are not kept.
  void store_negative(std::string_view name, record_type type, std::error_code error,
                      std::uint32_t negative_ttl, clock::time_point now);

  /// The negative answer kept for `name` and `type`: an NXDOMAIN of the name, else a NODATA of
  /// the pair.
  [[nodiscard]] std::optional<negative_answer> find_negative(std::string_view name,
                                                             record_type type,
                                                             clock::time_point now);

  /// Forgets everything.
  void clear() noexcept;

  /// NS sets and name server hosts kept now (expired ones included until replaced).
  [[nodiscard]] std::size_t delegation_count() const noexcept { return zones_.size(); }
  [[nodiscard]] std::size_t host_count() const noexcept { return hosts_.size(); }

 private:
  struct zone_entry {
    std::vector<std::string> servers;
    clock::time_point expires;
  };
  struct timed_address {
    asio::ip::address address;
    clock::time_point expires;
  };

  [[nodiscard]] std::chrono::seconds capped(std::uint32_t ttl) const noexcept;
  template <class Map>
  void make_room(Map& map, clock::time_point now);

  cache_options options_;
  std::unordered_map<std::string, zone_entry> zones_;
  std::unordered_map<std::string, std::vector<timed_address>> hosts_;
  cache negative_;
};

/// `name` lowercase (ASCII, RFC 4343) and without its trailing dot: the form zones are compared
/// and kept in.
[[nodiscard]] std::string canonical_name(std::string_view name);

/// True when `name` is `zone` or below it (RFC 1034 3.1: `zone` is a suffix of whole labels);
/// both in canonical_name() form. Every name is at or below the root ("").
[[nodiscard]] bool is_at_or_below(std::string_view name, std::string_view zone) noexcept;

}  // namespace corofetch::dns
