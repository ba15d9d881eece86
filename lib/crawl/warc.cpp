// WARC 1.1 (https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/):
// a writer with one gzip member per record, and a small reader for tests and tools.
#include <corofetch/crawl/warc.hpp>
#include <corofetch/http/content_decoder.hpp>
#include <corofetch/http/syntax.hpp>
#include <corofetch/version.hpp>

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <initializer_list>

namespace corofetch::crawl {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view version_line = "WARC/1.1\r\n";
constexpr std::string_view conforms_to =
    "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/";

std::string io_message(std::string_view what, const std::filesystem::path& path, int error) {
  return fmt::format("{} {}: {}", what, path.string(), std::generic_category().message(error));
}

void set_detail(std::string* detail, std::string text) {
  if (detail != nullptr) *detail = std::move(text);
}

// RFC 4648 section 6, upper case with padding: the encoding WARC 1.1 5.8 shows for SHA-1.
std::string base32(const unsigned char* data, std::size_t size) {
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  out.reserve((size + 4) / 5 * 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 0x1f];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 0x1f];
  while (out.size() % 8 != 0) out += '=';
  return out;
}

// The labelled SHA-1 of the concatenation of `parts`, without concatenating them.
std::string sha1_digest(std::initializer_list<std::string_view> parts) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int md_size = 0;
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx.get(), md.data(), &md_size) == 1;
  if (!ok) return {};
  return "sha1:" + base32(md.data(), md_size);
}

// A URI or address written as a field value: WARC 1.1 5.2 and 5.14 want no whitespace in it.
bool is_uri_value(std::string_view s) noexcept {
  return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

bool is_record_id(std::string_view s) noexcept {
  return s.size() > 2 && s.front() == '<' && s.back() == '>' && is_uri_value(s);
}

// The fields of a record header other than the digests, Content-Type and Content-Length;
// empty values are left out.
struct record_header {
  std::string_view type = {};
  std::string_view id = {};
  std::string_view date = {};
  std::string_view target_uri = {};
  std::string_view ip_address = {};
  std::string_view concurrent_to = {};
  std::string_view warcinfo_id = {};
  std::string_view filename = {};
  std::string_view truncated = {};
  std::string_view content_type = {};
};

void add_field(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  out.append(name).append(": ").append(value).append(crlf);
}

// One uncompressed record (WARC 1.1 clause 4): version, fields, CRLF, block, CRLF CRLF. The block
// is `head` + `body`; with `has_payload`, `body` is the payload (5.9).
std::string build_record(const record_header& h, std::string_view head, std::string_view body,
                         bool has_payload) {
  std::string r;
  r.reserve(768 + head.size() + body.size());
  r.append(version_line);
  add_field(r, "WARC-Type", h.type);
  add_field(r, "WARC-Record-ID", h.id);
  add_field(r, "WARC-Date", h.date);
  add_field(r, "WARC-Filename", h.filename);
  add_field(r, "WARC-Target-URI", h.target_uri);
  add_field(r, "WARC-IP-Address", h.ip_address);
  add_field(r, "WARC-Concurrent-To", h.concurrent_to);
  add_field(r, "WARC-Warcinfo-ID", h.warcinfo_id);
  add_field(r, "WARC-Truncated", h.truncated);
  add_field(r, "WARC-Block-Digest", sha1_digest({head, body}));
  if (has_payload) add_field(r, "WARC-Payload-Digest", sha1_digest({body}));
  add_field(r, "Content-Type", h.content_type);
  add_field(r, "Content-Length", std::to_string(head.size() + body.size()));
  r.append(crlf).append(head).append(body).append(crlf).append(crlf);
  return r;
}

// application/warc-fields (WARC 1.1 clause 7): "name: value" lines.
result<std::string> warc_fields_block(const std::vector<warc_field>& fields) {
  std::string block;
  for (const auto& [name, value] : fields) {
    if (!http::is_token(name) || !http::is_field_value(value)) return errc::invalid_warc_field;
    block.append(name).append(": ").append(value).append(crlf);
  }
  return block;
}

// Appends `in` as one complete gzip member (RFC 1952) to `out`.
bool append_gzip_member(std::string_view in, int level, std::string& out) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  const std::size_t start = out.size();
  out.resize(start + deflateBound(&z, static_cast<uLong>(in.size())) + 64);
  // zlib's API is not const-correct: it never writes through next_in.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  int r = Z_OK;
  std::size_t left = in.size();
  while (r != Z_STREAM_END) {
    if (z.avail_in == 0 && left > 0) {
      z.avail_in = static_cast<uInt>(std::min<std::size_t>(left, UINT_MAX));
      left -= z.avail_in;
    }
    if (out.size() - start == z.total_out) out.resize(out.size() + 65536);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + start + z.total_out);
    z.avail_out =
        static_cast<uInt>(std::min<std::size_t>(out.size() - start - z.total_out, UINT_MAX));
    r = deflate(&z, left == 0 ? Z_FINISH : Z_NO_FLUSH);
    if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) break;
  }
  out.resize(start + z.total_out);
  deflateEnd(&z);
  return r == Z_STREAM_END;
}

