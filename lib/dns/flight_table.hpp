#pragma once

// The single-flight table: the flights in flight, found by their cache key.

#include "dns/flight.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace corofetch::dns {

// Owns the flights in flight. Open addressing with linear probing over a power-of-two array
// kept at most half full; erasing shifts the rest of a probe run back, so there are no
// tombstones. Every flight carries its key's hash (computed once per lookup): finding,
// inserting and extracting never hash, and extracting compares pointers, not keys. An
// std::unordered_map here cost about 200 instructions per lookup in bucket arithmetic, a
// second search on insert and a bucket walk on extract.
class flight_table {
 public:
  // The flight of `key` (whose hash is `hash`), or null.
  [[nodiscard]] flight* find(std::string_view key, std::size_t hash) const noexcept {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const flight* f = slots_[i].get();
      if (f == nullptr) return nullptr;
      if (f->hash == hash && f->key == key) return slots_[i].get();
    }
  }

  // Adds `f`, whose key no flight of the table has.
  flight* insert(std::unique_ptr<flight> f) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    flight* raw = f.get();
    place(std::move(f));
    ++size_;
    return raw;
  }

  // Takes `f` out of the table; `f` must be one of its flights.
  std::unique_ptr<flight> extract(const flight* f) noexcept {
    std::size_t hole = f->hash & mask_;
    while (slots_[hole].get() != f) hole = (hole + 1) & mask_;
    auto out = std::move(slots_[hole]);
    --size_;
    // Entries after the hole in the same probe run move into it unless that would put them
    // before their home slot.
    for (std::size_t j = (hole + 1) & mask_; slots_[j]; j = (j + 1) & mask_) {
      const std::size_t home = slots_[j]->hash & mask_;
      if (((j - home) & mask_) >= ((j - hole) & mask_)) {
        slots_[hole] = std::move(slots_[j]);
        hole = j;
      }
    }
    return out;
  }

  template <class Function>
  void for_each(Function fn) {
    for (auto& f : slots_) {
      if (f) fn(*f);
    }
  }

  void clear() noexcept {
    slots_.clear();
    mask_ = 0;
    size_ = 0;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  void place(std::unique_ptr<flight> f) noexcept {
    std::size_t i = f->hash & mask_;
    while (slots_[i]) i = (i + 1) & mask_;
    slots_[i] = std::move(f);
  }

  void grow() {
    std::vector<std::unique_ptr<flight>> old(std::max<std::size_t>(16, slots_.size() * 2));
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (auto& f : old) {
      if (f) place(std::move(f));
    }
  }

  std::vector<std::unique_ptr<flight>> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace corofetch::dns
