#pragma once
// Sizes and durations as people read them, the same in every tool.

#include <chrono>
#include <cstdint>
#include <string>

namespace corofetch::tool {

/// Bytes in binary units: "512 B", "1.5 KiB", "20.0 MiB", "3.2 GiB".
[[nodiscard]] std::string human_size(std::uint64_t bytes);

/// A duration in the unit that fits: "850 us", "12.3 ms", "4.56 s", "2m05s".
[[nodiscard]] std::string human_duration(std::chrono::nanoseconds d);

/// Seconds with six decimals, as curl's -w time variables print them: "0.012345".
[[nodiscard]] std::string seconds_text(std::chrono::nanoseconds d);

/// Milliseconds as a double, for JSON.
[[nodiscard]] double to_ms(std::chrono::nanoseconds d);

}  // namespace corofetch::tool
