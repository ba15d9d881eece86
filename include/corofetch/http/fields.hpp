#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::http {

namespace detail {
struct fields_access;  // lib/http: the parsers append field bytes in place
}

/// One field line: a name and its value, views into the owning `fields`.
struct field {
  std::string_view name;
  std::string_view value;
};

/// Header or trailer fields (RFC 9110 5): kept in the order they were added or received,
/// repeated names kept as separate lines, names looked up ASCII case-insensitively. All bytes
/// live in one buffer, so a parser reusing a `fields` after clear() does not allocate.
/// Adding does not validate; the serializer rejects invalid names and values before writing.
class fields {
 public:
  class iterator;

  /// Appends a field line, keeping any earlier one with the same name.
  void add(std::string_view name, std::string_view value);
  /// Replaces every line named `name` by one line (added at the end when there was none;
  /// otherwise in the place of the first).
  void set(std::string_view name, std::string_view value);
  /// Removes every line named `name`; returns how many there were.
  std::size_t erase(std::string_view name);
  /// Removes every line, keeping the memory for reuse.
  void clear() noexcept;

  /// The value of the first line named `name`, if any.
  [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const noexcept;
  /// The values of every line named `name`, in order.
  [[nodiscard]] std::vector<std::string_view> find_all(std::string_view name) const;
  /// Every line named `name` joined with ", " (RFC 9110 5.3 list combination); "" if none.
  [[nodiscard]] std::string joined(std::string_view name) const;
  [[nodiscard]] bool contains(std::string_view name) const noexcept {
    return find(name).has_value();
  }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  /// The i-th line (0 <= i < size()).
  [[nodiscard]] field operator[](std::size_t i) const noexcept;
  /// Bytes of the buffer behind the lines: names and values, and for parsed fields also what
  /// separated them on the wire (the parser copies a head in one block).
  [[nodiscard]] std::size_t byte_size() const noexcept { return bytes_.size(); }

  [[nodiscard]] iterator begin() const noexcept;
  [[nodiscard]] iterator end() const noexcept;

  friend bool operator==(const fields& a, const fields& b) noexcept;

 private:
  friend struct detail::fields_access;
  struct entry {
    std::uint32_t name_begin;
    std::uint32_t name_size;
    std::uint32_t value_begin;
    std::uint32_t value_size;
  };
  std::string bytes_;
  std::vector<entry> entries_;
};

/// Iterates the lines of a `fields` in order, yielding `field` values.
class fields::iterator {
 public:
  using value_type = field;
  using difference_type = std::ptrdiff_t;

  iterator() = default;
  field operator*() const noexcept { return (*owner_)[index_]; }
  iterator& operator++() noexcept {
    ++index_;
    return *this;
  }
  iterator operator++(int) noexcept {
    iterator old = *this;
    ++index_;
    return old;
  }
  friend bool operator==(const iterator& a, const iterator& b) noexcept {
    return a.index_ == b.index_;
  }

 private:
  friend class fields;
  iterator(const fields* owner, std::size_t index) : owner_(owner), index_(index) {}
  const fields* owner_ = nullptr;
  std::size_t index_ = 0;
};

inline fields::iterator fields::begin() const noexcept {
  return {this, 0};
}
inline fields::iterator fields::end() const noexcept {
  return {this, entries_.size()};
}

}  // namespace corofetch::http
