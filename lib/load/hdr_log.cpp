#include <corofetch/http/request.hpp>
#include <corofetch/load/error.hpp>
#include <corofetch/load/hdr_log.hpp>

#include <fmt/format.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <ctime>
#include <limits>
#include <new>

namespace corofetch::load {
namespace {

// ---- V2 encoding -------------------------------------------------------------------------------

constexpr std::uint32_t v2_encoding_cookie_base = 0x1c849303;
constexpr std::uint32_t v2_compressed_cookie_base = 0x1c849304;
// The cookie's second nibble carries a word size in older encodings; V2 readers ignore it.
constexpr std::uint32_t cookie_word_size_bits = 0xf0;
constexpr std::size_t v2_header_size = 40;
constexpr std::size_t compressed_header_size = 8;
// ZigZag LEB128-64b9B: 8 bytes of 7 bits, then one byte of the last 8 bits.
constexpr std::size_t max_number_size = 9;
constexpr auto max_count = static_cast<std::uint64_t>(INT64_MAX);

void put_be(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(v >> shift));
  }
}

std::uint64_t get_be(std::span<const std::uint8_t> in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8U) | in[at + static_cast<std::size_t>(i)];
  return v;
}

// HdrHistogram's ZigZag LEB128-64b9B-variant: ZigZag keeps small negative numbers (zero runs)
// short; the 9th byte holds 8 bits, so no 64-bit number needs a 10th.
void put_number(std::vector<std::uint8_t>& out, std::int64_t v) {
  auto u = (static_cast<std::uint64_t>(v) << 1U) ^ static_cast<std::uint64_t>(v >> 63);
  for (int i = 0; i < 8; ++i) {
    if (u < 0x80) {
      out.push_back(static_cast<std::uint8_t>(u));
      return;
    }
    out.push_back(static_cast<std::uint8_t>((u & 0x7fU) | 0x80U));
    u >>= 7U;
  }
  out.push_back(static_cast<std::uint8_t>(u));
}

// Reads one number as its ZigZag form (even: a count, odd: a run of empty buckets); nullopt
// when it is cut off by the end of the payload.
std::optional<std::uint64_t> get_number(std::span<const std::uint8_t> in, std::size_t& at) {
  std::uint64_t u = 0;
  for (unsigned i = 0; i < max_number_size; ++i) {
    if (at == in.size()) return std::nullopt;
    const std::uint8_t b = in[at++];
    if (i == 8) return u | (std::uint64_t{b} << 56U);
    u |= std::uint64_t{b & 0x7fU} << (7 * i);
    if ((b & 0x80U) == 0) return u;
  }
  return std::nullopt;  // not reached: the 9th byte always ends a number
}

