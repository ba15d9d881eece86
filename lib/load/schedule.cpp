#include <corofetch/load/schedule.hpp>

#include <cmath>

namespace corofetch::load {

schedule connection_schedule(clock::time_point start, double requests_per_second, std::size_t index,
                             std::size_t connections) noexcept {
  // Each connection sends requests_per_second / connections a second.
  const double interval_ns = 1e9 * static_cast<double>(connections) / requests_per_second;
  const auto interval =
      std::chrono::nanoseconds(std::max<std::int64_t>(1, std::llround(interval_ns)));
  const auto offset = std::chrono::nanoseconds(
      std::llround(interval_ns * static_cast<double>(index) / static_cast<double>(connections)));
  return {start + offset, interval};
}

}  // namespace corofetch::load
