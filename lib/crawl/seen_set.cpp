// The seen-set: linear probing over a power-of-two table of fingerprints. Fingerprints are
// hashes already; one more multiply spreads them over the slot bits whatever their origin.
#include <corofetch/crawl/seen_set.hpp>

#include <algorithm>
#include <bit>

namespace corofetch::crawl {
namespace {

constexpr std::size_t min_slots = 16;

// Slots for `count` fingerprints at a load of at most 3/4.
std::size_t slots_for(std::size_t count) {
  return std::bit_ceil(std::max(min_slots, count + count / 3 + 1));
}

}  // namespace

seen_set::seen_set(std::size_t expected) {
  rehash(slots_for(expected));
}

std::size_t seen_set::slot_of(std::uint64_t fingerprint) const noexcept {
  constexpr std::uint64_t spread = 0x9E3779B97F4A7C15ULL;  // 2^64 / golden ratio
  return static_cast<std::size_t>((fingerprint * spread) >> 32) & mask_;
}

bool seen_set::contains(std::uint64_t fingerprint) const noexcept {
  if (fingerprint == 0) return has_zero_;
  for (std::size_t i = slot_of(fingerprint);; i = (i + 1) & mask_) {
    const std::uint64_t s = slots_[i];
    if (s == fingerprint) return true;
    if (s == 0) return false;
  }
}

bool seen_set::insert(std::uint64_t fingerprint) {
  if (fingerprint == 0) {
    if (has_zero_) return false;
    has_zero_ = true;
    ++size_;
    return true;
  }
  if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
  for (std::size_t i = slot_of(fingerprint);; i = (i + 1) & mask_) {
    std::uint64_t& s = slots_[i];
    if (s == fingerprint) return false;
    if (s == 0) {
      s = fingerprint;
      ++size_;
      return true;
    }
  }
}

void seen_set::reserve(std::size_t count) {
  const std::size_t want = slots_for(count);
  if (want > slots_.size()) rehash(want);
}

void seen_set::rehash(std::size_t slot_count) {
  std::vector<std::uint64_t> old;
  old.swap(slots_);
  slots_.assign(slot_count, 0);
  mask_ = slot_count - 1;
  for (const std::uint64_t f : old) {
    if (f == 0) continue;
    std::size_t i = slot_of(f);
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = f;
  }
}

}  // namespace corofetch::crawl
