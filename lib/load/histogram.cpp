#include <corofetch/load/error.hpp>
#include <corofetch/load/histogram.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace corofetch::load {
namespace {

// HdrHistogram's layout for (lowest, highest, digits), as its AbstractHistogram constructor and
// the V2 encoding define it: every implementation derives the same counts array from the three
// numbers in an encoded histogram's header, so these formulas are part of the format.
struct layout {
  int unit_magnitude = 0;      // floor(log2(lowest)): values below 2^this share bucket 0's slot 0
  int sub_half_magnitude = 0;  // log2(sub-buckets) - 1
  int bucket_count = 0;        // powers of two needed to reach highest
  std::size_t counts_length = 0;
};

// HdrHistogram's getBucketsNeededToCoverValue: bucket k spans values up to
// sub_bucket_count * 2^(k + unit); one more bucket than needed when doubling would overflow.
int buckets_to_cover(std::uint64_t highest, std::uint64_t smallest_untrackable) {
  int buckets = 1;
  while (smallest_untrackable <= highest) {
    if (smallest_untrackable > static_cast<std::uint64_t>(INT64_MAX) / 2) return buckets + 1;
    smallest_untrackable <<= 1U;
    ++buckets;
  }
  return buckets;
}

result<layout> compute_layout(std::uint64_t lowest, std::uint64_t highest, int digits) {
  // The V2 encoding carries lowest and highest as signed 64-bit numbers (Java longs).
  constexpr auto max_value = static_cast<std::uint64_t>(INT64_MAX);
  if (lowest < 1 || digits < 0 || digits > 5 || highest > max_value || lowest > highest / 2) {
    return errc::invalid_histogram_layout;
  }
  // Unit resolution up to 2 * 10^digits (HdrHistogram: "+/- 1 unit at 1000" with 3 digits
  // also means +/- 2 at 2000), rounded up to a power of two of sub-buckets.
  std::uint64_t single_unit_limit = 2;
  for (int i = 0; i < digits; ++i) single_unit_limit *= 10;
  const auto sub_count_magnitude = static_cast<int>(std::bit_width(single_unit_limit - 1));
  layout l;
  l.unit_magnitude = static_cast<int>(std::bit_width(lowest)) - 1;
  l.sub_half_magnitude = std::max(sub_count_magnitude, 1) - 1;
  if (l.unit_magnitude + l.sub_half_magnitude > 61) return errc::invalid_histogram_layout;
  const std::uint64_t sub_count = std::uint64_t{1} << (l.sub_half_magnitude + 1);
  l.bucket_count = buckets_to_cover(highest, sub_count << l.unit_magnitude);
  l.counts_length = static_cast<std::size_t>(l.bucket_count + 1) * (sub_count / 2);
  return l;
}

// The next level of HdrHistogram's PercentileIterator: `ticks` steps in each half of the
// distance still left to 100 %. log(x) / log(2) rather than log2 so that levels fall where
// Java's and HdrHistogram_c's iterators put them.
double next_percentile_level(double level, int ticks) {
  const double halvings = std::log(100.0 / (100.0 - level)) / std::log(2.0);
  if (!(halvings < 62.0)) return std::numeric_limits<double>::infinity();
  const auto exponent = static_cast<int>(halvings) + 1;
  return level + 100.0 / std::ldexp(static_cast<double>(ticks), exponent);
}

}  // namespace

histogram::histogram() : histogram(default_lowest, default_highest, default_digits) {}

histogram::histogram(std::uint64_t lowest, std::uint64_t highest, int digits)
    : lowest_(lowest), highest_(highest), digits_(digits) {
  const layout l = *compute_layout(lowest, highest, digits);
  unit_magnitude_ = l.unit_magnitude;
  sub_half_magnitude_ = l.sub_half_magnitude;
  bucket_count_ = l.bucket_count;
  sub_half_count_ = std::size_t{1} << l.sub_half_magnitude;
  sub_bucket_mask_ = (std::uint64_t{2 * sub_half_count_} - 1) << l.unit_magnitude;
  leading_zero_base_ = 64 - l.unit_magnitude - l.sub_half_magnitude - 1;
  counts_.assign(l.counts_length, 0);
}

