#include "dns_wire.hpp"

#include <algorithm>
#include <stdexcept>

namespace corofetch::test::wire {
namespace {

constexpr std::size_t max_label = 63;
constexpr std::size_t max_name_wire = 255;
constexpr std::uint16_t max_pointer = 0x3FFF;

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// The lowercase wire form of name[first..]: the key under which a suffix is remembered for
// compression.
std::string suffix_key(const labels& name, std::size_t first) {
  std::string key;
  for (std::size_t i = first; i < name.size(); ++i) {
    key.push_back(static_cast<char>(name[i].size()));
    for (char c : name[i]) key.push_back(lower(c));
  }
  return key;
}

}  // namespace

labels parse_name(std::string_view text) {
  labels out;
  if (text == "." || text.empty()) return out;
  if (text.back() == '.') text.remove_suffix(1);
  std::size_t wire = 1;
  while (true) {
    auto dot = text.find('.');
    auto label = text.substr(0, dot);
    if (label.empty() || label.size() > max_label) {
      throw std::invalid_argument("bad DNS name: empty or over-long label");
    }
    wire += label.size() + 1;
    out.emplace_back(label);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  if (wire > max_name_wire) throw std::invalid_argument("bad DNS name: over 255 bytes");
  return out;
}

std::string name_key(const labels& name) {
  std::string key;
  for (const auto& label : name) {
    if (!key.empty()) key.push_back('.');
    for (char c : label) key.push_back(lower(c));
  }
  return key;
}

std::string name_key(std::string_view text) {
  return name_key(parse_name(text));
}

void writer::u16(std::uint16_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

void writer::u32(std::uint32_t v) {
  u16(static_cast<std::uint16_t>(v >> 16));
  u16(static_cast<std::uint16_t>(v & 0xFFFF));
}

void writer::patch_u16(std::size_t offset, std::uint16_t v) {
  out_.at(offset) = static_cast<std::uint8_t>(v >> 8);
  out_.at(offset + 1) = static_cast<std::uint8_t>(v & 0xFF);
}

void writer::name(const labels& name, bool compress) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto key = suffix_key(name, i);
    if (compress) {
      auto known = std::find_if(suffixes_.begin(), suffixes_.end(),
                                [&](const auto& s) { return s.first == key; });
      if (known != suffixes_.end()) {
        u16(static_cast<std::uint16_t>(0xC000U | known->second));
        return;
      }
    }
    if (out_.size() <= max_pointer) {
      suffixes_.emplace_back(std::move(key), static_cast<std::uint16_t>(out_.size()));
    }
    u8(static_cast<std::uint8_t>(name[i].size()));
    out_.insert(out_.end(), name[i].begin(), name[i].end());
  }
  u8(0);
}

void writer::truncate(std::size_t size) {
  out_.resize(std::min(size, out_.size()));
  std::erase_if(suffixes_, [&](const auto& s) { return s.second >= size; });
}

std::optional<std::uint16_t> reader::u16() {
  if (msg_.size() - pos_ < 2) return std::nullopt;
  auto v = static_cast<std::uint16_t>((msg_[pos_] << 8) | msg_[pos_ + 1]);
  pos_ += 2;
  return v;
}

std::optional<std::uint32_t> reader::u32() {
  auto hi = u16();
  auto lo = u16();
  if (!hi || !lo) return std::nullopt;
  return (std::uint32_t{*hi} << 16) | *lo;
}

bool reader::skip(std::size_t n) {
  if (msg_.size() - pos_ < n) return false;
  pos_ += n;
  return true;
}

std::optional<labels> reader::name() {
  labels out;
  std::size_t at = pos_;           // where the next label byte is read
  std::optional<std::size_t> end;  // where reading resumes once the first pointer is followed
  std::size_t wire = 1;
  while (true) {
    if (at >= msg_.size()) return std::nullopt;
    std::uint8_t len = msg_[at];
    if ((len & 0xC0) == 0xC0) {
      if (at + 1 >= msg_.size()) return std::nullopt;
      std::size_t target = (std::size_t{len & 0x3FU} << 8) | msg_[at + 1];
      if (target >= at) return std::nullopt;  // only backwards: no loop is possible
      if (!end) end = at + 2;
      at = target;
      continue;
    }
    if ((len & 0xC0) != 0) return std::nullopt;  // 01 and 10 label types are not names
    if (len == 0) break;
    if (msg_.size() - at - 1 < len) return std::nullopt;
    wire += std::size_t{len} + 1;
    if (wire > max_name_wire) return std::nullopt;
    auto first = msg_.begin() + static_cast<std::ptrdiff_t>(at + 1);
    out.emplace_back(first, first + len);
    at += std::size_t{len} + 1;
  }
  pos_ = end ? *end : at + 1;
  return out;
}

}  // namespace corofetch::test::wire
