#include <corofetch/http/fields.hpp>
#include <corofetch/http/syntax.hpp>

namespace corofetch::http {

void fields::add(std::string_view name, std::string_view value) {
  entry e{};
  e.name_begin = static_cast<std::uint32_t>(bytes_.size());
  e.name_size = static_cast<std::uint32_t>(name.size());
  bytes_.append(name);
  e.value_begin = static_cast<std::uint32_t>(bytes_.size());
  e.value_size = static_cast<std::uint32_t>(value.size());
  bytes_.append(value);
  entries_.push_back(e);
}

void fields::set(std::string_view name, std::string_view value) {
  std::size_t first = entries_.size();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (iequals((*this)[i].name, name)) {
      first = i;
      break;
    }
  }
  if (first == entries_.size()) {
    add(name, value);
    return;
  }
  // Rebuild: the first match takes the new value, later matches go.
  fields rebuilt;
  rebuilt.bytes_.reserve(bytes_.size() + value.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const field f = (*this)[i];
    if (i == first) {
      rebuilt.add(name, value);
    } else if (!iequals(f.name, name)) {
      rebuilt.add(f.name, f.value);
    }
  }
  *this = std::move(rebuilt);
}

std::size_t fields::erase(std::string_view name) {
  fields rebuilt;
  std::size_t removed = 0;
  for (const field f : *this) {
    if (iequals(f.name, name)) {
      ++removed;
    } else {
      rebuilt.add(f.name, f.value);
    }
  }
  if (removed != 0) *this = std::move(rebuilt);
  return removed;
}

void fields::clear() noexcept {
  bytes_.clear();
  entries_.clear();
}

std::optional<std::string_view> fields::find(std::string_view name) const noexcept {
  for (const field f : *this) {
    if (iequals(f.name, name)) return f.value;
  }
  return std::nullopt;
}

std::vector<std::string_view> fields::find_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const field f : *this) {
    if (iequals(f.name, name)) values.push_back(f.value);
  }
  return values;
}

std::string fields::joined(std::string_view name) const {
  std::string out;
  bool first = true;
  for (const field f : *this) {
    if (!iequals(f.name, name)) continue;
    if (!first) out += ", ";
    out += f.value;
    first = false;
  }
  return out;
}

field fields::operator[](std::size_t i) const noexcept {
  const entry& e = entries_[i];
  const std::string_view all(bytes_);
  return {all.substr(e.name_begin, e.name_size), all.substr(e.value_begin, e.value_size)};
}

bool operator==(const fields& a, const fields& b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].value != b[i].value) return false;
  }
  return true;
}

}  // namespace corofetch::http
