#pragma once

#include <corofetch/dns/record.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace corofetch::dns::detail {

/// Where scan_query_name() builds a name's wire form: room for the longest name and the slack
/// its 16-byte loads need. `size` 0 means the name has no plain wire form.
struct wire_buffer {
  std::array<char, 1 + 253 + 16> bytes;  // NOLINT: written by scan_query_name()
  std::size_t size = 0;
  [[nodiscard]] std::string_view view() const noexcept { return {bytes.data(), size}; }
};

/// One pass over a name about to be looked up, building what the resolver needs from it:
/// `key` gets exactly what cache::make_key(key, n, type) writes, where n is `name` with a space
/// appended when `mark_relative` is set and `name` is relative (no trailing dot: with search
/// domains "www" and "www." are different questions); `wire` gets plain_wire_name(name), or
/// size 0 when that is false. Returns whether the name may be queried: RFC 1035 2.3.4 / RFC
/// 1123 2.1, labels of 1-63 bytes and at most 253 characters without the final dot ("." is the
/// root); a name with a '\\' escape is left for c-ares to judge (true when not empty and not
/// over 253 characters). `key` and `wire` are unspecified when it returns false.
[[nodiscard]] bool scan_query_name(std::string_view name, record_type type, bool mark_relative,
                                   std::string& key, wire_buffer& wire);

}  // namespace corofetch::dns::detail