void set_be32(std::vector<std::uint8_t>& out, std::size_t at, std::uint64_t v) {
  for (std::size_t i = 0; i < 4; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

// The counts up to the last non-empty bucket (at least one number, as HdrHistogram writes an
// empty histogram).
void put_counts(std::vector<std::uint8_t>& out, const histogram& h) {
  std::size_t length = h.counts_length();
  while (length > 1 && h.count_at_index(length - 1) == 0) --length;
  std::size_t i = 0;
  while (i < length) {
    const std::uint64_t count = h.count_at_index(i);
    if (count != 0) {
      put_number(out, static_cast<std::int64_t>(std::min(count, max_count)));
      ++i;
      continue;
    }
    std::size_t zeros = 1;
    while (i + zeros < length && h.count_at_index(i + zeros) == 0) ++zeros;
    put_number(out, zeros == 1 ? 0 : -static_cast<std::int64_t>(zeros));
    i += zeros;
  }
}

struct v2_header {
  std::size_t payload_length = 0;
  std::uint64_t lowest = 0;
  std::uint64_t highest = 0;
  int digits = 0;
};

result<v2_header> read_v2_header(std::span<const std::uint8_t> in) {
  if (in.size() < v2_header_size) return errc::invalid_histogram;
  const auto cookie = static_cast<std::uint32_t>(get_be(in, 0, 4));
  if ((cookie & ~cookie_word_size_bits) != v2_encoding_cookie_base) return errc::invalid_histogram;
  const auto payload = static_cast<std::int32_t>(get_be(in, 4, 4));
  // Offset 8: normalizing index offset, 32: integer-to-double ratio; both ignored (see header).
  v2_header h;
  h.digits = static_cast<std::int32_t>(get_be(in, 12, 4));
  h.lowest = get_be(in, 16, 8);
  h.highest = get_be(in, 24, 8);
  const auto counts = histogram::counts_length_for(h.lowest, h.highest, h.digits);
  // The payload never needs more than one longest number per count: refuse it before inflating
  // or allocating anything for it.
  if (!counts || payload < 0 || static_cast<std::size_t>(payload) > *counts * max_number_size) {
    return errc::invalid_histogram;
  }
  h.payload_length = static_cast<std::size_t>(payload);
  return h;
}

std::error_code read_counts(std::span<const std::uint8_t> payload, histogram& h) {
  const std::size_t length = h.counts_length();
  std::size_t index = 0;
  std::size_t at = 0;
  while (at < payload.size()) {
    const auto u = get_number(payload, at);
    if (!u) return errc::invalid_histogram;
    const std::uint64_t magnitude = *u >> 1U;
    if ((*u & 1U) != 0) {  // a negative number: magnitude + 1 empty buckets
      if (magnitude >= length - index) return errc::invalid_histogram;
      index += static_cast<std::size_t>(magnitude) + 1;
      continue;
    }
    if (index == length || magnitude > UINT64_MAX - h.total_count()) {
      return errc::invalid_histogram;
    }
    h.record_at_index(index++, magnitude);
  }
  return {};
}

// ---- zlib --------------------------------------------------------------------------------------

// One zlib (RFC 1950) stream read in exact-size steps, so the header can be checked before the
// payload is inflated.
class inflater {
 public:
  explicit inflater(std::span<const std::uint8_t> in) {
    if (in.size() > UINT_MAX || inflateInit(&z_) != Z_OK) return;
    ready_ = true;
    z_.next_in = const_cast<Bytef*>(in.data());  // NOLINT: zlib's API is not const-correct
    z_.avail_in = static_cast<uInt>(in.size());
  }
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;
  ~inflater() {
    if (ready_) inflateEnd(&z_);
  }

  // Fills `out` entirely; false when the stream is corrupt or ends first.
  bool read(std::span<std::uint8_t> out) {
    if (!ready_ || out.size() > UINT_MAX) return false;
    z_.next_out = out.data();
    z_.avail_out = static_cast<uInt>(out.size());
    while (z_.avail_out > 0 && status_ == Z_OK) status_ = inflate(&z_, Z_NO_FLUSH);
    return z_.avail_out == 0 && (status_ == Z_OK || status_ == Z_STREAM_END);
  }

  // True when the stream ends here (checksum verified) and no input follows it.
  bool at_end() {
    std::array<std::uint8_t, 1> extra{};
    z_.next_out = extra.data();
    z_.avail_out = 1;
    while (status_ == Z_OK && z_.avail_out == 1) status_ = inflate(&z_, Z_FINISH);
    return status_ == Z_STREAM_END && z_.avail_out == 1 && z_.avail_in == 0;
  }

 private:
  z_stream z_{};
  bool ready_ = false;
  int status_ = Z_OK;
};

// ---- base64 ------------------------------------------------------------------------------------

constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> base64_values() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (std::size_t i = 0; i < base64_alphabet.size(); ++i) {
    table[static_cast<unsigned char>(base64_alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr auto base64_table = base64_values();

}  // namespace

std::vector<std::uint8_t> encode_v2(const histogram& h) {
  std::vector<std::uint8_t> out;
  out.reserve(v2_header_size + 64);
  put_be(out, v2_encoding_cookie, 4);
  put_be(out, 0, 4);  // the payload length, known once the counts are written
  put_be(out, 0, 4);  // normalizing index offset: counts are not shifted
  put_be(out, static_cast<std::uint32_t>(h.significant_digits()), 4);
  put_be(out, h.lowest_discernible(), 8);
  put_be(out, h.highest_trackable(), 8);
  put_be(out, std::bit_cast<std::uint64_t>(1.0), 8);  // integer-to-double ratio, as Java writes
  put_counts(out, h);
  set_be32(out, 4, out.size() - v2_header_size);
  return out;
}

result<histogram> decode_v2(std::span<const std::uint8_t> bytes) {
  auto header = read_v2_header(bytes);
  if (!header) return header.error();
  if (bytes.size() - v2_header_size != header->payload_length) return errc::invalid_histogram;
  auto h = histogram::create(header->lowest, header->highest, header->digits);
  if (!h) return errc::invalid_histogram;
  if (auto ec = read_counts(bytes.subspan(v2_header_size), *h)) return ec;
  return h;
}

std::vector<std::uint8_t> encode_v2_compressed(const histogram& h) {
  const auto plain = encode_v2(h);
  uLongf size = compressBound(static_cast<uLong>(plain.size()));
  std::vector<std::uint8_t> out(compressed_header_size + size);
  // compress2 fails only without memory (the buffer has compressBound's size).
  if (compress2(out.data() + compressed_header_size, &size, plain.data(),
                static_cast<uLong>(plain.size()), Z_DEFAULT_COMPRESSION) != Z_OK) {
    throw std::bad_alloc();
  }
  out.resize(compressed_header_size + size);
  set_be32(out, 0, v2_compressed_cookie);
  set_be32(out, 4, size);
  return out;
}

result<histogram> decode_v2_compressed(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < compressed_header_size) return errc::invalid_histogram;
  const auto cookie = static_cast<std::uint32_t>(get_be(bytes, 0, 4));
  const auto length = get_be(bytes, 4, 4);
  if ((cookie & ~cookie_word_size_bits) != v2_compressed_cookie_base ||
      length != bytes.size() - compressed_header_size) {
    return errc::invalid_histogram;
  }
  inflater z(bytes.subspan(compressed_header_size));
  std::vector<std::uint8_t> plain(v2_header_size);
  if (!z.read(plain)) return errc::invalid_histogram;
  const auto header = read_v2_header(plain);
  if (!header) return header.error();
  plain.resize(v2_header_size + header->payload_length);
  if (!z.read(std::span(plain).subspan(v2_header_size)) || !z.at_end()) {
    return errc::invalid_histogram;
  }
  return decode_v2(plain);
}

std::string encode_base64(std::span<const std::uint8_t> bytes) {
  // One base64 encoder in the library: http's, for Basic credentials.
  return http::base64_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

result<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return errc::invalid_histogram;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t group = 0;
  const std::size_t digits = text.size() - padding;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int v = i < digits ? base64_table[static_cast<unsigned char>(text[i])] : 0;
    if (v < 0) return errc::invalid_histogram;
    group = (group << 6U) | static_cast<std::uint32_t>(v);
    if (i % 4 != 3) continue;
    out.push_back(static_cast<std::uint8_t>(group >> 16U));
    out.push_back(static_cast<std::uint8_t>(group >> 8U));
    out.push_back(static_cast<std::uint8_t>(group));
  }
  out.resize(out.size() - padding);
  return out;
}

std::string encode_compressed_base64(const histogram& h) {
  return encode_base64(encode_v2_compressed(h));
}

result<histogram> decode_compressed_base64(std::string_view text) {
  auto bytes = decode_base64(text);
  if (!bytes) return bytes.error();
  return decode_v2_compressed(*bytes);
}

// ---- interval log ------------------------------------------------------------------------------

namespace {

constexpr std::string_view start_time_prefix = "#[StartTime:";
constexpr std::string_view base_time_prefix = "#[BaseTime:";
// HdrHistogram's HistogramLogReader: timestamps more than a year before StartTime are relative.
constexpr double relative_time_limit = 365 * 24 * 3600.0;

std::error_code last_system_error() {
  return {errno != 0 ? errno : EIO, std::generic_category()};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// A whole field as a finite number (Java's Double.parseDouble, without its hexadecimal forms).
std::optional<double> parse_number(std::string_view field) {
  field = trim(field);
  double v = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (field.empty() || ec != std::errc{} || end != field.data() + field.size() ||
      !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// Java's HistogramLogWriter refuses tags with commas, spaces or line breaks: they would split
// the line's fields.
bool valid_tag(std::string_view tag) {
  for (const char c : tag) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ',' || c == ' ' || u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

// Java's Date.toString() form, in UTC ("Thu Jan 01 00:00:00 UTC 1970"): only for people, the
// readers take the number before it.
std::string human_date(double seconds) {
  const auto t = static_cast<std::time_t>(std::floor(seconds));
  std::tm tm{};
  std::array<char, 64> text{};
  if (gmtime_r(&t, &tm) == nullptr) return "?";
  const std::size_t n = std::strftime(text.data(), text.size(), "%a %b %d %H:%M:%S UTC %Y", &tm);
  return {text.data(), n};
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma - start));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

result<std::string> read_whole_file(const std::filesystem::path& path) {
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return last_system_error();
  std::string text;
  std::array<char, 65536> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) text.append(buffer.data(), n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return last_system_error();
  return text;
}

}  // namespace

std::error_code hdr_log_writer::write(std::string_view line) {
  if (text_ != nullptr) {
    text_->append(line);
    return {};
  }
  errno = 0;
  // One line, flushed: a log read while the run goes on (or after a crash) ends on a whole line.
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    return last_system_error();
  }
  return {};
}

std::error_code hdr_log_writer::write_header(double start_time) {
  if (!std::isfinite(start_time)) return std::make_error_code(std::errc::invalid_argument);
  return write(fmt::format(
      "#[Histogram log format version 1.3]\n"
      "#[StartTime: {0:.3f} (seconds since epoch), {1}]\n"
      "#[BaseTime: {0:.3f} (seconds since epoch)]\n"
      "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
      start_time, human_date(start_time)));
}

std::error_code hdr_log_writer::write_comment(std::string_view text) {
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    return std::make_error_code(std::errc::invalid_argument);
  }
  return write(fmt::format("#{}\n", text));
}

std::error_code hdr_log_writer::write_interval(double start, double length, const histogram& h,
                                               std::string_view tag) {
  if (!valid_tag(tag) || !std::isfinite(start) || !std::isfinite(length)) {
    return std::make_error_code(std::errc::invalid_argument);
  }
  const double max = static_cast<double>(h.max()) / divisor_;
  const std::string body =
      fmt::format("{:.3f},{:.3f},{:.3f},{}\n", start, length, max, encode_compressed_base64(h));
  return write(tag.empty() ? body : fmt::format("Tag={},{}", tag, body));
}

result<std::optional<hdr_interval>> hdr_log_reader::next() {
  while (offset_ < text_.size()) {
    const std::size_t end = std::min(text_.find('\n', offset_), text_.size());
    const std::string_view line = trim(text_.substr(offset_, end - offset_));
    offset_ = end + 1;
    ++line_;
    if (line.starts_with(start_time_prefix) || line.starts_with(base_time_prefix)) {
      if (auto ec = read_time_comment(line)) return ec;
      continue;
    }
    if (line.empty() || line.front() == '#' || line.front() == '"') continue;
    auto interval = read_interval(line);
    if (!interval) return interval.error();
    return std::optional<hdr_interval>(std::move(*interval));
  }
  return std::optional<hdr_interval>();
}

std::error_code hdr_log_reader::read_time_comment(std::string_view line) {
  const bool is_start = line.starts_with(start_time_prefix);
  std::string_view rest =
      trim(line.substr(is_start ? start_time_prefix.size() : base_time_prefix.size()));
  double v = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
  if (ec != std::errc{} || !std::isfinite(v)) return errc::invalid_hdr_log;
  (is_start ? start_time_ : base_time_) = v;
  return {};
}

result<hdr_interval> hdr_log_reader::read_interval(std::string_view line) {
  auto fields = split_fields(line);
  hdr_interval interval;
  if (fields.front().starts_with("Tag=")) {
    interval.tag = fields.front().substr(4);
    fields.erase(fields.begin());
  }
  if (fields.size() != 4) return errc::invalid_hdr_log;
  const auto start = parse_number(fields[0]);
  const auto length = parse_number(fields[1]);
  const auto max = parse_number(fields[2]);
  if (!start || !length || !max || *length < 0) return errc::invalid_hdr_log;
  auto hist = decode_compressed_base64(trim(fields[3]));
  if (!hist) return errc::invalid_hdr_log;
  if (!base_time_) {
    const bool relative = start_time_ && *start < *start_time_ - relative_time_limit;
    base_time_ = relative ? *start_time_ : 0.0;
  }
  interval.start = *base_time_ + *start;
  interval.length = *length;
  interval.max = *max;
  interval.line = line_;
  interval.hist = std::move(*hist);
  return interval;
}

result<std::vector<hdr_interval>> read_hdr_log(std::string_view text, std::size_t* error_line) {
  hdr_log_reader reader(text);
  std::vector<hdr_interval> intervals;
  for (;;) {
    auto next = reader.next();
    if (!next) {
      if (error_line != nullptr) *error_line = reader.line_number();
      return next.error();
    }
    if (!*next) return intervals;
    intervals.push_back(std::move(**next));
  }
}

result<std::vector<hdr_interval>> read_hdr_log_file(const std::filesystem::path& path,
                                                    std::size_t* error_line) {
  if (error_line != nullptr) *error_line = 0;
  auto text = read_whole_file(path);
  if (!text) return text.error();
  return read_hdr_log(*text, error_line);
}

namespace {

// Adds the intervals of one log (tagged `tag` when given) to `sum`, which takes the layout of
// the first one.
std::error_code add_log(std::string_view text, std::optional<std::string_view> tag,
                        std::optional<histogram>& sum, std::size_t& line) {
  hdr_log_reader reader(text);
  for (;;) {
    auto next = reader.next();
    line = reader.line_number();
    if (!next) return next.error();
    if (!*next) return {};
    hdr_interval& interval = **next;
    if (tag && interval.tag != *tag) continue;
    if (!sum) {
      sum = std::move(interval.hist);
    } else if (auto ec = sum->add(interval.hist)) {
      return ec;
    }
  }
}

}  // namespace

result<histogram> add_hdr_logs(std::span<const std::filesystem::path> paths,
                               std::optional<std::string_view> tag, hdr_log_position* where) {
  std::optional<histogram> sum;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    std::size_t line = 0;
    auto text = read_whole_file(paths[i]);
    std::error_code ec = text ? add_log(*text, tag, sum, line) : text.error();
    if (ec) {
      if (where != nullptr) *where = {i, line};
      return ec;
    }
  }
  if (!sum) return histogram();
  return std::move(*sum);
}

}  // namespace corofetch::load
