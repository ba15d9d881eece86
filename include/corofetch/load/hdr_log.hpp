#pragma once

#include <corofetch/load/histogram.hpp>
#include <corofetch/result.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::load {

// HdrHistogram's V2 encoding (the form of the Java, C, Go, Rust and JS implementations):
// big-endian header { cookie, payload length, normalizing index offset, significant digits
// (int32 each); lowest discernible value, highest trackable value (int64 each); integer to double
// ratio (float64) } then the counts array up to the bucket of the maximum, each count a ZigZag
// LEB128 number (9 bytes at most for 64 bits), a run of N >= 2 empty buckets written as -N.
// The compressed form is { cookie, length (int32 each) } then that encoding deflated by zlib.

/// The cookie of the V2 encoding as HdrHistogram writes it (0x1c849303, with 0x10 in the
/// word-size nibble).
inline constexpr std::uint32_t v2_encoding_cookie = 0x1c849313;
/// The cookie of the compressed V2 encoding as HdrHistogram writes it (0x1c849304 | 0x10).
inline constexpr std::uint32_t v2_compressed_cookie = 0x1c849314;

/// `h` in HdrHistogram's V2 encoding (normalizing index offset 0, ratio 1.0, as Java writes
/// them). A count above 2^63 - 1 is written as 2^63 - 1, the largest the format holds.
[[nodiscard]] std::vector<std::uint8_t> encode_v2(const histogram& h);

/// Reads a V2 encoding. The normalizing index offset and the double ratio are ignored, as every
/// reader of integer histograms does (hdr-histogram-js writes 1 in both). Errors:
/// invalid_histogram when the cookie is not V2's, the header's parameters are out of range, the
/// payload length is not what follows the header or more than the counts array can need, a
/// number is truncated, or the counts run past the array or overflow the total.
[[nodiscard]] result<histogram> decode_v2(std::span<const std::uint8_t> bytes);

/// `h` in HdrHistogram's compressed V2 encoding (zlib, default level).
[[nodiscard]] std::vector<std::uint8_t> encode_v2_compressed(const histogram& h);

/// Reads a compressed V2 encoding. The inflated size is bounded by the header's parameters
/// before anything is allocated for it; the zlib stream must hold exactly the V2 encoding.
/// Errors: invalid_histogram for a wrong cookie or length, a corrupt or truncated zlib stream,
/// and everything decode_v2() refuses.
[[nodiscard]] result<histogram> decode_v2_compressed(std::span<const std::uint8_t> bytes);

/// Base64 with padding (RFC 4648 section 4), the text form of histograms in interval logs.
[[nodiscard]] std::string encode_base64(std::span<const std::uint8_t> bytes);
/// Reads base64 with padding (RFC 4648 section 4); errors: invalid_histogram for a length that
/// is not a multiple of 4, a character outside the alphabet or misplaced padding.
[[nodiscard]] result<std::vector<std::uint8_t>> decode_base64(std::string_view text);

/// encode_base64(encode_v2_compressed(h)): the Interval_Compressed_Histogram field of a log
/// line (it starts "HISTF").
[[nodiscard]] std::string encode_compressed_base64(const histogram& h);
/// decode_v2_compressed(decode_base64(text)), with the same errors.
[[nodiscard]] result<histogram> decode_compressed_base64(std::string_view text);

/// Writes HdrHistogram's interval log (as Java's and hdr-histogram-js's HistogramLogWriter):
/// header comment lines, the legend, then one line per interval:
/// `[Tag=TAG,]START,LENGTH,MAX,BASE64` with START and LENGTH in seconds and MAX the interval's
/// max() divided by max_value_divisor(), each with 3 decimals. The sink (a FILE* or a string)
/// is not owned and must outlive the writer.
class hdr_log_writer {
 public:
  /// Writes to `out` (e.g. a file opened for writing); each line is one fwrite.
  explicit hdr_log_writer(std::FILE* out) noexcept : file_(out) {}
  /// Appends to `out`.
  explicit hdr_log_writer(std::string& out) noexcept : text_(&out) {}

  /// The divisor of the Interval_Max column: 1000.0 by default, so microsecond histograms show
  /// their max in milliseconds as HdrHistogram's tools show it. Values <= 0 count as 1.
  void set_max_value_divisor(double divisor) noexcept { divisor_ = divisor > 0 ? divisor : 1.0; }
  [[nodiscard]] double max_value_divisor() const noexcept { return divisor_; }

  /// Writes the header: "#[Histogram log format version 1.3]", "#[StartTime: S (seconds since
  /// epoch), DATE]", "#[BaseTime: S (seconds since epoch)]" and the legend
  /// "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram".
  /// `start_time` is seconds since the epoch; interval start times are relative to it.
  /// Errors: the sink's (errno) when a write fails.
  std::error_code write_header(double start_time);

