#pragma once

#include <corofetch/result.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

namespace corofetch::load {

/// One non-empty bucket of a histogram: the values it stands for and how many were recorded.
struct histogram_bucket {
  std::uint64_t lowest = 0;   ///< lowest value counted in this bucket
  std::uint64_t highest = 0;  ///< highest value counted in this bucket
  std::uint64_t count = 0;    ///< how many values in [lowest, highest] were recorded
  std::size_t index = 0;      ///< the bucket's position in HdrHistogram's counts array
};

/// A high-dynamic-range histogram of non-negative integer values (latencies in microseconds in
/// cf-load), with HdrHistogram's bucket layout so that its V2 encoding (hdr_log.hpp) is the one
/// every HdrHistogram implementation reads. Values up to 2 * 10^digits are counted exactly;
/// above, each bucket spans at most 1 / 10^digits of its values (log-linear buckets: a power of
/// two split into 2^k equal sub-buckets). Memory is one counts array allocated at construction
/// (23,552 counts for the defaults); record() never allocates. Not thread-safe: one histogram per
/// thread, added up with add(). A moved-from histogram may only be assigned to or destroyed.
class histogram {
 public:
  static constexpr std::uint64_t default_lowest = 1;               ///< 1 microsecond
  static constexpr std::uint64_t default_highest = 3'600'000'000;  ///< 1 hour in microseconds
  static constexpr int default_digits = 3;                         ///< 0.1 % value precision

  class bucket_iterator;
  class bucket_range;

  /// A histogram of values 0..3,600,000,000 with 3 significant digits (HdrHistogram's usual
  /// latency layout: 1 microsecond to 1 hour).
  histogram();

  /// A histogram with HdrHistogram's layout for these parameters: `lowest` >= 1 is the smallest
  /// value told apart from 0 (rounded down to a power of two, as HdrHistogram does), `highest`
  /// >= 2 * lowest and <= 2^63 - 1 the largest value tracked, `digits` 0..5 significant decimal
  /// digits. Errors: invalid_histogram_layout for anything out of those ranges.
  static result<histogram> create(std::uint64_t lowest, std::uint64_t highest, int digits);

  /// The length of the counts array create() would allocate for these parameters (8 bytes a
  /// count), without allocating; the same errors as create().
  static result<std::size_t> counts_length_for(std::uint64_t lowest, std::uint64_t highest,
                                               int digits) noexcept;

  /// Counts `value` once; see record(value, count).
  void record(std::uint64_t value) noexcept { record(value, 1); }

  /// Counts `value` `count` times. A value above highest_trackable() is counted as
  /// highest_trackable() (so a stalled request still weighs in the tail) and also added to
  /// clamped_count(). Constant time, no allocation, no loop.
  void record(std::uint64_t value, std::uint64_t count) noexcept {
    if (value > highest_) [[unlikely]] {
      value = highest_;
      clamped_ += count;
    }
    counts_[raw_index(value)] += count;
    total_ += count;
  }

  /// Adds every count of `other` to this histogram (exact: counts are summed, never averaged).
  /// Errors: histogram_mismatch when the two differ in lowest, highest or digits; then nothing
  /// is added.
  [[nodiscard]] std::error_code add(const histogram& other) noexcept;

  /// Sets every count to zero; the layout stays.
  void reset() noexcept;

