#pragma once

#include <corofetch/dns/answer.hpp>
#include <corofetch/dns/record.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace corofetch::dns {

/// How long the cache keeps what (RFC 2308, RFC 1035 3.2.1, the seed's 3-4).
struct cache_options {
  std::size_t max_entries = 10000;              ///< LRU bound; 0 disables the cache
  std::chrono::seconds max_ttl{3600};           ///< cap on a positive answer's record TTL
  std::chrono::seconds max_negative_ttl{3600};  ///< cap on NXDOMAIN/NODATA (RFC 2308 5: 1-3 h)
  /// How long a transient failure (timeout, SERVFAIL, REFUSED, connection refused, malformed
  /// answer) is remembered; 0 (the default) means not at all. Keep it to a few seconds.
  std::chrono::seconds failure_ttl{0};
};

/// What the cache has counted since it was made.
struct cache_counters {
  std::uint64_t hits = 0;           ///< positive answers served from the cache
  std::uint64_t negative_hits = 0;  ///< NXDOMAIN/NODATA/failures served from the cache
  std::uint64_t misses = 0;         ///< lookups that had to ask (or join a query in flight)
  std::uint64_t evictions = 0;      ///< entries dropped because the cache was full
  std::size_t entries = 0;          ///< entries now held (expired ones until looked up)
};

/// The resolver's answer cache, pure logic: keys are (name, type) with the name compared
/// case-insensitively and without its trailing dot; time is whatever the caller passes, so tests
/// drive it with their own clock. Not thread-safe (one per event loop, as the resolver).
class cache {
 public:
  using clock = std::chrono::steady_clock;

  explicit cache(cache_options options = {});
  cache(const cache&) = delete;
  cache& operator=(const cache&) = delete;

  /// How long `a` may be kept: the smallest record TTL (CNAME chain included) capped by
  /// max_ttl, nothing for TTL 0; for NXDOMAIN/NODATA the RFC 2308 negative TTL capped by
  /// max_negative_ttl, nothing without an SOA; failure_ttl for transient failures (nothing when
  /// 0); nothing for anything else (cancellation, bad name, ...).
  [[nodiscard]] std::optional<std::chrono::seconds> lifetime(const answer& a) const noexcept;

  struct hit {
    std::shared_ptr<const answer> entry;
    std::chrono::seconds age{0};  ///< whole seconds since it was stored
  };

  /// The live entry for (name, type), made most recently used; an expired one is dropped.
  /// Counts a hit, a negative hit or a miss.
  [[nodiscard]] std::optional<hit> find(std::string_view name, record_type type,
                                        clock::time_point now);

  /// Keeps `a` for lifetime(a) from `now`, replacing any entry for the key; evicts the least
  /// recently used entry when full. Returns false when `a` is not cacheable.
  bool store(std::string_view name, record_type type, std::shared_ptr<const answer> a,
             clock::time_point now);

  /// find() for a key make_key() built (the resolver builds it once per lookup).
  [[nodiscard]] std::optional<hit> find_key(std::string_view key, clock::time_point now);

  /// store() for a key make_key() built, taken over by the entry.
  bool store_key(std::string key, std::shared_ptr<const answer> a, clock::time_point now);

  /// Drops every entry; counters stay.
  void clear() noexcept;

  [[nodiscard]] const cache_counters& counters() const noexcept { return counters_; }
  [[nodiscard]] const cache_options& options() const noexcept { return options_; }

  /// The key a (name, type) pair is filed under: the type's two bytes then the lowercase name
  /// without its trailing dot. Exposed for the resolver's single-flight table.
  static void make_key(std::string& out, std::string_view name, record_type type);

 private:
  // One allocation per entry: the map node holds the entry, and the LRU order is an intrusive
  // list through the entries (references into an unordered_map survive rehashing).
  struct entry {
    std::shared_ptr<const answer> value;
    clock::time_point stored;
    clock::time_point expires;
    entry* prev = nullptr;  // more recently used
    entry* next = nullptr;  // less recently used
    const std::string* key = nullptr;
  };
  struct key_hash {
    using is_transparent = void;
    // Not noexcept on purpose: libstdc++ then caches hash codes in the nodes, so a lookup
    // does not rehash every key of a bucket it walks.
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using index_map = std::unordered_map<std::string, entry, key_hash, std::equal_to<>>;

  void unlink(entry& e) noexcept;
  void push_front(entry& e) noexcept;
  void erase(index_map::iterator it) noexcept;

  cache_options options_;
  cache_counters counters_;
  index_map index_;
  entry* head_ = nullptr;  // most recently used
  entry* tail_ = nullptr;  // least recently used
  std::string scratch_;    // key buffer reused by find() so a hit allocates nothing
};

}  // namespace corofetch::dns