result<histogram> histogram::create(std::uint64_t lowest, std::uint64_t highest, int digits) {
  if (auto l = compute_layout(lowest, highest, digits); !l) return l.error();
  return histogram(lowest, highest, digits);
}

result<std::size_t> histogram::counts_length_for(std::uint64_t lowest, std::uint64_t highest,
                                                 int digits) noexcept {
  auto l = compute_layout(lowest, highest, digits);
  if (!l) return l.error();
  return l->counts_length;
}

std::error_code histogram::add(const histogram& other) noexcept {
  if (!same_layout(other)) return errc::histogram_mismatch;
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  clamped_ += other.clamped_;
  return {};
}

void histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
  clamped_ = 0;
}

bool histogram::same_layout(const histogram& other) const noexcept {
  return lowest_ == other.lowest_ && highest_ == other.highest_ && digits_ == other.digits_;
}

std::size_t histogram::first_non_empty(std::size_t from) const noexcept {
  while (from < counts_.size() && counts_[from] == 0) ++from;
  return from;
}

std::uint64_t histogram::min() const noexcept {
  const std::size_t i = first_non_empty(0);
  // Bucket 0's first slot holds 0 (and, with lowest > 1, everything below 2^unit): min is 0.
  if (i == counts_.size() || i == 0) return 0;
  return value_at_index(i);
}

std::uint64_t histogram::max() const noexcept {
  for (std::size_t i = counts_.size(); i-- > 0;) {
    if (counts_[i] != 0) return highest_equivalent(value_at_index(i));
  }
  return 0;
}

double histogram::mean() const noexcept {
  if (total_ == 0) return 0;
  double sum = 0;
  for (const auto& b : non_empty_buckets()) {
    sum += static_cast<double>(median_equivalent(b.lowest)) * static_cast<double>(b.count);
  }
  return sum / static_cast<double>(total_);
}

double histogram::stdev() const noexcept {
  if (total_ == 0) return 0;
  const double m = mean();
  double squares = 0;
  for (const auto& b : non_empty_buckets()) {
    const double deviation = static_cast<double>(median_equivalent(b.lowest)) - m;
    squares += deviation * deviation * static_cast<double>(b.count);
  }
  return std::sqrt(squares / static_cast<double>(total_));
}

std::uint64_t histogram::value_at_percentile(double percentile) const noexcept {
  if (total_ == 0) return 0;
  const double p = std::isnan(percentile) ? 0.0 : std::clamp(percentile, 0.0, 100.0);
  // As HdrHistogram (Java) does: one ulp off the percentile, so that p / 100 * total landing a
  // rounding error above an integer (99.9 % of 1000 is 999.0000000000001) does not skip a count.
  const double below = std::max(std::nextafter(p, -1.0), 0.0);
  const double wanted = std::ceil(below / 100.0 * static_cast<double>(total_));
  std::uint64_t rank = total_;
  if (wanted < static_cast<double>(total_)) rank = static_cast<std::uint64_t>(wanted);
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    cumulative += counts_[i];
    if (cumulative >= rank) {
      const std::uint64_t v = value_at_index(i);
      return p == 0.0 ? v : highest_equivalent(v);
    }
  }
  return 0;
}

std::uint64_t histogram::count_at(std::uint64_t value) const noexcept {
  return counts_[index_of(value)];
}

std::uint64_t histogram::equivalent_range(std::uint64_t value) const noexcept {
  const int bucket = leading_zero_base_ - std::countl_zero(value | sub_bucket_mask_);
  return std::uint64_t{1} << (bucket + unit_magnitude_);
}

std::uint64_t histogram::lowest_equivalent(std::uint64_t value) const noexcept {
  return value & ~(equivalent_range(value) - 1);
}

std::uint64_t histogram::highest_equivalent(std::uint64_t value) const noexcept {
  // Wraps to 2^64 - 1 for the top bucket of the 64-bit range, which is its highest value.
  return lowest_equivalent(value) + equivalent_range(value) - 1;
}

