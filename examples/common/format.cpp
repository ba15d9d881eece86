#include "common/format.hpp"

#include <fmt/format.h>

#include <array>

namespace corofetch::tool {

std::string human_size(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  constexpr std::array<const char*, 6> units{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  auto value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < units.size()) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, units[unit]);
}

std::string human_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  const auto ns = d.count();
  if (ns < 0) return "-" + human_duration(-d);
  if (ns < 1000) return fmt::format("{} ns", ns);
  if (ns < 1'000'000) return fmt::format("{} us", ns / 1000);
  if (ns < 1'000'000'000) return fmt::format("{:.1f} ms", static_cast<double>(ns) / 1e6);
  if (ns < 60'000'000'000) return fmt::format("{:.2f} s", static_cast<double>(ns) / 1e9);
  const auto s = duration_cast<seconds>(d).count();
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m{:02}s", s / 3600, s / 60 % 60, s % 60);
}

std::string seconds_text(std::chrono::nanoseconds d) {
  return fmt::format("{:.6f}", std::chrono::duration<double>(d).count());
}

double to_ms(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace corofetch::tool
