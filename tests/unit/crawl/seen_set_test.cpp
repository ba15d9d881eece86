// The seen-set of fingerprints: membership, the fingerprint 0, growth, and its memory per URL
// for a million URLs (printed, and bounded by the 100 bytes the crawler issue allows).
#include <corofetch/crawl/seen_set.hpp>
#include <corofetch/url/url.hpp>

#include <catch2/catch.hpp>

#include <malloc.h>

#include <cstdint>
#include <string>

using corofetch::crawl::seen_set;

TEST_CASE("seen_set: insert says whether a fingerprint is new", "[unit]") {
  seen_set s;
  CHECK(s.empty());
  CHECK(s.insert(42));
  CHECK_FALSE(s.insert(42));
  CHECK(s.contains(42));
  CHECK_FALSE(s.contains(43));
  CHECK(s.insert(0));  // 0 marks empty slots inside: kept apart
  CHECK_FALSE(s.insert(0));
  CHECK(s.contains(0));
  CHECK(s.size() == 2);
}

TEST_CASE("seen_set: grows and keeps every fingerprint", "[unit]") {
  seen_set s;
  for (std::uint64_t i = 1; i <= 100'000; ++i) REQUIRE(s.insert(i * 0x9E3779B97F4A7C15ULL));
  CHECK(s.size() == 100'000);
  for (std::uint64_t i = 1; i <= 100'000; ++i) REQUIRE(s.contains(i * 0x9E3779B97F4A7C15ULL));
  CHECK_FALSE(s.contains(0));
  // Sequential values (no hash at all) spread as well.
  seen_set seq(10);
  for (std::uint64_t i = 1; i <= 50'000; ++i) REQUIRE(seq.insert(i));
  CHECK(seq.contains(50'000));
  CHECK_FALSE(seq.contains(50'001));
}

TEST_CASE("seen_set: bytes per seen URL for a million URLs", "[unit]") {
  // Small blocks count in uordblks, large ones (the table) are mapped and count in hblkhd.
  const auto heap_in_use = [] {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
  };
  const std::size_t before = heap_in_use();
  std::size_t heap = 0;
  std::size_t table = 0;
  {
    seen_set s;
    for (int i = 0; i < 1'000'000; ++i) {
      const std::string u = "https://example.com/articles/" + std::to_string(i) + ".html";
      s.insert(corofetch::url::fingerprint(u));
    }
    REQUIRE(s.size() == 1'000'000);
    heap = heap_in_use() - before;
    table = s.memory_bytes();
  }
  const double per_url = static_cast<double>(heap) / 1e6;
  WARN("seen_set: " << per_url << " bytes of heap per seen URL for 1,000,000 URLs (table " << table
                    << " bytes)");
  CHECK(table == std::size_t{1} << 24);  // 2^21 slots of 8 bytes: 16.8 bytes per URL
  CHECK(per_url <= 24.0);
}
