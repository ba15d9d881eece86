#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace corofetch::crawl {

/// The URLs a crawl has met, as 64-bit fingerprints of their canonical form
/// (url::fingerprint of url::href_without_fragment): 8 bytes a slot in one open-addressing
/// table kept at most three quarters full, so between 10.7 and 21.3 bytes per URL whatever the
/// URLs' length. Two URLs whose fingerprints collide count as one (for 10^6 URLs, a chance of
/// about one in 37 million that any pair does). Not synchronized.
class seen_set {
 public:
  /// An empty set with room for `expected` fingerprints before it grows.
  explicit seen_set(std::size_t expected = 0);

  /// Adds `fingerprint`; true when it was not there yet. Throws std::bad_alloc only.
  bool insert(std::uint64_t fingerprint);
  /// True when `fingerprint` was added.
  [[nodiscard]] bool contains(std::uint64_t fingerprint) const noexcept;
  /// Makes room for `count` fingerprints in all without growing again.
  void reserve(std::size_t count);
  /// Fingerprints held.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  /// Bytes of the table (its slots), the memory the set holds beyond its own object.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return slots_.capacity() * sizeof(std::uint64_t);
  }

 private:
  [[nodiscard]] std::size_t slot_of(std::uint64_t fingerprint) const noexcept;
  void rehash(std::size_t slot_count);

  std::vector<std::uint64_t> slots_;  // 0 marks an empty slot; fingerprint 0 lives in has_zero_
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  bool has_zero_ = false;
};

}  // namespace corofetch::crawl
