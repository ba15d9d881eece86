// Our HdrHistogram interval logs against the real peer, hdr-histogram-js (npm, installed in
// tests/npm): it reads the logs we write, and we read the logs it writes, with the same counts,
// maxima, means and percentiles. Skipped (with a warning) when node or the package is missing.
#include <corofetch/load/hdr_log.hpp>
#include <corofetch/load/histogram.hpp>

#include "common/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <array>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace load = corofetch::load;
using load::histogram;
using nlohmann::json;

namespace {

constexpr double start_time = 1'700'000'000.25;
constexpr std::array<double, 7> percentiles = {0, 50, 90, 99, 99.9, 99.99, 100};

struct peer {
  std::string node;
  std::string modules;
  std::string script;
};

std::optional<peer> find_peer() {
  const auto found = corofetch::test::run_process({"/bin/sh", "-c", "command -v node"});
  const auto lines = corofetch::test::split_lines(found.out);
  if (found.exit_code != 0 || lines.empty()) {
    WARN("node is not installed: the hdr-histogram-js comparison is skipped");
    return std::nullopt;
  }
  const std::string modules = CF_SOURCE_DIR "/tests/npm/node_modules";
  if (!std::filesystem::exists(modules + "/hdr-histogram-js/package.json")) {
    WARN("hdr-histogram-js is not in tests/npm: the comparison is skipped");
    return std::nullopt;
  }
  return peer{lines.front(), modules, CF_TEST_DATA_DIR "/load/hdr_peer.js"};
}

json run_peer(const peer& p, const std::string& command, const std::filesystem::path& log) {
  const auto r = corofetch::test::run_process({p.node, p.script, p.modules, command, log});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

// What hdr-histogram-js computed for a histogram equals what ours computes.
void check_stats(const json& theirs, const histogram& ours) {
  CHECK(theirs.at("total").get<std::uint64_t>() == ours.total_count());
  CHECK(theirs.at("max").get<std::uint64_t>() == ours.max());
  CHECK(theirs.at("mean").get<double>() == Approx(ours.mean()).epsilon(1e-12));
  CHECK(theirs.at("stdev").get<double>() == Approx(ours.stdev()).epsilon(1e-9));
  for (std::size_t i = 0; i < percentiles.size(); ++i) {
    INFO("p" << percentiles[i]);
    CHECK(theirs.at("percentiles").at(i).get<std::uint64_t>() ==
          ours.value_at_percentile(percentiles[i]));
  }
}

std::filesystem::path temp_log(const char* name) {
  return std::filesystem::temp_directory_path() /
         ("cf_hdr_peer_" + std::to_string(::getpid()) + "_" + name);
}

}  // namespace

TEST_CASE("hdr log peer: hdr-histogram-js reads the logs we write", "[integration]") {
  const auto p = find_peer();
  if (!p) return;
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(7.0, 2.0);
  std::string text;
  load::hdr_log_writer writer(text);
  REQUIRE_FALSE(writer.write_header(start_time));
  REQUIRE_FALSE(writer.write_comment("[written by corofetch's hdr_log_writer]"));
  std::vector<histogram> written;
  histogram sum;
  for (int i = 0; i < 6; ++i) {
    histogram h;
    for (int k = 0; k < 3000 * i; ++k) h.record(static_cast<std::uint64_t>(latency(rng)));
    if (i == 5) h.record(3'600'000'000, 3);  // the top bucket
    const bool tagged = i == 2;
    REQUIRE_FALSE(writer.write_interval(i, 1.0, h, tagged ? "uncorrected" : ""));
    if (!tagged) REQUIRE_FALSE(sum.add(h));
    written.push_back(std::move(h));
  }
  const auto log = temp_log("ours.hlog");
  {
    std::FILE* f = std::fopen(log.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  const json theirs = run_peer(*p, "read", log);
  std::filesystem::remove(log);
  REQUIRE(theirs.at("intervals").size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    INFO("interval " << i);
    const auto& in = theirs.at("intervals").at(i);
    CHECK(in.at("tag").get<std::string>() == (i == 2 ? "uncorrected" : ""));
    CHECK(in.at("start_ms").get<double>() ==
          Approx((start_time + static_cast<double>(i)) * 1000.0).margin(1));
    CHECK(in.at("end_ms").get<double>() ==
          Approx((start_time + static_cast<double>(i) + 1) * 1000.0).margin(1));
    check_stats(in, written[i]);
  }
  check_stats(theirs.at("sum"), sum);
}

TEST_CASE("hdr log peer: we read the logs hdr-histogram-js writes", "[integration]") {
  const auto p = find_peer();
  if (!p) return;
  const auto log = temp_log("theirs.hlog");
  const json theirs = run_peer(*p, "write", log);
  std::size_t bad_line = 0;
  const auto intervals = load::read_hdr_log_file(log, &bad_line);
  INFO("error: " << intervals.error().message() << " at line " << bad_line);
  REQUIRE(intervals.has_value());
  REQUIRE(intervals->size() == theirs.at("intervals").size());
  for (std::size_t i = 0; i < intervals->size(); ++i) {
    INFO("interval " << i);
    const auto& ours = (*intervals)[i];
    const auto& in = theirs.at("intervals").at(i);
    CHECK(ours.tag == in.at("tag").get<std::string>());
    CHECK(ours.start * 1000.0 == Approx(in.at("start_ms").get<double>()).margin(1));
    CHECK((ours.start + ours.length) * 1000.0 == Approx(in.at("end_ms").get<double>()).margin(1));
    check_stats(in, ours.hist);
  }
  // The untagged intervals (one layout) add up as hdr-histogram-js adds them.
  const std::vector<std::filesystem::path> paths = {log};
  const auto sum = load::add_hdr_logs(paths, std::string_view());
  std::filesystem::remove(log);
  REQUIRE(sum.has_value());
  check_stats(theirs.at("sum"), *sum);
}