  /// Writes "#" then `text`; errors: std::errc::invalid_argument when `text` has a line break,
  /// the sink's when a write fails.
  std::error_code write_comment(std::string_view text);

  /// Writes one interval line: `start` seconds after the header's start time, lasting `length`
  /// seconds; `tag` (none when empty) is written as "Tag=TAG,". Errors:
  /// std::errc::invalid_argument when `tag` has a ',', a space or a control character, or a time
  /// is not finite; the sink's when a write fails.
  std::error_code write_interval(double start, double length, const histogram& h,
                                 std::string_view tag = {});

 private:
  std::error_code write(std::string_view line);

  std::FILE* file_ = nullptr;
  std::string* text_ = nullptr;
  double divisor_ = 1000.0;
};

/// One interval of an interval log.
struct hdr_interval {
  double start = 0;      ///< seconds: the base time (see hdr_log_reader) plus the line's start
  double length = 0;     ///< seconds
  double max = 0;        ///< the Interval_Max field as written (scaled by the writer)
  std::string tag;       ///< the Tag= value; empty when the line has none
  std::size_t line = 0;  ///< the line's number in the log, from 1
  histogram hist;        ///< the decoded histogram
};

/// Reads an interval log line by line, as HdrHistogram's HistogramLogReader: lines starting
/// with '#' are comments, except "#[StartTime: S" and "#[BaseTime: S" which set those times; a
/// line starting with '"' is the legend; blank lines are skipped; every other line must be
/// `[Tag=TAG,]START,LENGTH,MAX,BASE64`. Interval start times are made absolute as Java does:
/// plus BaseTime when given, else plus StartTime when the first interval starts more than a
/// year before StartTime (relative times), else as written. Lines may end in "\r\n".
class hdr_log_reader {
 public:
  /// Reads `text`, which must outlive the reader.
  explicit hdr_log_reader(std::string_view text) noexcept : text_(text) {}

  /// The next interval; nullopt at the end of the log. Errors: invalid_hdr_log for a line that
  /// cannot be read (wrong field count, a time that is not a finite number, a negative length,
  /// a histogram that does not decode, a StartTime or BaseTime without a number); line_number()
  /// then names it. After an error the reader goes on with the next line.
  result<std::optional<hdr_interval>> next();

  /// The number (from 1) of the last line read: the bad line after an error.
  [[nodiscard]] std::size_t line_number() const noexcept { return line_; }
  /// The StartTime and BaseTime read so far (seconds since the epoch).
  [[nodiscard]] std::optional<double> start_time() const noexcept { return start_time_; }
  [[nodiscard]] std::optional<double> base_time() const noexcept { return base_time_; }

 private:
  std::error_code read_time_comment(std::string_view line);
  result<hdr_interval> read_interval(std::string_view line);

  std::string_view text_;
  std::size_t offset_ = 0;
  std::size_t line_ = 0;
  std::optional<double> start_time_;
  std::optional<double> base_time_;
};

/// Every interval of a log held in memory. Errors: those of hdr_log_reader::next(); the bad
/// line's number is stored in `*error_line` when it is not null.
[[nodiscard]] result<std::vector<hdr_interval>> read_hdr_log(std::string_view text,
                                                             std::size_t* error_line = nullptr);

/// Every interval of the log file at `path`. Errors: the file's (errno) when it cannot be
/// read (`*error_line` is then 0), else those of read_hdr_log().
[[nodiscard]] result<std::vector<hdr_interval>> read_hdr_log_file(
    const std::filesystem::path& path, std::size_t* error_line = nullptr);

/// Where add_hdr_logs() stopped: the index of the log in its list and the line (0 when the
/// error is not about a line, such as a file that cannot be opened).
struct hdr_log_position {
  std::size_t log = 0;
  std::size_t line = 0;
};

/// The sum of the intervals of the logs at `paths` (several machines' or threads' logs of the
/// same run add up exactly: counts are summed). Only intervals tagged `tag` are added when it
/// is given (an empty tag selects untagged lines); all of them otherwise. The result has the
/// layout of the first interval added; the default layout when there is none. Errors: those of
/// read_hdr_log_file(), histogram_mismatch for an interval of another layout; `*where` (when
/// not null) then names the log and line.
[[nodiscard]] result<histogram> add_hdr_logs(std::span<const std::filesystem::path> paths,
                                             std::optional<std::string_view> tag = std::nullopt,
                                             hdr_log_position* where = nullptr);

}  // namespace corofetch::load
