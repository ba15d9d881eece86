#pragma once

#include <cstdint>

namespace corofetch::http {

/// An HTTP version as written in a request or status line ("HTTP/1.1"). corofetch writes 1.0 and
/// 1.1 and accepts 1.x responses (RFC 9112 2.3).
struct version {
  std::uint8_t major_version = 1;
  std::uint8_t minor_version = 1;

  friend constexpr bool operator==(version, version) noexcept = default;
};

inline constexpr version http_1_0{1, 0};
inline constexpr version http_1_1{1, 1};

}  // namespace corofetch::http
