// examples/common's sizes and durations: the same text in every tool.
#include "common/format.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>

namespace tool = corofetch::tool;
using namespace std::chrono_literals;

TEST_CASE("human_size: bytes, then binary units with one decimal", "[unit]") {
  CHECK(tool::human_size(0) == "0 B");
  CHECK(tool::human_size(512) == "512 B");
  CHECK(tool::human_size(1023) == "1023 B");
  CHECK(tool::human_size(1024) == "1.0 KiB");
  CHECK(tool::human_size(1536) == "1.5 KiB");
  CHECK(tool::human_size(std::uint64_t{20} * 1024 * 1024) == "20.0 MiB");
  CHECK(tool::human_size(std::uint64_t{3435973837}) == "3.2 GiB");
  CHECK(tool::human_size(std::uint64_t{1} << 40U) == "1.0 TiB");
  // The largest value still has a unit: exbibytes are the last one.
  CHECK(tool::human_size(UINT64_MAX) == "16.0 EiB");
}

TEST_CASE("human_duration: the unit that fits", "[unit]") {
  CHECK(tool::human_duration(0ns) == "0 ns");
  CHECK(tool::human_duration(999ns) == "999 ns");
  CHECK(tool::human_duration(850us) == "850 us");
  CHECK(tool::human_duration(12300us) == "12.3 ms");
  CHECK(tool::human_duration(4560ms) == "4.56 s");
  CHECK(tool::human_duration(125s) == "2m05s");
  CHECK(tool::human_duration(3h + 2min + 1s) == "3h02m01s");
  CHECK(tool::human_duration(-1500us) == "-1.5 ms");
}

TEST_CASE("seconds_text and to_ms: curl's -w times and JSON milliseconds", "[unit]") {
  CHECK(tool::seconds_text(12345us) == "0.012345");
  CHECK(tool::seconds_text(2s) == "2.000000");
  CHECK(tool::to_ms(1500us) == Approx(1.5));
  CHECK(tool::to_ms(0ns) == 0.0);
}
