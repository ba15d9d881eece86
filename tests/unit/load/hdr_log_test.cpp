// HdrHistogram's V2 encoding byte by byte, its compressed base64 form, hostile encodings, and
// interval logs written and read back (timestamps, tags, bad lines with their numbers, adding
// several machines' logs).
#include <corofetch/load/error.hpp>
#include <corofetch/load/hdr_log.hpp>
#include <corofetch/load/histogram.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace load = corofetch::load;
using load::errc;
using load::histogram;

namespace {

using bytes = std::vector<std::uint8_t>;

void require_same_counts(const histogram& a, const histogram& b) {
  REQUIRE(a.same_layout(b));
  REQUIRE(a.total_count() == b.total_count());
  for (std::size_t i = 0; i < a.counts_length(); ++i) {
    INFO("index " << i);
    REQUIRE(a.count_at_index(i) == b.count_at_index(i));
  }
}

histogram random_histogram(std::uint64_t seed, std::size_t n, histogram h = {}) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> latency(7.0, 2.0);
  for (std::size_t i = 0; i < n; ++i) h.record(static_cast<std::uint64_t>(latency(rng)));
  return h;
}

bytes header_bytes(std::uint32_t cookie, std::int32_t payload, std::int32_t digits,
                   std::int64_t lowest, std::int64_t highest) {
  bytes out;
  const auto put = [&out](std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  put(cookie, 4);
  put(static_cast<std::uint32_t>(payload), 4);
  put(0, 4);
  put(static_cast<std::uint32_t>(digits), 4);
  put(static_cast<std::uint64_t>(lowest), 8);
  put(static_cast<std::uint64_t>(highest), 8);
  put(0x3ff0000000000000, 8);
  return out;
}

// A V2 encoding of the default layout with the given payload bytes.
bytes with_payload(const bytes& payload) {
  auto out = header_bytes(load::v2_encoding_cookie, static_cast<std::int32_t>(payload.size()), 3, 1,
                          3'600'000'000);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("cf_hdr_" + std::to_string(::getpid()) + "_" + name);
}

}  // namespace

TEST_CASE("hdr V2 encoding: header and counts byte by byte", "[unit]") {
  const bytes empty_expected = {
      0x1c, 0x84, 0x93, 0x13,                          // cookie, word-size nibble 1
      0,    0,    0,    1,                             // payload: one byte
      0,    0,    0,    0,                             // normalizing index offset
      0,    0,    0,    3,                             // significant digits
      0,    0,    0,    0,    0,    0,    0,    1,     // lowest discernible value
      0,    0,    0,    0,    0xd6, 0x93, 0xa4, 0x00,  // 3,600,000,000
      0x3f, 0xf0, 0,    0,    0,    0,    0,    0,     // ratio 1.0
      0x00};                                           // count 0 at index 0
  CHECK(load::encode_v2(histogram()) == empty_expected);

  histogram h;
  h.record(1, 2);
  h.record(3);
  auto enc = load::encode_v2(h);
  // Counts 0, 2, 0, 1: a lone empty bucket is written as 0, not as a run.
  CHECK(bytes(enc.begin() + 40, enc.end()) == bytes{0x00, 0x04, 0x00, 0x02});
  CHECK(enc[7] == 4);

  histogram runs;
  runs.record(0);
  runs.record(100);
  enc = load::encode_v2(runs);
  // 99 empty buckets: -99, ZigZag 197, LEB128 0xc5 0x01.
  CHECK(bytes(enc.begin() + 40, enc.end()) == bytes{0x02, 0xc5, 0x01, 0x02});

  histogram big;
  big.record(5, std::uint64_t{1} << 62);  // ZigZag 2^63: the 9-byte form, last byte 8 bits
  enc = load::encode_v2(big);
  const bytes tail(enc.end() - 9, enc.end());
  CHECK(tail == bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80});
  const auto back = load::decode_v2(enc);
  REQUIRE(back.has_value());
  CHECK(back->count_at(5) == std::uint64_t{1} << 62);
}