  /// The number of values recorded.
  [[nodiscard]] std::uint64_t total_count() const noexcept { return total_; }
  /// True when nothing has been recorded.
  [[nodiscard]] bool empty() const noexcept { return total_ == 0; }
  /// How many of the recorded values were above highest_trackable() and counted as it.
  [[nodiscard]] std::uint64_t clamped_count() const noexcept { return clamped_; }
  /// The lowest equivalent value of the lowest non-empty bucket; 0 when empty (HdrHistogram's
  /// getMinValue).
  [[nodiscard]] std::uint64_t min() const noexcept;
  /// The highest equivalent value of the highest non-empty bucket; 0 when empty (HdrHistogram's
  /// getMaxValue).
  [[nodiscard]] std::uint64_t max() const noexcept;
  /// The mean of the recorded values, each taken as its bucket's median equivalent value, as
  /// HdrHistogram's getMean; 0 when empty.
  [[nodiscard]] double mean() const noexcept;
  /// The population standard deviation over the same median equivalent values, as
  /// HdrHistogram's getStdDeviation; 0 when empty.
  [[nodiscard]] double stdev() const noexcept;
  /// HdrHistogram's getValueAtPercentile: the highest equivalent value of the first bucket
  /// where the cumulative count reaches ceil(percentile / 100 * total_count()) (at least 1);
  /// percentile 0 gives the lowest equivalent value of the first non-empty bucket, 100 gives
  /// max(). `percentile` is clamped to [0, 100]; 0 when empty.
  [[nodiscard]] std::uint64_t value_at_percentile(double percentile) const noexcept;
  /// How many recorded values are equivalent to `value` (in its bucket); `value` is clamped to
  /// highest_trackable() as record() does.
  [[nodiscard]] std::uint64_t count_at(std::uint64_t value) const noexcept;

  /// The lowest value in the bucket of `value` (HdrHistogram's lowestEquivalentValue).
  [[nodiscard]] std::uint64_t lowest_equivalent(std::uint64_t value) const noexcept;
  /// The highest value in the bucket of `value` (HdrHistogram's highestEquivalentValue).
  [[nodiscard]] std::uint64_t highest_equivalent(std::uint64_t value) const noexcept;
  /// The middle of the bucket of `value`, rounded up (HdrHistogram's medianEquivalentValue).
  [[nodiscard]] std::uint64_t median_equivalent(std::uint64_t value) const noexcept;
  /// How many values share the bucket of `value` (HdrHistogram's sizeOfEquivalentValueRange).
  [[nodiscard]] std::uint64_t equivalent_range(std::uint64_t value) const noexcept;

  /// The layout: the parameters given to create() (lowest as given, not rounded).
  [[nodiscard]] std::uint64_t lowest_discernible() const noexcept { return lowest_; }
  [[nodiscard]] std::uint64_t highest_trackable() const noexcept { return highest_; }
  [[nodiscard]] int significant_digits() const noexcept { return digits_; }
  /// HdrHistogram's bucketCount (powers of two) and subBucketCount (linear steps in each).
  [[nodiscard]] int bucket_count() const noexcept { return bucket_count_; }
  [[nodiscard]] std::size_t sub_bucket_count() const noexcept { return 2 * sub_half_count_; }
  /// True when add() would accept `other`: same lowest, highest and digits.
  [[nodiscard]] bool same_layout(const histogram& other) const noexcept;

  /// The counts array in HdrHistogram's order, used by the V2 encoding and exporters: its
  /// length, the index of a value (clamped as record() does), the lowest value of the bucket
  /// at an index, the count at an index (0 past the end) and adding to it (an index past the
  /// end is ignored).
  [[nodiscard]] std::size_t counts_length() const noexcept { return counts_.size(); }
  [[nodiscard]] std::size_t index_of(std::uint64_t value) const noexcept;
  [[nodiscard]] std::uint64_t value_at_index(std::size_t index) const noexcept;
  [[nodiscard]] std::uint64_t count_at_index(std::size_t index) const noexcept;
  void record_at_index(std::size_t index, std::uint64_t count) noexcept;

  /// The non-empty buckets, lowest values first, for range-for.
  [[nodiscard]] bucket_range non_empty_buckets() const noexcept;

 private:
  histogram(std::uint64_t lowest, std::uint64_t highest, int digits);

