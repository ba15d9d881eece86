#include <corofetch/dns/cache.hpp>
#include <corofetch/dns/error.hpp>

namespace corofetch::dns {

cache::cache(cache_options options) : options_(options) {}

void cache::make_key(std::string& out, std::string_view name, record_type type) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  const auto t = static_cast<std::uint16_t>(type);
  out.resize(2 + name.size());
  out[0] = static_cast<char>(t >> 8U);
  out[1] = static_cast<char>(t & 0xffU);
  char* to = out.data() + 2;
  for (char c : name) *to++ = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::optional<std::chrono::seconds> cache::lifetime(const answer& a) const noexcept {
  using std::chrono::seconds;
  if (!a.error) {
    if (a.records.empty() || a.min_ttl == 0) return std::nullopt;  // TTL 0: use once only
    return std::min(seconds{a.min_ttl}, options_.max_ttl);
  }
  if (is_negative(a.error)) {
    // RFC 2308 5: no SOA, no negative caching.
    if (!a.negative_ttl || *a.negative_ttl == 0) return std::nullopt;
    return std::min(seconds{*a.negative_ttl}, options_.max_negative_ttl);
  }
  if (is_transient(a.error) && options_.failure_ttl.count() > 0) return options_.failure_ttl;
  return std::nullopt;
}

std::optional<cache::hit> cache::find(std::string_view name, record_type type,
                                      clock::time_point now) {
  make_key(scratch_, name, type);
  return find_key(scratch_, now);
}

void cache::unlink(entry& e) noexcept {
  (e.prev != nullptr ? e.prev->next : head_) = e.next;
  (e.next != nullptr ? e.next->prev : tail_) = e.prev;
  e.prev = e.next = nullptr;
}

void cache::push_front(entry& e) noexcept {
  e.prev = nullptr;
  e.next = head_;
  (head_ != nullptr ? head_->prev : tail_) = &e;
  head_ = &e;
}

void cache::erase(index_map::iterator it) noexcept {
  unlink(it->second);
  index_.erase(it);
  counters_.entries = index_.size();
}

std::optional<cache::hit> cache::find_key(std::string_view key, clock::time_point now) {
  // libstdc++ hashes the key even to search an empty table: a disabled or empty cache (every
  // lookup of a resolver without one) only counts the miss.
  if (index_.empty()) {
    ++counters_.misses;
    return std::nullopt;
  }
  const auto it = index_.find(key);
  if (it == index_.end()) {
    ++counters_.misses;
    return std::nullopt;
  }
  entry& e = it->second;
  if (now >= e.expires) {
    erase(it);
    ++counters_.misses;
    return std::nullopt;
  }
  if (head_ != &e) {
    unlink(e);
    push_front(e);
  }
  if (e.value->error)
    ++counters_.negative_hits;
  else
    ++counters_.hits;
  return hit{e.value, std::chrono::duration_cast<std::chrono::seconds>(now - e.stored)};
}

bool cache::store(std::string_view name, record_type type, std::shared_ptr<const answer> a,
                  clock::time_point now) {
  std::string key;
  make_key(key, name, type);
  return store_key(std::move(key), std::move(a), now);
}

bool cache::store_key(std::string key, std::shared_ptr<const answer> a, clock::time_point now) {
  if (options_.max_entries == 0 || !a) return false;
  const auto life = lifetime(*a);
  if (!life) return false;
  if (const auto it = index_.find(std::string_view(key)); it != index_.end()) erase(it);
  while (index_.size() >= options_.max_entries && tail_ != nullptr) {
    erase(index_.find(std::string_view(*tail_->key)));
    ++counters_.evictions;
  }
  const auto [it, inserted] = index_.try_emplace(std::move(key));
  entry& e = it->second;
  e.value = std::move(a);
  e.stored = now;
  e.expires = now + *life;
  e.key = &it->first;
  push_front(e);
  counters_.entries = index_.size();
  return inserted;
}

void cache::clear() noexcept {
  index_.clear();
  head_ = tail_ = nullptr;
  counters_.entries = 0;
}

}  // namespace corofetch::dns