// The name of a field line: what comes before ':'.
std::string_view field_line_name(std::string_view line) noexcept {
  const std::size_t colon = line.find(':');
  return colon == std::string_view::npos ? std::string_view{} : line.substr(0, colon);
}

// The response head re-framed for a body that is no longer as received (body_form), so the
// record stays a readable HTTP message. Only the final response's head is touched: interim 1xx
// heads before it stay as received.
std::string reframe_head(std::string_view head, body_form form, std::size_t body_size) {
  // The blank line that ends the head goes: Content-Length is added before a new one.
  while (head.ends_with('\n') || head.ends_with('\r')) head.remove_suffix(1);
  const std::size_t last_blank = head.rfind("\r\n\r\n");
  const std::size_t final_start = last_blank == std::string_view::npos ? 0 : last_blank + 4;
  std::string out(head.substr(0, final_start));
  bool dropping = false;
  for (std::string_view rest = head.substr(final_start); !rest.empty();) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end == std::string_view::npos ? end : end + 1);
    rest.remove_prefix(line.size());
    // An obs-fold continuation line (RFC 9112 5.2) goes with the field before it.
    if (line.front() != ' ' && line.front() != '\t') {
      const std::string_view name = field_line_name(line);
      dropping = http::iequals(name, "Content-Length") ||
                 http::iequals(name, "Transfer-Encoding") ||
                 (form == body_form::decoded && http::iequals(name, "Content-Encoding"));
    }
    if (dropping) continue;
    out.append(line);
    if (!line.ends_with('\n')) out.append(crlf);
  }
  return out + fmt::format("Content-Length: {}\r\n\r\n", body_size);
}

bool write_all(int fd, std::string_view data, int& error) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string warc_sha1_digest(std::string_view data) {
  return sha1_digest({data});
}

std::string make_warc_record_id() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) return {};
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4 (RFC 9562 5.4)
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // the variant of RFC 9562 4.1
  std::string hex;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
    hex += fmt::format("{:02x}", b[i]);
  }
  return "<urn:uuid:" + hex + ">";
}