  // HdrHistogram's countsArrayIndex: the bucket is the power of two above the sub-bucket range
  // that holds the value, found from its leading zeros; the sub-bucket is the value shifted
  // down to that bucket's resolution; bucket 0 uses all sub-buckets, the others the top half.
  [[nodiscard]] std::size_t raw_index(std::uint64_t value) const noexcept {
    const int bucket = leading_zero_base_ - std::countl_zero(value | sub_bucket_mask_);
    const std::uint64_t sub = value >> (bucket + unit_magnitude_);
    return (static_cast<std::size_t>(bucket + 1) << sub_half_magnitude_) + sub - sub_half_count_;
  }
  [[nodiscard]] std::size_t first_non_empty(std::size_t from) const noexcept;

  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t clamped_ = 0;
  std::uint64_t sub_bucket_mask_ = 0;
  std::uint64_t lowest_ = 0;
  std::uint64_t highest_ = 0;
  std::size_t sub_half_count_ = 0;
  int leading_zero_base_ = 0;
  int unit_magnitude_ = 0;
  int sub_half_magnitude_ = 0;
  int bucket_count_ = 0;
  int digits_ = 0;
};

/// Walks the non-empty buckets of a histogram (an input iterator yielding values).
class histogram::bucket_iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = histogram_bucket;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = histogram_bucket;

  bucket_iterator() = default;
  /// The bucket at the current position.
  histogram_bucket operator*() const noexcept;
  /// Moves to the next non-empty bucket.
  bucket_iterator& operator++() noexcept {
    index_ = h_->first_non_empty(index_ + 1);
    return *this;
  }
  bucket_iterator operator++(int) noexcept {
    auto before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const bucket_iterator& a, const bucket_iterator& b) noexcept {
    return a.index_ == b.index_;
  }

 private:
  friend class histogram;
  bucket_iterator(const histogram* h, std::size_t index) noexcept : h_(h), index_(index) {}
  const histogram* h_ = nullptr;
  std::size_t index_ = 0;
};

/// The non-empty buckets of a histogram, as begin() and end(); valid while the histogram is.
class histogram::bucket_range {
 public:
  [[nodiscard]] bucket_iterator begin() const noexcept { return begin_; }
  [[nodiscard]] bucket_iterator end() const noexcept { return end_; }

 private:
  friend class histogram;
  bucket_range(bucket_iterator b, bucket_iterator e) noexcept : begin_(b), end_(e) {}
  bucket_iterator begin_;
  bucket_iterator end_;
};

/// One row of a percentile distribution as HdrHistogram's outputPercentileDistribution and
/// wrk2 print it.
struct percentile_row {
  std::uint64_t value = 0;        ///< highest equivalent value of the bucket reached
  double percentile = 0;          ///< the percentile level of the row, 0..100
  std::uint64_t total_count = 0;  ///< values recorded up to and including that bucket
  double inverted = 0;            ///< 1 / (1 - percentile / 100); infinity on the 100 % row
};

/// The percentile distribution with HdrHistogram's PercentileIterator: levels from 0 % in
/// steps of 100 / (ticks * 2^(k+1)) %, where k is the number of halvings of the distance to
/// 100 % already passed, so each half of the remaining distance gets `ticks_per_half_distance`
/// rows; a bucket crossing several levels gives several rows; a last row at 100 %. Empty when
/// nothing is recorded. `ticks_per_half_distance` below 1 counts as 1.
[[nodiscard]] std::vector<percentile_row> percentile_spectrum(const histogram& h,
                                                              int ticks_per_half_distance = 5);

/// The percentile distribution as text, laid out as wrk2 (HdrHistogram_c's classic format)
/// prints it: the header "       Value   Percentile   TotalCount 1/(1-Percentile)", a blank
/// line, one row per percentile_spectrum() row (value divided by `value_scale` with
/// significant_digits() decimals, percentile as a fraction with 6 decimals, total count, and
/// 1/(1-p) with 2 decimals, "inf" on the last row), then the "#[Mean = ..., StdDeviation =
/// ...]", "#[Max = ..., Total count = ...]" and "#[Buckets = ..., SubBuckets = ...]" footer.
/// `value_scale` 1000.0 prints microseconds as milliseconds, as wrk2 does.
[[nodiscard]] std::string format_percentile_spectrum(const histogram& h, double value_scale = 1.0,
                                                     int ticks_per_half_distance = 5);

}  // namespace corofetch::load
