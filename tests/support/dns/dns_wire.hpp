#pragma once

// DNS wire format (RFC 1035 4.1) for the test servers: a message writer that compresses names
// (4.1.4) and a reader for the names and fields of a received message, pointers included.
// Written for tests, but exact: every bound is checked, pointer loops are refused.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corofetch::test::wire {

/// A domain name as its labels, in the case they were written or received ("www", "Example",
/// "test"); the root is no label at all.
using labels = std::vector<std::string>;

/// Splits presentation text ("www.example.test", trailing dot optional) into labels. Throws
/// std::invalid_argument on an empty label, a label over 63 bytes or a name over 255 on the wire.
labels parse_name(std::string_view text);

/// The lowercase, dot-joined form without a trailing dot ("www.example.test"; "" for the root):
/// the key names are compared by (RFC 1035 2.3.3: comparisons are case-insensitive).
std::string name_key(const labels& name);

/// name_key(parse_name(text)).
std::string name_key(std::string_view text);

/// Builds a DNS message; names written with `compress` become pointers to an earlier
/// occurrence of the same suffix (RFC 1035 4.1.4).
class writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void name(const labels& name, bool compress = true);
  /// Overwrites the 16-bit value at `offset` (counts and RDLENGTH filled in afterwards).
  void patch_u16(std::size_t offset, std::uint16_t v);
  [[nodiscard]] std::size_t size() const noexcept { return out_.size(); }
  [[nodiscard]] std::vector<std::uint8_t>& data() noexcept { return out_; }
  /// Drops everything after the first `size` bytes, and the compression targets there.
  void truncate(std::size_t size);

 private:
  std::vector<std::uint8_t> out_;
  std::vector<std::pair<std::string, std::uint16_t>> suffixes_;  // lowercase wire form, offset
};

/// Reads fields of a received message, each read checked against its end.
class reader {
 public:
  explicit reader(std::span<const std::uint8_t> message) : msg_(message) {}
  std::optional<std::uint16_t> u16();
  std::optional<std::uint32_t> u32();
  /// A name at the current position, following compression pointers. Refuses pointers that do
  /// not point strictly backwards (so no loop), labels over 63 bytes, names over 255 bytes and
  /// the reserved label types 01 and 10 (RFC 1035 4.1.4, RFC 6891 keeps 01 unassigned).
  std::optional<labels> name();
  /// Skips `n` bytes; false when fewer remain.
  bool skip(std::size_t n);
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }

 private:
  std::span<const std::uint8_t> msg_;
  std::size_t pos_ = 0;
};

}  // namespace corofetch::test::wire