std::string format_warc_date(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto us = floor<microseconds>(t);
  const auto day = floor<days>(us);
  const year_month_day ymd{day};
  const hh_mm_ss hms{us - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

struct warc_writer::impl {
  int fd = -1;
  std::filesystem::path path;
  bool gzip = false;
  int level = Z_DEFAULT_COMPRESSION;
  bool sync = false;
  std::uint64_t offset = 0;
  std::string warcinfo_id;
  std::string detail;
  bool broken = false;  // a failed write could not be cut back off the file

  impl() = default;
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
  ~impl() {
    if (fd >= 0) ::close(fd);
  }

  std::error_code open_file(const warc_writer_options& options);
  std::error_code write_info(const warc_writer_options& options);
  result<std::vector<warc_record_location>> write_records(
      const std::vector<std::pair<std::string, std::string>>& records);
  std::error_code fail(errc code, std::string why) {
    detail = std::move(why);
    return code;
  }
};

std::error_code warc_writer::impl::open_file(const warc_writer_options& options) {
  // O_APPEND in every mode: each write lands at the end even after a failed one was cut back.
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
  if (options.mode == warc_open_mode::create_new) flags |= O_EXCL;
  if (options.mode == warc_open_mode::truncate) flags |= O_TRUNC;
  fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return fail(errc::warc_write_failed, io_message("open", path, errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(errc::warc_write_failed, io_message("stat", path, errno));
  offset = static_cast<std::uint64_t>(st.st_size);
  const std::string name = path.filename().string();
  gzip = name.size() > 3 && name.ends_with(".gz");
  if (options.compression_level >= 1 && options.compression_level <= 9) {
    level = options.compression_level;
  }
  sync = options.sync_each_record;
  return {};
}

std::error_code warc_writer::impl::write_info(const warc_writer_options& options) {
  std::vector<warc_field> fields{{"software", fmt::format("corofetch/{}", version_string)},
                                 {"format", "WARC File Format 1.1"},
                                 {"conformsTo", std::string(conforms_to)}};
  fields.insert(fields.end(), options.info_fields.begin(), options.info_fields.end());
  auto block = warc_fields_block(fields);
  if (!block) return fail(errc::invalid_warc_field, "warcinfo field that cannot be written");
  warcinfo_id = make_warc_record_id();
  const std::string date = format_warc_date(std::chrono::system_clock::now());
  std::string filename = path.filename().string();
  if (!http::is_field_value(filename)) filename.clear();  // WARC-Filename is optional
  const record_header h{.type = "warcinfo",
                        .id = warcinfo_id,
                        .date = date,
                        .filename = filename,
                        .content_type = "application/warc-fields"};
  auto written = write_records({{warcinfo_id, build_record(h, {}, *block, false)}});
  return written ? std::error_code{} : written.error();
}

result<std::vector<warc_record_location>> warc_writer::impl::write_records(
    const std::vector<std::pair<std::string, std::string>>& records) {
  if (broken) return fail(errc::warc_write_failed, detail);
  if (fd < 0) return fail(errc::warc_write_failed, "write to a closed WARC writer");
  std::vector<warc_record_location> locations;
  std::string out;
  for (const auto& [id, record] : records) {
    const std::size_t start = out.size();
    if (!gzip) {
      out.append(record);
    } else if (!append_gzip_member(record, level, out)) {
      return fail(errc::warc_write_failed, "gzip compression failed");
    }
    locations.push_back({id, offset + start, out.size() - start});
  }
  int error = 0;
  if (!write_all(fd, out, error) || (sync && ::fdatasync(fd) != 0 && (error = errno) != 0)) {
    std::string why = io_message("write", path, error);
    // Cut the partial exchange off, so the file stays a sequence of whole records.
    if (::ftruncate(fd, static_cast<off_t>(offset)) != 0) {
      broken = true;
      why += "; the partial record could not be removed";
    }
    return fail(errc::warc_write_failed, std::move(why));
  }
  offset += out.size();
  return locations;
}

warc_writer::warc_writer(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
warc_writer::~warc_writer() = default;
warc_writer::warc_writer(warc_writer&&) noexcept = default;
warc_writer& warc_writer::operator=(warc_writer&&) noexcept = default;

result<warc_writer> warc_writer::open(const std::filesystem::path& path,
                                      const warc_writer_options& options, std::string* detail) {
  auto state = std::make_unique<impl>();
  state->path = path;
  std::error_code ec = state->open_file(options);
  if (!ec) ec = state->write_info(options);
  if (ec) {
    set_detail(detail, state->detail);
    return ec;
  }
  return warc_writer(std::move(state));
}

result<warc_exchange_location> warc_writer::write_exchange(const warc_exchange& e) {
  impl& s = *impl_;
  if (!is_uri_value(e.target_uri) || (!e.ip_address.empty() && !is_uri_value(e.ip_address)) ||
      (!e.truncated.empty() && !http::is_token(e.truncated))) {
    return s.fail(errc::invalid_warc_field, "target URI, IP address or truncation reason");
  }
  const std::string request_id = make_warc_record_id();
  const std::string response_id = make_warc_record_id();
  const std::string date = format_warc_date(e.date);
  record_header h{.type = "request",
                  .id = request_id,
                  .date = date,
                  .target_uri = e.target_uri,
                  .ip_address = e.ip_address,
                  .concurrent_to = response_id,
                  .warcinfo_id = s.warcinfo_id,
                  .content_type = "application/http;msgtype=request"};
  std::string request = build_record(h, e.request_head, e.request_body, true);
  h.type = "response";
  h.id = response_id;
  h.concurrent_to = request_id;
  h.truncated = e.truncated;
  h.content_type = "application/http;msgtype=response";
  std::string response;
  if (e.response_body_form == body_form::wire) {
    response = build_record(h, e.response_head, e.response_body, true);
  } else {
    const std::string head =
        reframe_head(e.response_head, e.response_body_form, e.response_body.size());
    response = build_record(h, head, e.response_body, true);
  }
  auto written =
      s.write_records({{request_id, std::move(request)}, {response_id, std::move(response)}});
  if (!written) return written.error();
  return warc_exchange_location{std::move((*written)[0]), std::move((*written)[1])};
}

result<warc_record_location> warc_writer::write_resource(
    std::string_view target_uri, std::string_view content_type, std::string_view block,
    std::chrono::system_clock::time_point date) {
  impl& s = *impl_;
  if (!is_uri_value(target_uri) || content_type.empty() || !http::is_field_value(content_type)) {
    return s.fail(errc::invalid_warc_field, "target URI or content type");
  }
  const std::string id = make_warc_record_id();
  const std::string when = format_warc_date(date);
  const record_header h{.type = "resource",
                        .id = id,
                        .date = when,
                        .target_uri = target_uri,
                        .warcinfo_id = s.warcinfo_id,
                        .content_type = content_type};
  auto written = s.write_records({{id, build_record(h, {}, block, true)}});
  if (!written) return written.error();
  return std::move(written->front());
}

result<warc_record_location> warc_writer::write_metadata(
    std::string_view target_uri, const std::vector<warc_field>& fields,
    std::string_view concurrent_to, std::chrono::system_clock::time_point date) {
  impl& s = *impl_;
  auto block = warc_fields_block(fields);
  if (!block || !is_uri_value(target_uri) ||
      (!concurrent_to.empty() && !is_record_id(concurrent_to))) {
    return s.fail(errc::invalid_warc_field, "target URI, record id or metadata field");
  }
  const std::string id = make_warc_record_id();
  const std::string when = format_warc_date(date);
  const record_header h{.type = "metadata",
                        .id = id,
                        .date = when,
                        .target_uri = target_uri,
                        .concurrent_to = concurrent_to,
                        .warcinfo_id = s.warcinfo_id,
                        .content_type = "application/warc-fields"};
  auto written = s.write_records({{id, build_record(h, {}, *block, false)}});
  if (!written) return written.error();
  return std::move(written->front());
}

const std::string& warc_writer::warcinfo_id() const noexcept {
  return impl_->warcinfo_id;
}

std::uint64_t warc_writer::size() const noexcept {
  return impl_->offset;
}

const std::string& warc_writer::error_detail() const noexcept {
  return impl_->detail;
}

std::error_code warc_writer::close() {
  impl& s = *impl_;
  if (s.fd < 0) return {};
  const int fd = std::exchange(s.fd, -1);
  if (::close(fd) != 0) return s.fail(errc::warc_write_failed, io_message("close", s.path, errno));
  return {};
}

namespace {

std::string_view trim_blanks(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The whole file, refused beyond `max_bytes`.
result<std::string> read_whole_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                                    std::string& why) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = io_message("open", path, errno);
    return errc::warc_read_failed;
  }
  std::string data;
  std::array<char, 65536> buffer{};
  int error = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : 0;
      break;
    }
    data.append(buffer.data(), static_cast<std::size_t>(n));
    if (data.size() > max_bytes) break;
  }
  ::close(fd);
  if (error != 0) {
    why = io_message("read", path, error);
    return errc::warc_read_failed;
  }
  if (data.size() > max_bytes) {
    why = fmt::format("{} is over {} bytes", path.string(), max_bytes);
    return errc::warc_read_failed;
  }
  return data;
}

// The version line and named fields of a record header (WARC 1.1 clause 4), without the blank
// line that ends it. Continuation lines are joined to the field before them with one space.
std::error_code parse_header(std::string_view head, warc_record& record, std::string& why) {
  std::size_t eol = head.find(crlf);
  record.version = head.substr(0, eol);
  if (!record.version.starts_with("WARC/")) {
    why = "no WARC/ version line";
    return errc::warc_read_failed;
  }
  head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + crlf.size());
  while (!head.empty()) {
    eol = head.find(crlf);
    const std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + crlf.size());
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !record.fields.empty()) {
      record.fields.back().second.append(" ").append(trim_blanks(line));
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      why = fmt::format("malformed field line '{}'", line);
      return errc::warc_read_failed;
    }
    record.fields.emplace_back(line.substr(0, colon), trim_blanks(line.substr(colon + 1)));
  }
  return {};
}