std::uint64_t histogram::median_equivalent(std::uint64_t value) const noexcept {
  return lowest_equivalent(value) + equivalent_range(value) / 2;
}

std::size_t histogram::index_of(std::uint64_t value) const noexcept {
  return raw_index(std::min(value, highest_));
}

std::uint64_t histogram::value_at_index(std::size_t index) const noexcept {
  // HdrHistogram's valueFromIndex: the inverse of raw_index.
  const auto bucket = static_cast<int>(index >> sub_half_magnitude_) - 1;
  std::uint64_t sub = (index & (sub_half_count_ - 1)) + sub_half_count_;
  if (bucket < 0) return (sub - sub_half_count_) << unit_magnitude_;
  return sub << (bucket + unit_magnitude_);
}

std::uint64_t histogram::count_at_index(std::size_t index) const noexcept {
  return index < counts_.size() ? counts_[index] : 0;
}

void histogram::record_at_index(std::size_t index, std::uint64_t count) noexcept {
  if (index >= counts_.size()) return;
  counts_[index] += count;
  total_ += count;
}

histogram::bucket_range histogram::non_empty_buckets() const noexcept {
  return {bucket_iterator(this, first_non_empty(0)), bucket_iterator(this, counts_.size())};
}

histogram_bucket histogram::bucket_iterator::operator*() const noexcept {
  const std::uint64_t lowest = h_->value_at_index(index_);
  return {lowest, h_->highest_equivalent(lowest), h_->counts_[index_], index_};
}

std::vector<percentile_row> percentile_spectrum(const histogram& h, int ticks_per_half_distance) {
  std::vector<percentile_row> rows;
  if (h.empty()) return rows;
  const int ticks = std::max(ticks_per_half_distance, 1);
  const auto total = static_cast<double>(h.total_count());
  double level = 0;
  std::uint64_t cumulative = 0;
  std::uint64_t last = 0;
  for (const auto& b : h.non_empty_buckets()) {
    cumulative += b.count;
    last = b.highest;
    const bool exhausted = cumulative >= h.total_count();
    // A bucket gives a row for every level its cumulative percentile reaches; the bucket that
    // holds the last values gives one, and the 100 % row below closes the table.
    while (level <= 100.0 * static_cast<double>(cumulative) / total) {
      rows.push_back({b.highest, level, cumulative, 1.0 / (1.0 - level / 100.0)});
      if (exhausted) break;
      level = next_percentile_level(level, ticks);
    }
    if (exhausted) break;
  }
  rows.push_back({last, 100.0, cumulative, std::numeric_limits<double>::infinity()});
  return rows;
}

std::string format_percentile_spectrum(const histogram& h, double value_scale,
                                       int ticks_per_half_distance) {
  const double scale = value_scale > 0 ? value_scale : 1.0;
  const int digits = h.significant_digits();
  std::string out = fmt::format("{:>12} {:>12} {:>12} {:>12}\n\n", "Value", "Percentile",
                                "TotalCount", "1/(1-Percentile)");
  auto sink = std::back_inserter(out);
  for (const auto& row : percentile_spectrum(h, ticks_per_half_distance)) {
    fmt::format_to(sink, "{:12.{}f} {:12.6f} {:12} {:>12.2f}\n",
                   static_cast<double>(row.value) / scale, digits, row.percentile / 100.0,
                   row.total_count, row.inverted);
  }
  const double mean = h.mean();
  fmt::format_to(sink, "#[Mean    = {:12.{}f}, StdDeviation   = {:12.{}f}]\n", mean / scale, digits,
                 h.stdev() / scale, digits);
  fmt::format_to(sink, "#[Max     = {:12.{}f}, Total count    = {:12}]\n",
                 static_cast<double>(h.max()) / scale, digits, h.total_count());
  fmt::format_to(sink, "#[Buckets = {:12}, SubBuckets     = {:12}]\n", h.bucket_count(),
                 h.sub_bucket_count());
  return out;
}

}  // namespace corofetch::load