TEST_CASE("hdr V2 encoding: round trip keeps every bucket", "[unit]") {
  std::vector<histogram> cases;
  cases.push_back(histogram());
  cases.push_back(random_histogram(1, 1));
  cases.push_back(random_histogram(2, 100'000));
  cases.push_back(random_histogram(3, 20'000, *histogram::create(1000, 3'600'000'000, 2)));
  cases.push_back(random_histogram(4, 20'000, *histogram::create(1, 1'000'000'000'000, 4)));
  histogram edges;
  edges.record(0, 7);
  edges.record(3'600'000'000, 1'000'000'000'000);
  edges.record(2047);
  edges.record(2048);
  cases.push_back(edges);
  for (const auto& h : cases) {
    const auto plain = load::decode_v2(load::encode_v2(h));
    REQUIRE(plain.has_value());
    require_same_counts(h, *plain);
    const auto compressed = load::decode_v2_compressed(load::encode_v2_compressed(h));
    REQUIRE(compressed.has_value());
    require_same_counts(h, *compressed);
    const std::string text = load::encode_compressed_base64(h);
    CHECK(text.rfind("HISTF", 0) == 0);  // what every HdrHistogram log line shows
    const auto from_text = load::decode_compressed_base64(text);
    REQUIRE(from_text.has_value());
    require_same_counts(h, *from_text);
    CHECK(from_text->max() == h.max());
  }
}

TEST_CASE("hdr V2 encoding: other word-size nibbles in the cookie are read", "[unit]") {
  auto enc = load::encode_v2(random_histogram(5, 100));
  enc[3] = 0x03;  // 0x1c849303, the cookie base without the word-size nibble
  CHECK(load::decode_v2(enc).has_value());
}

TEST_CASE("hdr V2 encoding: corrupt and truncated input is refused", "[unit]") {
  const auto invalid = [](const bytes& b) {
    const auto h = load::decode_v2(b);
    return !h.has_value() && h.error() == errc::invalid_histogram;
  };
  const auto good = load::encode_v2(random_histogram(6, 1000));
  for (std::size_t n = 0; n < good.size(); ++n) {
    INFO("first " << n << " bytes");
    CHECK(invalid(bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n))));
  }
  auto wrong = good;
  wrong[0] = 0x1d;
  CHECK(invalid(wrong));
  CHECK(invalid(header_bytes(0x1c849301, 0, 3, 1, 1000)));  // V0/V1 encodings: not read
  CHECK(invalid(header_bytes(load::v2_encoding_cookie, 0, 6, 1, 1000)));   // digits
  CHECK(invalid(header_bytes(load::v2_encoding_cookie, 0, 3, 0, 1000)));   // lowest
  CHECK(invalid(header_bytes(load::v2_encoding_cookie, 0, 3, 100, 150)));  // highest < 2 lowest
  CHECK(invalid(header_bytes(load::v2_encoding_cookie, 0, 3, 1, -5)));     // negative highest
  CHECK(invalid(header_bytes(load::v2_encoding_cookie, -1, 3, 1, 1000)));  // negative payload
  // A payload longer than 9 bytes per count is refused before anything is allocated for it.
  auto absurd = header_bytes(load::v2_encoding_cookie, 0x7fffffff, 3, 1, 1000);
  absurd.resize(absurd.size() + 16, 0);
  CHECK(invalid(absurd));
  CHECK(invalid(with_payload({0x80})));  // a number cut off
  auto longer = with_payload({0x02});
  longer.push_back(0x02);
  CHECK(invalid(longer));                                  // a byte after the declared payload
  CHECK(invalid(with_payload({0xff, 0xff, 0xff, 0x7f})));  // a zero run past the array
  CHECK(load::decode_v2(with_payload({0xff, 0xef, 0x02})).has_value());  // 23552 empty: all
  CHECK(invalid(with_payload({0xff, 0xef, 0x02, 0x02})));                // then one count more
  // Counts that overflow a 64-bit total.
  const bytes huge = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  bytes three;
  for (int i = 0; i < 3; ++i) three.insert(three.end(), huge.begin(), huge.end());
  CHECK(invalid(with_payload(three)));
  three.resize(18);
  CHECK(load::decode_v2(with_payload(three)).has_value());
}

TEST_CASE("hdr V2 compressed: corrupt, truncated and inflated input is refused", "[unit]") {
  const auto invalid = [](const bytes& b) {
    const auto h = load::decode_v2_compressed(b);
    return !h.has_value() && h.error() == errc::invalid_histogram;
  };
  const auto good = load::encode_v2_compressed(random_histogram(7, 5000));
  REQUIRE(load::decode_v2_compressed(good).has_value());
  for (std::size_t n = 0; n < good.size(); ++n) {
    INFO("first " << n << " bytes");
    CHECK(invalid(bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n))));
  }
  // Every single-byte change is caught (the cookie, the length or zlib's Adler-32).
  for (std::size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= 0x41;
    INFO("byte " << i);
    CHECK(invalid(bad));
  }
  auto longer = good;
  longer.push_back(0);
  CHECK(invalid(longer));
  // The uncompressed encoding where the compressed one is expected.
  CHECK(invalid(load::encode_v2(random_histogram(8, 10))));
}