// The record at `pos`; moves `pos` past it and the CRLF CRLF that ends it.
std::error_code parse_record(std::string_view data, std::size_t& pos, warc_record& record,
                             std::string& why) {
  const std::size_t blank = data.find("\r\n\r\n", pos);
  if (blank == std::string_view::npos) {
    why = "a header without the blank line that ends it";
    return errc::warc_read_failed;
  }
  if (auto ec = parse_header(data.substr(pos, blank - pos), record, why)) return ec;
  const std::string_view length_text = record.field("Content-Length").value_or("");
  std::uint64_t length = 0;
  const char* end = length_text.data() + length_text.size();
  const auto [stop, ec] = std::from_chars(length_text.data(), end, length);
  if (length_text.empty() || ec != std::errc{} || stop != end) {
    why = "a missing or malformed Content-Length";
    return errc::warc_read_failed;
  }
  pos = blank + 4;
  if (data.size() - pos < length) {
    why = "a block shorter than its Content-Length";
    return errc::warc_read_failed;
  }
  record.block = data.substr(pos, length);
  pos += length;
  if (data.substr(pos, 4) != "\r\n\r\n") {
    why = "a block not followed by CRLF CRLF";
    return errc::warc_read_failed;
  }
  pos += 4;
  return {};
}

}  // namespace

