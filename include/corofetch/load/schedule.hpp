#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace corofetch::load {

using clock = std::chrono::steady_clock;

/// The open-loop schedule of one connection, as wrk2 keeps it: request i is intended to be sent
/// at origin + i * interval, whatever happened to the ones before. Latency is measured from the
/// intended time, so a server that stalls is charged for every request it held back, also the
/// ones a closed-loop client would never have sent (coordinated omission corrected). After a
/// stall the requests already due are sent at once, back to back, until the schedule is met.
/// Plain value type; no clock is read here.
class schedule {
 public:
  /// A schedule with no requests due ever (the closed loop's).
  schedule() = default;
  /// Requests due at `origin`, origin + interval, ... `interval` must be positive.
  schedule(clock::time_point origin, std::chrono::nanoseconds interval) noexcept
      : origin_(origin), interval_(interval) {}

  /// The intended send time of request `i` (0-based).
  [[nodiscard]] clock::time_point intended(std::uint64_t i) const noexcept {
    return origin_ + interval_ * static_cast<std::int64_t>(i);
  }
  /// The intended time of the next request not yet sent.
  [[nodiscard]] clock::time_point next() const noexcept { return intended(sent_); }
  /// How many requests are due at `now` and not yet sent.
  [[nodiscard]] std::uint64_t due(clock::time_point now) const noexcept {
    if (now < origin_) return 0;
    const auto elapsed = static_cast<std::uint64_t>((now - origin_) / interval_) + 1;
    return elapsed > sent_ ? elapsed - sent_ : 0;
  }
  /// Takes the next request: returns its intended time and moves on.
  clock::time_point take() noexcept { return intended(sent_++); }
  /// Requests taken so far.
  [[nodiscard]] std::uint64_t taken() const noexcept { return sent_; }
  [[nodiscard]] std::chrono::nanoseconds interval() const noexcept { return interval_; }
  [[nodiscard]] clock::time_point origin() const noexcept { return origin_; }

 private:
  clock::time_point origin_{};
  std::chrono::nanoseconds interval_{1};
  std::uint64_t sent_ = 0;
};

/// The schedule of connection `index` of `connections` that share a total rate of
/// `requests_per_second` (wrk2's method: the rate split evenly over the connections). Each
/// connection's origin is `start` plus index / connections of its interval, so that together
/// they send evenly spaced requests rather than bursts of `connections` at once.
/// Preconditions: requests_per_second > 0, index < connections.
[[nodiscard]] schedule connection_schedule(clock::time_point start, double requests_per_second,
                                           std::size_t index, std::size_t connections) noexcept;

/// How `total` items are spread over `parts` (connections over threads, a request count over
/// threads): part `i` gets total / parts, and the first total % parts parts one more, so none
/// is dropped when total is not a multiple of parts.
[[nodiscard]] constexpr std::uint64_t share_of(std::uint64_t total, std::uint64_t parts,
                                               std::uint64_t i) noexcept {
  return total / parts + (i < total % parts ? 1 : 0);
}

}  // namespace corofetch::load
