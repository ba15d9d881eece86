#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace corofetch::redis {

/// The type of a RESP2 reply.
enum class reply_type : std::uint8_t { nil, status, error, integer, string, array };

/// One reply from Redis, copied out of hiredis (RESP2): a status ("OK"), an error ("NOSCRIPT
/// ..."), an integer, a bulk string (binary-safe), an array of replies, or nil.
struct reply {
  reply_type type = reply_type::nil;
  std::string text;  ///< status, error and string replies
  std::int64_t integer = 0;
  std::vector<reply> elements;  ///< array replies

  [[nodiscard]] bool is_nil() const noexcept { return type == reply_type::nil; }
  [[nodiscard]] bool is_error() const noexcept { return type == reply_type::error; }
  /// The integer of an integer reply, or of a string or status reply that is a decimal
  /// integer (as Redis returns counters from HGET); nothing otherwise.
  [[nodiscard]] std::optional<std::int64_t> as_integer() const noexcept;
};

}  // namespace corofetch::redis