std::optional<std::string_view> warc_record::field(std::string_view name) const noexcept {
  for (const auto& [n, value] : fields) {
    if (http::iequals(n, name)) return value;
  }
  return std::nullopt;
}

result<std::vector<warc_record>> read_warc_records(const std::filesystem::path& path,
                                                   std::uint64_t max_bytes, std::string* detail) {
  std::string why;
  auto file = read_whole_file(path, max_bytes, why);
  if (!file) {
    set_detail(detail, std::move(why));
    return file.error();
  }
  std::string data = std::move(*file);
  // RFC 1952 2.3.1 magic number; the decoder reads concatenated members (Annex D) in turn.
  if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
      static_cast<unsigned char>(data[1]) == 0x8b) {
    http::decoder_options limits;
    limits.max_decoded_bytes = max_bytes;
    auto decoded = http::decode_content("gzip", data, limits);
    if (!decoded) {
      set_detail(detail, "gzip: " + decoded.error().message());
      return errc::warc_read_failed;
    }
    data = std::move(*decoded);
  }
  std::vector<warc_record> records;
  for (std::size_t pos = 0; pos < data.size();) {
    const std::size_t start = pos;
    warc_record record;
    if (parse_record(data, pos, record, why)) {
      set_detail(detail, fmt::format("record {} at byte {}: {}", records.size() + 1, start, why));
      return errc::warc_read_failed;
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace corofetch::crawl
