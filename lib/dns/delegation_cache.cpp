#include <corofetch/dns/delegation_cache.hpp>

#include <algorithm>
#include <memory>
#include <type_traits>

namespace corofetch::dns {
namespace {

// RFC 2308 5: an NXDOMAIN holds for the name and every type, so it is filed under QTYPE "*"
// (255, RFC 1035 3.2.3), a type no answer has.
constexpr auto every_type = static_cast<record_type>(255);

// The parent of a canonical name: "b.c" for "a.b.c", "" for "c"; nullopt for the root. A dot
// that a backslash escapes (RFC 1035 5.1) is part of its label.
std::optional<std::string_view> parent_of(std::string_view name) noexcept {
  if (name.empty()) return std::nullopt;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\') {
      ++i;  // the escaped character (or the first digit of \DDD, which are never dots)
    } else if (name[i] == '.') {
      return name.substr(i + 1);
    }
  }
  return std::string_view{};
}

}  // namespace

std::string canonical_name(std::string_view name) {
  std::string out(name);
  const bool escaped_dot = out.size() >= 2 && out[out.size() - 2] == '\\';
  if (!out.empty() && out.back() == '.' && !escaped_dot) out.pop_back();
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_at_or_below(std::string_view name, std::string_view zone) noexcept {
  if (zone.empty() || name == zone) return true;
  if (name.size() <= zone.size() || !name.ends_with(zone)) return false;
  const std::size_t dot = name.size() - zone.size() - 1;
  if (name[dot] != '.') return false;
  std::size_t backslashes = 0;  // an escaped dot does not end a label
  while (backslashes < dot && name[dot - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 0;
}

delegation_cache::delegation_cache(cache_options options) : options_(options), negative_(options) {}

std::chrono::seconds delegation_cache::capped(std::uint32_t ttl) const noexcept {
  return std::min(std::chrono::seconds{ttl}, options_.max_ttl);
}

// Bounded like the answer cache: when full, expired entries go first, then the one that would
// expire soonest. Linear, but only when full.
template <class Map>
void delegation_cache::make_room(Map& map, clock::time_point now) {
  if (map.size() < options_.max_entries) return;
  auto expiry = [](const auto& entry) {
    if constexpr (std::is_same_v<std::decay_t<decltype(entry.second)>, zone_entry>) {
      return entry.second.expires;
    } else {
      clock::time_point last{};
      for (const auto& a : entry.second) last = std::max(last, a.expires);
      return last;
    }
  };
  std::erase_if(map, [&](const auto& entry) { return expiry(entry) <= now; });
  if (map.size() < options_.max_entries) return;
  const auto soonest = std::min_element(
      map.begin(), map.end(), [&](const auto& a, const auto& b) { return expiry(a) < expiry(b); });
  map.erase(soonest);
}

void delegation_cache::store_delegation(std::string_view zone,
                                        const std::vector<std::string>& servers, std::uint32_t ttl,
                                        clock::time_point now) {
  if (options_.max_entries == 0 || ttl == 0 || servers.empty()) return;
  auto key = canonical_name(zone);
  if (!zones_.contains(key)) make_room(zones_, now);
  zone_entry entry;
  entry.expires = now + capped(ttl);
  for (const auto& s : servers) entry.servers.push_back(canonical_name(s));
  zones_.insert_or_assign(std::move(key), std::move(entry));
}

void delegation_cache::store_address(std::string_view host, const asio::ip::address& address,
                                     std::uint32_t ttl, clock::time_point now) {
  if (options_.max_entries == 0 || ttl == 0) return;
  auto key = canonical_name(host);
  if (!hosts_.contains(key)) make_room(hosts_, now);
  auto& known = hosts_[std::move(key)];
  const auto expires = now + capped(ttl);
  std::erase_if(known, [&](const timed_address& a) { return a.expires <= now; });
  const auto same = std::find_if(known.begin(), known.end(),
                                 [&](const timed_address& a) { return a.address == address; });
  if (same != known.end()) {
    same->expires = std::max(same->expires, expires);
  } else {
    known.push_back({address, expires});
  }
}

std::vector<asio::ip::address> delegation_cache::addresses(std::string_view host,
                                                           clock::time_point now) const {
  std::vector<asio::ip::address> out;
  const auto it = hosts_.find(canonical_name(host));
  if (it == hosts_.end()) return out;
  for (const auto& a : it->second) {
    if (a.expires > now) out.push_back(a.address);
  }
  return out;
}

std::optional<delegation> delegation_cache::closest_enclosing(std::string_view name,
                                                              clock::time_point now) const {
  const std::string canonical = canonical_name(name);
  std::optional<std::string_view> zone = canonical;
  for (; zone; zone = parent_of(*zone)) {
    const auto it = zones_.find(std::string(*zone));
    if (it == zones_.end() || it->second.expires <= now) continue;
    delegation d{it->first, {}};
    for (const auto& host : it->second.servers) d.servers.push_back({host, addresses(host, now)});
    return d;
  }
  return std::nullopt;
}

void delegation_cache::store_negative(std::string_view name, record_type type,
                                      std::error_code error, std::uint32_t negative_ttl,
                                      clock::time_point now) {
  if (!is_negative(error) || negative_ttl == 0) return;
  auto a = std::make_shared<answer>();
  a->error = error;
  a->negative_ttl = negative_ttl;
  negative_.store(name, error == errc::nxdomain ? every_type : type, std::move(a), now);
}

std::optional<delegation_cache::negative_answer> delegation_cache::find_negative(
    std::string_view name, record_type type, clock::time_point now) {
  for (const auto key_type : {every_type, type}) {
    const auto hit = negative_.find(name, key_type, now);
    if (!hit) continue;
    const auto ttl = std::chrono::seconds{hit->entry->negative_ttl.value_or(0)};
    const auto capped_ttl = std::min(ttl, options_.max_negative_ttl);
    const auto left = capped_ttl > hit->age ? capped_ttl - hit->age : std::chrono::seconds{0};
    return negative_answer{hit->entry->error, static_cast<std::uint32_t>(left.count())};
  }
  return std::nullopt;
}

void delegation_cache::clear() noexcept {
  zones_.clear();
  hosts_.clear();
  negative_.clear();
}

}  // namespace corofetch::dns
