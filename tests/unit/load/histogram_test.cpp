// The load module's HDR histogram as its users see it: HdrHistogram's bucket layout at the edges
// of its range, percentiles checked against a sorted array of the same values, mean and standard
// deviation, merging, and the percentile table wrk2 prints.
#include <corofetch/load/error.hpp>
#include <corofetch/load/histogram.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

using corofetch::load::errc;
using corofetch::load::histogram;

namespace {

constexpr std::uint64_t hour = 3'600'000'000;

// Percentiles as thousandths of a percent, so the rank ceil(p / 100 * n) is exact integer math.
constexpr std::uint64_t milli_percentiles[] = {0,      1'000,  10'000, 25'000, 50'000, 75'000,
                                               90'000, 99'000, 99'900, 99'990, 99'999, 100'000};

std::uint64_t rank_of(std::uint64_t milli_percent, std::uint64_t n) {
  return std::max<std::uint64_t>((milli_percent * n + 99'999) / 100'000, 1);
}

// Values drawn from a few shapes a latency distribution takes.
std::vector<std::uint64_t> draw(int shape, std::size_t n, std::mt19937_64& rng) {
  std::vector<std::uint64_t> values(n);
  std::uniform_int_distribution<std::uint64_t> small(0, 3000);
  std::uniform_int_distribution<std::uint64_t> wide(0, hour);
  std::exponential_distribution<double> expo(1.0 / 5000.0);
  std::lognormal_distribution<double> lognormal(8.0, 1.5);
  std::bernoulli_distribution tail(0.01);
  for (auto& v : values) {
    switch (shape) {
      case 0:
        v = small(rng);
        break;
      case 1:
        v = wide(rng);
        break;
      case 2:
        v = static_cast<std::uint64_t>(expo(rng));
        break;
      case 3:
        v = std::min<std::uint64_t>(static_cast<std::uint64_t>(lognormal(rng)), hour);
        break;
      case 4:
        v = tail(rng) ? 2'000'000 + small(rng) * 100 : 900 + small(rng) / 10;
        break;
      default:
        v = 12'345;
        break;
    }
  }
  return values;
}

}  // namespace

TEST_CASE("histogram: HdrHistogram's default layout", "[unit]") {
  const histogram h;
  CHECK(h.lowest_discernible() == 1);
  CHECK(h.highest_trackable() == hour);
  CHECK(h.significant_digits() == 3);
  CHECK(h.sub_bucket_count() == 2048);
  CHECK(h.bucket_count() == 22);
  CHECK(h.counts_length() == 23'552);
  CHECK(histogram::counts_length_for(1, hour, 3).value() == 23'552);
  CHECK(h.empty());
  CHECK(h.total_count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0);
  CHECK(h.stdev() == 0);
  CHECK(h.value_at_percentile(99) == 0);
}

TEST_CASE("histogram: create validates lowest, highest and digits", "[unit]") {
  const auto bad = [](std::uint64_t lowest, std::uint64_t highest, int digits) {
    const auto h = histogram::create(lowest, highest, digits);
    INFO(lowest << " " << highest << " " << digits);
    REQUIRE_FALSE(h.has_value());
    CHECK(h.error() == errc::invalid_histogram_layout);
    CHECK(histogram::counts_length_for(lowest, highest, digits).error() ==
          errc::invalid_histogram_layout);
  };
  bad(0, hour, 3);
  bad(1, hour, -1);
  bad(1, hour, 6);
  bad(1000, 1999, 3);
  bad(1, std::uint64_t{1} << 63, 3);
  bad(std::uint64_t{1} << 60, std::uint64_t{1} << 62, 3);  // unit + sub-bucket bits past 61
  CHECK(histogram::create(1, 2, 0).has_value());
  CHECK(histogram::create(1, std::uint64_t{INT64_MAX}, 3).has_value());

  // Values from microseconds rounded down to 512 (lowest 1000 -> unit 2^9), 2 digits.
  const auto coarse = histogram::create(1000, hour, 2);
  REQUIRE(coarse.has_value());
  CHECK(coarse->sub_bucket_count() == 256);
  CHECK(coarse->lowest_equivalent(1500) == 1024);
  CHECK(coarse->equivalent_range(1500) == 512);
  CHECK(coarse->counts_length() == histogram::counts_length_for(1000, hour, 2).value());
}

TEST_CASE("histogram: values to buckets and back at the range edges", "[unit]") {
  histogram h;
  struct edge {
    std::uint64_t value, index, lowest, highest;
  };
  const edge edges[] = {
      {0, 0, 0, 0},
      {1, 1, 1, 1},
      {2047, 2047, 2047, 2047},  // the last value with unit resolution
      {2048, 2048, 2048, 2049},  // bucket 1: steps of 2
      {2049, 2048, 2048, 2049},
      {4095, 3071, 4094, 4095},
      {4096, 3072, 4096, 4099},  // bucket 2: steps of 4
      {1U << 20U, std::uint64_t{11} * 1024, 1U << 20U, (1U << 20U) + 1023},
      {hour, 23'220, 3'598'712'832, 3'600'809'983},  // bucket 21: steps of 2^21
  };
  for (const auto& e : edges) {
    INFO("value " << e.value);
    CHECK(h.index_of(e.value) == e.index);
    CHECK(h.lowest_equivalent(e.value) == e.lowest);
    CHECK(h.highest_equivalent(e.value) == e.highest);
    CHECK(h.equivalent_range(e.value) == e.highest - e.lowest + 1);
    CHECK(h.median_equivalent(e.value) == e.lowest + (e.highest - e.lowest + 1) / 2);
    CHECK(h.value_at_index(e.index) == e.lowest);
    h.record(e.value);
    CHECK(h.count_at(e.value) >= 1);
    CHECK(h.count_at_index(e.index) >= 1);
  }
  // Every power of two from 2^11 starts a bucket whose steps are 2^(k-10).
  for (unsigned k = 11; k < 32; ++k) {
    const std::uint64_t v = std::uint64_t{1} << k;
    INFO("2^" << k);
    CHECK(h.index_of(v) == std::size_t{k - 9} * 1024);
    CHECK(h.lowest_equivalent(v) == v);
    CHECK(h.equivalent_range(v) == std::uint64_t{1} << (k - 10));
    CHECK(h.lowest_equivalent(v - 1) == v - (std::uint64_t{1} << (k - 11)));
  }
}

TEST_CASE("histogram: every index maps back to itself", "[unit]") {
  const histogram h;
  for (std::size_t i = 0; i < h.counts_length(); ++i) {
    const std::uint64_t v = h.value_at_index(i);
    if (v > h.highest_trackable()) break;  // the last bucket reaches past highest
    REQUIRE(h.index_of(v) == i);
    REQUIRE(h.index_of(h.highest_equivalent(v)) == i);
    REQUIRE(h.lowest_equivalent(h.highest_equivalent(v)) == v);
  }
}

TEST_CASE("histogram: 3 significant digits everywhere in the range", "[unit]") {
  const histogram h;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> bits(0, 31);
  for (int i = 0; i < 100'000; ++i) {
    const std::uint64_t v = std::min<std::uint64_t>(rng() >> (32 + bits(rng)), hour);
    const std::uint64_t lo = h.lowest_equivalent(v);
    const std::uint64_t hi = h.highest_equivalent(v);
    REQUIRE(lo <= v);
    REQUIRE(v <= hi);
    // A bucket spans at most 1/1024 of its values (and one value below 2048).
    REQUIRE((hi - lo + 1) * 1024 <= std::max<std::uint64_t>(lo, 1024));
  }
}

TEST_CASE("histogram: record, counts, clamping above highest", "[unit]") {
  histogram h;
  h.record(0);
  h.record(1000, 3);
  h.record(hour + 1);
  h.record(std::numeric_limits<std::uint64_t>::max(), 2);
  CHECK(h.total_count() == 7);
  CHECK(h.count_at(0) == 1);
  CHECK(h.count_at(1000) == 3);
  CHECK(h.count_at(hour) == 3);  // counted as highest, so the tail still shows
  CHECK(h.clamped_count() == 3);
  CHECK(h.min() == 0);
  CHECK(h.max() == 3'600'809'983);
  CHECK(h.value_at_percentile(100) == 3'600'809'983);
  CHECK(h.value_at_percentile(0) == 0);

  h.reset();
  CHECK(h.empty());
  CHECK(h.clamped_count() == 0);
  CHECK(h.count_at(hour) == 0);
  h.record(5000);
  CHECK(h.min() == 5000);
  CHECK(h.max() == 5003);  // 4096..8191 in steps of 4
}

TEST_CASE("histogram: non-empty buckets in value order", "[unit]") {
  histogram h;
  h.record(3);
  h.record(2048, 2);
  h.record(2049);
  h.record(7, 4);
  std::vector<corofetch::load::histogram_bucket> seen;
  for (const auto& b : h.non_empty_buckets()) seen.push_back(b);
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].lowest == 3);
  CHECK(seen[0].highest == 3);
  CHECK(seen[0].count == 1);
  CHECK(seen[1].lowest == 7);
  CHECK(seen[1].count == 4);
  CHECK(seen[2].lowest == 2048);
  CHECK(seen[2].highest == 2049);
  CHECK(seen[2].count == 3);
  CHECK(seen[2].index == 2048);
  const histogram empty;
  CHECK(empty.non_empty_buckets().begin() == empty.non_empty_buckets().end());
}

TEST_CASE("histogram: percentiles match a sorted array of the same values", "[unit]") {
  std::mt19937_64 rng(2024);
  for (int shape = 0; shape < 6; ++shape) {
    for (const std::size_t n :
         {std::size_t{1}, std::size_t{7}, std::size_t{1000}, std::size_t{100'003}}) {
      auto values = draw(shape, n, rng);
      histogram h;
      for (const auto v : values) h.record(v);
      std::sort(values.begin(), values.end());
      INFO("shape " << shape << ", " << n << " values");
      REQUIRE(h.total_count() == n);
      CHECK(h.min() == h.lowest_equivalent(values.front()));
      CHECK(h.max() == h.highest_equivalent(values.back()));
      for (const auto mp : milli_percentiles) {
        const double p = static_cast<double>(mp) / 1000.0;
        const std::uint64_t exact = values[rank_of(mp, n) - 1];
        const std::uint64_t got = h.value_at_percentile(p);
        INFO("p" << p << " exact " << exact << " got " << got);
        // The same bucket as the exact value, reported as its highest (lowest for p0) value...
        CHECK(got == (mp == 0 ? h.lowest_equivalent(exact) : h.highest_equivalent(exact)));
        // ...which is within the 3-digit precision of the exact value.
        CHECK(std::abs(static_cast<double>(got) - static_cast<double>(exact)) <=
              std::max(1.0, static_cast<double>(exact) / 1000.0));
      }
    }
  }
}

TEST_CASE("histogram: percentiles at exact rank boundaries", "[unit]") {
  // 1000 values 1..1000: p99.9 is the 999th value, not the 1000th (HdrHistogram's ulp rule).
  histogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);
  CHECK(h.value_at_percentile(99.9) == 999);
  CHECK(h.value_at_percentile(50) == 500);
  CHECK(h.value_at_percentile(0.1) == 1);
  CHECK(h.value_at_percentile(0) == 1);
  CHECK(h.value_at_percentile(100) == 1000);
  CHECK(h.value_at_percentile(250) == 1000);  // clamped to 100
  CHECK(h.value_at_percentile(-3) == 1);      // clamped to 0
  CHECK(h.value_at_percentile(std::nan("")) == 1);
}

TEST_CASE("histogram: mean and standard deviation", "[unit]") {
  std::mt19937_64 rng(99);
  for (int shape = 0; shape < 6; ++shape) {
    const auto values = draw(shape, 50'000, rng);
    histogram h;
    for (const auto v : values) h.record(v);
    // HdrHistogram's definition: each value taken as its bucket's median equivalent value.
    long double sum = 0;
    long double raw_sum = 0;
    for (const auto v : values) {
      sum += static_cast<long double>(h.median_equivalent(v));
      raw_sum += static_cast<long double>(v);
    }
    const long double mean = sum / values.size();
    const long double raw_mean = raw_sum / values.size();
    long double squares = 0;
    long double raw_squares = 0;
    for (const auto v : values) {
      const long double d = static_cast<long double>(h.median_equivalent(v)) - mean;
      const long double r = static_cast<long double>(v) - raw_mean;
      squares += d * d;
      raw_squares += r * r;
    }
    const auto stdev = static_cast<double>(std::sqrt(squares / values.size()));
    const auto raw_stdev = static_cast<double>(std::sqrt(raw_squares / values.size()));
    INFO("shape " << shape);
    CHECK(h.mean() == Approx(static_cast<double>(mean)).epsilon(1e-12));
    CHECK(h.stdev() == Approx(stdev).epsilon(1e-9).margin(1e-9));
    // Against the values themselves: within the buckets' precision.
    CHECK(h.mean() == Approx(static_cast<double>(raw_mean)).epsilon(1e-3));
    CHECK(h.stdev() == Approx(raw_stdev).epsilon(2e-3).margin(1.0));
  }
}

TEST_CASE("histogram: adding equals recording everything in one", "[unit]") {
  std::mt19937_64 rng(5);
  histogram all;
  histogram parts[4];
  for (int shape = 0; shape < 5; ++shape) {
    const auto values = draw(shape, 20'000, rng);
    for (std::size_t i = 0; i < values.size(); ++i) {
      all.record(values[i]);
      parts[i % 4].record(values[i]);
    }
  }
  all.record(hour * 2);
  parts[3].record(hour * 2);
  histogram sum;
  for (const auto& p : parts) REQUIRE_FALSE(sum.add(p));
  CHECK(sum.total_count() == all.total_count());
  CHECK(sum.clamped_count() == 1);
  for (std::size_t i = 0; i < all.counts_length(); ++i) {
    REQUIRE(sum.count_at_index(i) == all.count_at_index(i));
  }
  CHECK(sum.value_at_percentile(99.99) == all.value_at_percentile(99.99));
  CHECK(sum.mean() == all.mean());
}

TEST_CASE("histogram: adding histograms of another layout is refused", "[unit]") {
  histogram h;
  h.record(10);
  for (const auto& other : {histogram::create(1, 1'000'000'000, 3), histogram::create(1, hour, 2),
                            histogram::create(2, hour, 3)}) {
    REQUIRE(other.has_value());
    auto o = *other;
    o.record(10);
    CHECK_FALSE(h.same_layout(o));
    CHECK(h.add(o) == errc::histogram_mismatch);
    CHECK(h.add(o).message() == "histograms of different ranges or precision cannot be added");
    CHECK(h.total_count() == 1);
    CHECK(h.count_at(10) == 1);
  }
}

TEST_CASE("histogram: percentile spectrum rows, computed by hand", "[unit]") {
  histogram h;
  for (std::uint64_t v = 1; v <= 4; ++v) h.record(v);
  // Levels: steps of 10 % up to 50 %, then 5 % up to 75 %, then 2.5 %; a bucket gives a row
  // for each level its cumulative percentile reaches (value 1 is 25 %, value 2 50 %, ...).
  struct row {
    std::uint64_t value;
    double percentile;
    std::uint64_t total;
  };
  const row expected[] = {{1, 0, 1},  {1, 10, 1},   {1, 20, 1}, {2, 30, 2}, {2, 40, 2},
                          {2, 50, 2}, {3, 55, 3},   {3, 60, 3}, {3, 65, 3}, {3, 70, 3},
                          {3, 75, 3}, {4, 77.5, 4}, {4, 100, 4}};
  const auto rows = percentile_spectrum(h);
  REQUIRE(rows.size() == std::size(expected));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i);
    CHECK(rows[i].value == expected[i].value);
    CHECK(rows[i].percentile == Approx(expected[i].percentile));
    CHECK(rows[i].total_count == expected[i].total);
    if (i + 1 < rows.size()) {
      CHECK(rows[i].inverted == Approx(1.0 / (1.0 - expected[i].percentile / 100.0)));
    }
  }
  CHECK(std::isinf(rows.back().inverted));
  CHECK(percentile_spectrum(histogram()).empty());

  // One value: the 0 % row and the 100 % row.
  histogram one;
  one.record(42);
  const auto single = percentile_spectrum(one);
  REQUIRE(single.size() == 2);
  CHECK(single[0].value == 42);
  CHECK(single[0].percentile == 0);
  CHECK(single[1].percentile == 100);
}

TEST_CASE("histogram: percentile table as wrk2 prints it", "[unit]") {
  histogram h;
  for (std::uint64_t v = 1; v <= 4; ++v) h.record(v * 100);
  const std::string expected =
      "       Value   Percentile   TotalCount 1/(1-Percentile)\n"
      "\n"
      "       1.000     0.000000            1         1.00\n"
      "       1.000     0.100000            1         1.11\n"
      "       1.000     0.200000            1         1.25\n"
      "       2.000     0.300000            2         1.43\n"
      "       2.000     0.400000            2         1.67\n"
      "       2.000     0.500000            2         2.00\n"
      "       3.000     0.550000            3         2.22\n"
      "       3.000     0.600000            3         2.50\n"
      "       3.000     0.650000            3         2.86\n"
      "       3.000     0.700000            3         3.33\n"
      "       3.000     0.750000            3         4.00\n"
      "       4.000     0.775000            4         4.44\n"
      "       4.000     1.000000            4          inf\n"
      "#[Mean    =        2.500, StdDeviation   =        1.118]\n"
      "#[Max     =        4.000, Total count    =            4]\n"
      "#[Buckets =           22, SubBuckets     =         2048]\n";
  CHECK(format_percentile_spectrum(h, 100.0) == expected);

  const std::string empty =
      "       Value   Percentile   TotalCount 1/(1-Percentile)\n"
      "\n"
      "#[Mean    =        0.000, StdDeviation   =        0.000]\n"
      "#[Max     =        0.000, Total count    =            0]\n"
      "#[Buckets =           22, SubBuckets     =         2048]\n";
  CHECK(format_percentile_spectrum(histogram()) == empty);

  // Microseconds shown as milliseconds, each row at its bucket's highest value (3000 is in a
  // bucket of 2: 3000..3001).
  histogram ms;
  ms.record(3000);
  const std::string table = format_percentile_spectrum(ms, 1000.0);
  CHECK(table.find("\n       3.001     0.000000            1         1.00\n") != std::string::npos);
  CHECK(table.find("\n       3.001     1.000000            1          inf\n") != std::string::npos);
  CHECK(table.find("#[Max     =        3.001, Total count    =            1]\n") !=
        std::string::npos);
}