TEST_CASE("base64: RFC 4648 with padding", "[unit]") {
  const auto text = [](const std::string& s) {
    return load::encode_base64(bytes(s.begin(), s.end()));
  };
  CHECK(text("").empty());
  CHECK(text("f") == "Zg==");
  CHECK(text("fo") == "Zm8=");
  CHECK(text("foo") == "Zm9v");
  CHECK(text("foobar") == "Zm9vYmFy");
  const auto decoded = load::decode_base64("Zm9vYg==");
  REQUIRE(decoded.has_value());
  CHECK(*decoded == bytes{'f', 'o', 'o', 'b'});
  for (const char* bad : {"Zm9", "Zm=v", "Z===", "Zm9v!A==", "Zm9v\nYg=="}) {
    INFO(bad);
    CHECK(load::decode_base64(bad).error() == errc::invalid_histogram);
  }
}

TEST_CASE("hdr log: header and interval lines as HdrHistogram writes them", "[unit]") {
  std::string log;
  load::hdr_log_writer w(log);
  REQUIRE_FALSE(w.write_header(1'700'000'000.0));
  REQUIRE_FALSE(w.write_comment("[cf-load -c 10 http://127.0.0.1/]"));
  histogram h;
  h.record(12'345);
  REQUIRE_FALSE(w.write_interval(0, 1.0, h));
  REQUIRE_FALSE(w.write_interval(1.0, 1.0, h, "uncorrected"));
  const std::string encoded = load::encode_compressed_base64(h);
  const std::string expected =
      "#[Histogram log format version 1.3]\n"
      "#[StartTime: 1700000000.000 (seconds since epoch), Tue Nov 14 22:13:20 UTC 2023]\n"
      "#[BaseTime: 1700000000.000 (seconds since epoch)]\n"
      "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
      "#[cf-load -c 10 http://127.0.0.1/]\n"
      "0.000,1.000,12.351," +
      encoded + "\nTag=uncorrected,1.000,1.000,12.351," + encoded + "\n";
  CHECK(log == expected);

  CHECK(w.write_interval(0, 1, h, "a,b") == std::errc::invalid_argument);
  CHECK(w.write_interval(0, 1, h, "a b") == std::errc::invalid_argument);
  CHECK(w.write_comment("two\nlines") == std::errc::invalid_argument);
  w.set_max_value_divisor(1.0);
  std::string raw;
  load::hdr_log_writer w2(raw);
  w2.set_max_value_divisor(1.0);
  REQUIRE_FALSE(w2.write_interval(2.5, 0.25, h));
  CHECK(raw.rfind("2.500,0.250,12351.000,HISTF", 0) == 0);
}

TEST_CASE("hdr log: write then read back, to a string and to a FILE", "[unit]") {
  std::string text;
  load::hdr_log_writer w(text);
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  load::hdr_log_writer wf(file);
  std::vector<histogram> written;
  for (std::size_t i = 0; i < 5; ++i) written.push_back(random_histogram(100 + i, 1000 * i));
  for (auto* writer : {&w, &wf}) {
    REQUIRE_FALSE(writer->write_header(1'700'000'000.5));
    for (std::size_t i = 0; i < written.size(); ++i) {
      REQUIRE_FALSE(
          writer->write_interval(static_cast<double>(i), 1.0, written[i], i % 2 == 1 ? "odd" : ""));
    }
  }
  std::string from_file(text.size() + 1, '\0');
  std::rewind(file);
  from_file.resize(std::fread(from_file.data(), 1, from_file.size(), file));
  std::fclose(file);
  CHECK(from_file == text);

  std::size_t bad_line = 99;
  const auto intervals = load::read_hdr_log(text, &bad_line);
  REQUIRE(intervals.has_value());
  REQUIRE(intervals->size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    const auto& in = (*intervals)[i];
    INFO("interval " << i);
    CHECK(in.start == Approx(1'700'000'000.5 + static_cast<double>(i)));
    CHECK(in.length == 1.0);
    CHECK(in.tag == (i % 2 == 1 ? "odd" : ""));
    CHECK(in.line == 5 + i);
    CHECK(in.max == Approx(static_cast<double>(written[i].max()) / 1000.0).margin(0.0005));
    require_same_counts(written[i], in.hist);
  }
}

TEST_CASE("hdr log: StartTime, BaseTime and relative timestamps as Java reads them", "[unit]") {
  const std::string h = load::encode_compressed_base64(random_histogram(9, 10));
  const auto first_start = [&h](const std::string& head, const std::string& start) {
    const auto intervals = load::read_hdr_log(head + start + ",1.0,0.5," + h + "\n");
    REQUIRE(intervals.has_value());
    REQUIRE(intervals->size() == 1);
    return intervals->front().start;
  };
  // Relative to StartTime when the timestamps are more than a year before it.
  CHECK(first_start("#[StartTime: 1600000000.250 (seconds since epoch), x]\n", "2.5") ==
        1'600'000'002.75);
  // Absolute when they are not.
  CHECK(first_start("#[StartTime: 1600000000.250 (seconds since epoch), x]\n", "1600000003") ==
        1'600'000'003.0);
  // BaseTime wins.
  CHECK(first_start("#[StartTime: 1600000000 x]\n#[BaseTime: 1500000000.0 (seconds)]\n", "1") ==
        1'500'000'001.0);
  // Neither: as written.
  CHECK(first_start("", "7.125") == 7.125);

  // Blank lines, CRLF, comments and the legend are skipped; hdr-histogram-js's StartTime line
  // is followed by an empty line.
  const std::string messy =
      "#[StartTime: 1600000000.000 (seconds since epoch), Sun]\n\r\n"
      "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"I\"\r\n"
      "# comment\r\n\r\n"
      "Tag=A,0.5,1.0,0.5," +
      h + "\r\n";
  const auto intervals = load::read_hdr_log(messy);
  REQUIRE(intervals.has_value());
  REQUIRE(intervals->size() == 1);
  CHECK(intervals->front().tag == "A");
  CHECK(intervals->front().line == 6);
  CHECK(intervals->front().start == 1'600'000'000.5);
}

TEST_CASE("hdr log: a bad line is refused with its number", "[unit]") {
  const std::string h = load::encode_compressed_base64(random_histogram(10, 10));
  const std::string good = "0.000,1.000,0.5," + h + "\n";
  const std::string head = "#[StartTime: 1600000000.000 (seconds since epoch)]\n" + good;
  struct bad_case {
    std::string line;
    const char* why;
  };
  const bad_case cases[] = {
      {"0.000,1.000," + h, "three fields"},
      {"0.000,1.000,0.5," + h + ",extra", "five fields"},
      {"Tag=x,0.000,1.000," + h, "tagged, three fields"},
      {"zero,1.000,0.5," + h, "start not a number"},
      {"0.000,1.0s,0.5," + h, "length with a suffix"},
      {"0.000,-1.0,0.5," + h, "negative length"},
      {"0.000,1.000,nan," + h, "max not finite"},
      {"0.000,1.000,0.5,HISTFAAAA", "histogram truncated"},
      {"0.000,1.000,0.5," + h.substr(0, h.size() - 4) + "AAAA", "histogram corrupt"},
      {"0.000,1.000,0.5,", "no histogram"},
      {"#[StartTime: soon]", "StartTime without a number"},
      {"#[BaseTime: ]", "BaseTime without a number"},
      {"just text", "one field"},
  };
  for (const auto& c : cases) {
    INFO(c.why);
    std::size_t line = 0;
    std::string log = head;
    log.append(good).append(c.line).append("\n").append(good);
    const auto r = load::read_hdr_log(log, &line);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::invalid_hdr_log);
    CHECK(line == 4);
  }

  // The reader names the line and goes on after it.
  const std::string text = "bad\n" + good;
  load::hdr_log_reader reader(text);
  auto first = reader.next();
  CHECK(first.error() == errc::invalid_hdr_log);
  CHECK(reader.line_number() == 1);
  auto second = reader.next();
  REQUIRE(second.has_value());
  CHECK(second->has_value());
  CHECK(reader.line_number() == 2);
  CHECK_FALSE(reader.next()->has_value());
}

TEST_CASE("hdr log: several machines' logs add up exactly", "[unit]") {
  const auto path_a = temp_path("a.hlog");
  const auto path_b = temp_path("b.hlog");
  histogram all;
  histogram tagged;
  {
    std::string a;
    std::string b;
    load::hdr_log_writer wa(a);
    load::hdr_log_writer wb(b);
    REQUIRE_FALSE(wa.write_header(1'700'000'000));
    REQUIRE_FALSE(wb.write_header(1'700'000'000));
    for (std::uint64_t i = 0; i < 10; ++i) {
      const auto ha = random_histogram(200 + i, 5000);
      const auto hb = random_histogram(300 + i, 3000);
      const auto other = random_histogram(400 + i, 100);
      REQUIRE_FALSE(wa.write_interval(static_cast<double>(i), 1, ha));
      REQUIRE_FALSE(wb.write_interval(static_cast<double>(i), 1, hb));
      REQUIRE_FALSE(wb.write_interval(static_cast<double>(i), 1, other, "uncorrected"));
      REQUIRE_FALSE(all.add(ha));
      REQUIRE_FALSE(all.add(hb));
      REQUIRE_FALSE(tagged.add(other));
    }
    std::ofstream(path_a) << a;
    std::ofstream(path_b) << b;
  }
  const std::vector<std::filesystem::path> paths = {path_a, path_b};
  const auto sum = load::add_hdr_logs(paths, std::string_view());
  REQUIRE(sum.has_value());
  require_same_counts(all, *sum);
  CHECK(sum->value_at_percentile(99.9) == all.value_at_percentile(99.9));
  const auto only_tagged = load::add_hdr_logs(paths, "uncorrected");
  REQUIRE(only_tagged.has_value());
  require_same_counts(tagged, *only_tagged);
  const auto everything = load::add_hdr_logs(paths);
  REQUIRE(everything.has_value());
  CHECK(everything->total_count() == all.total_count() + tagged.total_count());

  // A log of another layout: refused, naming the log and the line.
  const auto path_c = temp_path("c.hlog");
  {
    std::string c;
    load::hdr_log_writer wc(c);
    REQUIRE_FALSE(wc.write_comment("other layout"));
    REQUIRE_FALSE(
        wc.write_interval(0, 1, random_histogram(5, 10, *histogram::create(1, 1000000, 3))));
    std::ofstream(path_c) << c;
  }
  load::hdr_log_position where;
  const std::vector<std::filesystem::path> mixed = {path_a, path_c};
  CHECK(load::add_hdr_logs(mixed, std::nullopt, &where).error() == errc::histogram_mismatch);
  CHECK(where.log == 1);
  CHECK(where.line == 2);

  const std::vector<std::filesystem::path> missing = {path_a, temp_path("missing.hlog")};
  CHECK(load::add_hdr_logs(missing, std::nullopt, &where).error() ==
        std::errc::no_such_file_or_directory);
  CHECK(where.log == 1);
  CHECK(where.line == 0);
  std::size_t line = 7;
  CHECK(load::read_hdr_log_file(temp_path("missing.hlog"), &line).error() ==
        std::errc::no_such_file_or_directory);
  CHECK(line == 0);
  CHECK(load::add_hdr_logs({})->empty());
  std::filesystem::remove(path_a);
  std::filesystem::remove(path_b);
  std::filesystem::remove(path_c);
}
