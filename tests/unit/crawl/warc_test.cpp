// The WARC 1.1 writer, read back with our reader and checked byte by byte: fields, digests
// (SHA-1 computed here with OpenSSL), gzip members on their own, offsets, errors.
#include <corofetch/crawl/warc.hpp>
#include <corofetch/http/content_decoder.hpp>
#include <corofetch/version.hpp>

#include <catch2/catch.hpp>

#include <openssl/sha.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>

namespace crawl = corofetch::crawl;
namespace http = corofetch::http;
using crawl::errc;

namespace {

// A fresh directory under the system's temporary directory, removed with its files at the end.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cf_warc_XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] std::filesystem::path operator/(const char* name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// RFC 4648 Base32 back to bytes, so our digest is compared with OpenSSL's SHA-1 bytes.
std::string base32_decode(std::string_view text) {
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const auto v = alphabet.find(c);
    REQUIRE(v != std::string_view::npos);
    buffer = (buffer << 5) | static_cast<unsigned>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

std::string openssl_sha1(std::string_view data) {
  std::array<unsigned char, SHA_DIGEST_LENGTH> md{};
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data());
  return {reinterpret_cast<const char*>(md.data()), md.size()};
}

// Checks a "sha1:BASE32" label against the SHA-1 of `data`.
void check_digest(std::optional<std::string_view> label, std::string_view data) {
  REQUIRE(label);
  REQUIRE(label->substr(0, 5) == "sha1:");
  CHECK(label->size() == 5 + 32);
  CHECK(base32_decode(label->substr(5)) == openssl_sha1(data));
}

std::string_view field(const crawl::warc_record& r, std::string_view name) {
  const auto v = r.field(name);
  INFO("field " << name);
  REQUIRE(v);
  return *v;
}

const std::regex record_id_pattern(
    "<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>");
const std::regex date_pattern(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");

// 2024-05-01T12:34:56.123456Z
const auto capture_time = std::chrono::sys_days(std::chrono::year(2024) / 5 / 1) +
                          std::chrono::hours(12) + std::chrono::minutes(34) +
                          std::chrono::seconds(56) + std::chrono::microseconds(123456);

const std::string request_head =
    "GET /page?q=1 HTTP/1.1\r\nHost: example.test:8080\r\nUser-Agent: corofetch\r\n\r\n";
const std::string response_head =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n";
const std::string response_body = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";

crawl::warc_exchange sample_exchange() {
  crawl::warc_exchange e;
  e.target_uri = "http://example.test:8080/page?q=1";
  e.ip_address = "127.0.0.1";
  e.date = std::chrono::time_point_cast<std::chrono::system_clock::duration>(capture_time);
  e.request_head = request_head;
  e.response_head = response_head;
  e.response_body = response_body;
  return e;
}

struct written {
  std::vector<crawl::warc_record_location> locations;  // warcinfo, then each record
  std::string warcinfo_id;
  std::uint64_t size = 0;
};

written write_sample(const std::filesystem::path& path, int exchanges = 1) {
  crawl::warc_writer_options options;
  options.info_fields = {{"operator", "tests"}, {"robots", "classic"}};
  auto writer = crawl::warc_writer::open(path, options);
  REQUIRE(writer);
  written w{{}, writer->warcinfo_id(), 0};
  w.locations.push_back({writer->warcinfo_id(), 0, writer->size()});
  for (int i = 0; i < exchanges; ++i) {
    auto loc = writer->write_exchange(sample_exchange());
    REQUIRE(loc);
    w.locations.push_back(loc->request);
    w.locations.push_back(loc->response);
  }
  w.size = writer->size();
  REQUIRE_FALSE(writer->close());
  return w;
}

void check_sample_records(const std::vector<crawl::warc_record>& records, const written& w) {
  REQUIRE(records.size() == 3);
  const auto& info = records[0];
  const auto& req = records[1];
  const auto& resp = records[2];
  for (std::size_t i = 0; i < records.size(); ++i) {
    CHECK(records[i].version == "WARC/1.1");
    CHECK(field(records[i], "WARC-Record-ID") == w.locations[i].record_id);
    CHECK(std::regex_match(std::string(field(records[i], "WARC-Record-ID")), record_id_pattern));
    CHECK(std::regex_match(std::string(field(records[i], "WARC-Date")), date_pattern));
    CHECK(field(records[i], "Content-Length") == std::to_string(records[i].block.size()));
    check_digest(records[i].field("WARC-Block-Digest"), records[i].block);
  }
  CHECK(field(info, "WARC-Type") == "warcinfo");
  CHECK(field(info, "Content-Type") == "application/warc-fields");
  CHECK(field(info, "WARC-Record-ID") == w.warcinfo_id);
  CHECK_FALSE(info.field("WARC-Payload-Digest"));  // 5.9: warcinfo has no payload
  CHECK_FALSE(info.field("WARC-Target-URI"));
  CHECK(info.block == std::string("software: corofetch/") + corofetch::version_string +
                          "\r\nformat: WARC File Format 1.1\r\nconformsTo: "
                          "http://iipc.github.io/warc-specifications/specifications/"
                          "warc-format/warc-1.1/\r\noperator: tests\r\nrobots: classic\r\n");

  CHECK(field(req, "WARC-Type") == "request");
  CHECK(field(req, "Content-Type") == "application/http;msgtype=request");
  CHECK(req.block == request_head);
  check_digest(req.field("WARC-Payload-Digest"), "");
  CHECK(field(resp, "WARC-Type") == "response");
  CHECK(field(resp, "Content-Type") == "application/http;msgtype=response");
  CHECK(resp.block == response_head + response_body);
  check_digest(resp.field("WARC-Payload-Digest"), response_body);
  for (const auto* r : {&req, &resp}) {
    CHECK(field(*r, "WARC-Target-URI") == "http://example.test:8080/page?q=1");
    CHECK(field(*r, "WARC-IP-Address") == "127.0.0.1");
    CHECK(field(*r, "WARC-Date") == "2024-05-01T12:34:56.123456Z");
    CHECK(field(*r, "WARC-Warcinfo-ID") == w.warcinfo_id);
  }
  CHECK(field(req, "WARC-Concurrent-To") == field(resp, "WARC-Record-ID"));
  CHECK(field(resp, "WARC-Concurrent-To") == field(req, "WARC-Record-ID"));
}

}  // namespace

TEST_CASE("warc: digests are sha1 in Base32 (known vectors)", "[unit]") {
  CHECK(crawl::warc_sha1_digest("") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
  CHECK(crawl::warc_sha1_digest("abc") == "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
}

TEST_CASE("warc: record ids are distinct random version 4 UUIDs", "[unit]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = crawl::make_warc_record_id();
    CHECK(std::regex_match(id, record_id_pattern));
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("warc: dates are UTC with microseconds", "[unit]") {
  const auto t = std::chrono::time_point_cast<std::chrono::system_clock::duration>(capture_time);
  CHECK(crawl::format_warc_date(t) == "2024-05-01T12:34:56.123456Z");
  CHECK(crawl::format_warc_date(std::chrono::system_clock::time_point{}) ==
        "1970-01-01T00:00:00.000000Z");
}

TEST_CASE("warc: a .warc.gz reads back with every field and right digests", "[unit]") {
  temp_dir dir;
  const auto path = dir / "crawl.warc.gz";
  const written w = write_sample(path);
  auto records = crawl::read_warc_records(path);
  REQUIRE(records);
  check_sample_records(*records, w);
}

TEST_CASE("warc: each record is its own gzip member at the offset reported", "[unit]") {
  temp_dir dir;
  const auto path = dir / "crawl.warc.gz";
  const written w = write_sample(path, 2);
  const std::string file = file_bytes(path);
  REQUIRE(w.size == file.size());
  REQUIRE(w.locations.size() == 5);
  std::uint64_t expected_offset = 0;
  for (const auto& loc : w.locations) {
    INFO("record at " << loc.offset);
    CHECK(loc.offset == expected_offset);
    expected_offset = loc.offset + loc.length;
    const std::string member = file.substr(loc.offset, loc.length);
    CHECK(static_cast<unsigned char>(member[0]) == 0x1f);
    // Decoded alone (a reader seeking to the offset), the member is exactly one record.
    auto decoded = http::decode_content("gzip", member);
    REQUIRE(decoded);
    CHECK(decoded->starts_with("WARC/1.1\r\n"));
    CHECK(decoded->find("WARC-Record-ID: " + loc.record_id + "\r\n") != std::string::npos);
    CHECK(decoded->ends_with("\r\n\r\n"));
    CHECK(decoded->find("WARC/1.1", 1) == std::string::npos);
  }
  CHECK(expected_offset == file.size());
}

TEST_CASE("warc: a name without .gz gives plain WARC at the offsets reported", "[unit]") {
  temp_dir dir;
  const auto path = dir / "crawl.warc";
  const written w = write_sample(path);
  const std::string file = file_bytes(path);
  CHECK(file.starts_with("WARC/1.1\r\nWARC-Type: warcinfo\r\n"));
  for (const auto& loc : w.locations) {
    CHECK(file.substr(loc.offset, 10) == "WARC/1.1\r\n");
    CHECK(file.substr(loc.offset + loc.length - 4, 4) == "\r\n\r\n");
  }
  CHECK(w.locations.back().offset + w.locations.back().length == file.size());
  auto records = crawl::read_warc_records(path);
  REQUIRE(records);
  check_sample_records(*records, w);
}

TEST_CASE("warc: append adds a warcinfo and records after the existing ones", "[unit]") {
  temp_dir dir;
  const auto path = dir / "crawl.warc.gz";
  const written first = write_sample(path);
  crawl::warc_writer_options options;
  options.mode = crawl::warc_open_mode::append;
  auto writer = crawl::warc_writer::open(path, options);
  REQUIRE(writer);
  CHECK(writer->warcinfo_id() != first.warcinfo_id);
  auto loc = writer->write_exchange(sample_exchange());
  REQUIRE(loc);
  CHECK(loc->request.offset > first.size);
  REQUIRE_FALSE(writer->close());
  auto records = crawl::read_warc_records(path);
  REQUIRE(records);
  REQUIRE(records->size() == 6);
  CHECK(field((*records)[3], "WARC-Type") == "warcinfo");
  CHECK(field((*records)[4], "WARC-Warcinfo-ID") == field((*records)[3], "WARC-Record-ID"));
  const std::string file = file_bytes(path);
  auto alone = http::decode_content("gzip", file.substr(loc->response.offset));
  REQUIRE(alone);
  CHECK(alone->starts_with("WARC/1.1\r\nWARC-Type: response\r\n"));
}

TEST_CASE("warc: open errors carry errno's message", "[unit]") {
  temp_dir dir;
  const auto path = dir / "crawl.warc.gz";
  write_sample(path);
  std::string detail;
  auto again = crawl::warc_writer::open(path, {}, &detail);  // create_new by default
  CHECK(again.error() == errc::warc_write_failed);
  CHECK(detail == "open " + path.string() + ": File exists");

  auto missing = crawl::warc_writer::open(dir / "no/such/dir.warc", {}, &detail);
  CHECK(missing.error() == errc::warc_write_failed);
  CHECK(detail.ends_with(": No such file or directory"));

  crawl::warc_writer_options options;
  options.mode = crawl::warc_open_mode::truncate;
  auto full = crawl::warc_writer::open("/dev/full", options, &detail);
  CHECK(full.error() == errc::warc_write_failed);
  CHECK(detail.starts_with("write /dev/full: No space left on device"));
}

TEST_CASE("warc: truncate starts the file afresh", "[unit]") {
  temp_dir dir;
  const auto path = dir / "crawl.warc";
  write_sample(path, 3);
  crawl::warc_writer_options options;
  options.mode = crawl::warc_open_mode::truncate;
  auto writer = crawl::warc_writer::open(path, options);
  REQUIRE(writer);
  REQUIRE_FALSE(writer->close());
  auto records = crawl::read_warc_records(path);
  REQUIRE(records);
  CHECK(records->size() == 1);
}

TEST_CASE("warc: fields that would break the header are refused", "[unit]") {
  temp_dir dir;
  crawl::warc_writer_options options;
  options.info_fields = {{"operator", "evil\r\nWARC-Type: response"}};
  std::string detail;
  CHECK(crawl::warc_writer::open(dir / "a.warc", options, &detail).error() ==
        errc::invalid_warc_field);
  options.info_fields = {{"bad name", "x"}};
  CHECK(crawl::warc_writer::open(dir / "b.warc", options).error() == errc::invalid_warc_field);

  auto writer = crawl::warc_writer::open(dir / "c.warc");
  REQUIRE(writer);
  const std::uint64_t size = writer->size();
  auto e = sample_exchange();
  e.target_uri = "http://example.test/a b";
  CHECK(writer->write_exchange(e).error() == errc::invalid_warc_field);
  e = sample_exchange();
  e.target_uri = "";
  CHECK(writer->write_exchange(e).error() == errc::invalid_warc_field);
  e = sample_exchange();
  e.ip_address = "127.0.0.1\r\nX: y";
  CHECK(writer->write_exchange(e).error() == errc::invalid_warc_field);
  CHECK(writer->write_metadata("http://example.test/", {{"via", "a\nb"}}).error() ==
        errc::invalid_warc_field);
  CHECK(writer->write_metadata("http://example.test/", {}, "not-an-id").error() ==
        errc::invalid_warc_field);
  CHECK(writer->write_resource("http://example.test/", "", "x").error() ==
        errc::invalid_warc_field);
  CHECK(writer->size() == size);  // nothing written
}

TEST_CASE("warc: a decoded body gets a head that frames it", "[unit]") {
  temp_dir dir;
  const auto path = dir / "crawl.warc.gz";
  auto writer = crawl::warc_writer::open(path);
  REQUIRE(writer);
  auto e = sample_exchange();
  const std::string head =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
      "Transfer-Encoding: chunked\r\nContent-Length: 999\r\nX-Folded: a\r\n b\r\n"
      "Vary: Accept-Encoding\r\n\r\n";
  e.response_head = head;
  e.response_body = "hello world";
  e.response_body_form = crawl::body_form::decoded;
  e.truncated = "length";
  REQUIRE(writer->write_exchange(e));
  e.response_body_form = crawl::body_form::dechunked;
  e.truncated = {};
  REQUIRE(writer->write_exchange(e));
  REQUIRE_FALSE(writer->close());
  auto records = crawl::read_warc_records(path);
  REQUIRE(records);
  REQUIRE(records->size() == 5);
  const auto& decoded = (*records)[2];
  CHECK(decoded.block ==
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Folded: a\r\n b\r\n"
        "Vary: Accept-Encoding\r\nContent-Length: 11\r\n\r\nhello world");
  CHECK(field(decoded, "WARC-Truncated") == "length");
  check_digest(decoded.field("WARC-Payload-Digest"), "hello world");
  const auto& dechunked = (*records)[4];
  CHECK(dechunked.block ==
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
        "X-Folded: a\r\n b\r\nVary: Accept-Encoding\r\nContent-Length: 11\r\n\r\nhello world");
  CHECK_FALSE(dechunked.field("WARC-Truncated"));
}

TEST_CASE("warc: resource and metadata records", "[unit]") {
  temp_dir dir;
  const auto path = dir / "crawl.warc";
  auto writer = crawl::warc_writer::open(path);
  REQUIRE(writer);
  auto resource = writer->write_resource("dns:example.test", "text/dns", "example.test. 60 A 1");
  REQUIRE(resource);
  auto meta = writer->write_metadata("http://example.test/",
                                     {{"via", "http://example.test/"}, {"hopsFromSeed", "L"}},
                                     resource->record_id);
  REQUIRE(meta);
  REQUIRE_FALSE(writer->close());
  auto records = crawl::read_warc_records(path);
  REQUIRE(records);
  REQUIRE(records->size() == 3);
  const auto& r = (*records)[1];
  CHECK(field(r, "WARC-Type") == "resource");
  CHECK(field(r, "Content-Type") == "text/dns");
  CHECK(r.block == "example.test. 60 A 1");
  CHECK(field(r, "WARC-Payload-Digest") == field(r, "WARC-Block-Digest"));
  const auto& m = (*records)[2];
  CHECK(field(m, "WARC-Type") == "metadata");
  CHECK(field(m, "Content-Type") == "application/warc-fields");
  CHECK(field(m, "WARC-Concurrent-To") == resource->record_id);
  CHECK(m.block == "via: http://example.test/\r\nhopsFromSeed: L\r\n");
  CHECK_FALSE(m.field("WARC-Payload-Digest"));
}

TEST_CASE("warc: the reader refuses what is not WARC", "[unit]") {
  temp_dir dir;
  std::string detail;
  CHECK(crawl::read_warc_records(dir / "missing.warc", 1 << 20, &detail).error() ==
        errc::warc_read_failed);
  CHECK(detail.ends_with(": No such file or directory"));
  const auto write = [&](const char* name, std::string_view text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  };
  CHECK(
      crawl::read_warc_records(write("html", "<html></html>\r\n\r\n"), 1 << 20, &detail).error() ==
      errc::warc_read_failed);
  CHECK(detail == "record 1 at byte 0: no WARC/ version line");
  const auto cut = write("cut", "WARC/1.1\r\nContent-Length: 10\r\n\r\nshort");
  CHECK(crawl::read_warc_records(cut, 1 << 20, &detail).error() == errc::warc_read_failed);
  CHECK(detail == "record 1 at byte 0: a block shorter than its Content-Length");
  const auto no_end = write("noend", "WARC/1.1\r\nContent-Length: 2\r\n\r\nab\r\n");
  CHECK(crawl::read_warc_records(no_end, 1 << 20, &detail).error() == errc::warc_read_failed);
  CHECK(detail == "record 1 at byte 0: a block not followed by CRLF CRLF");
  const auto big = write("big", std::string(2000, 'x'));
  CHECK(crawl::read_warc_records(big, 1000, &detail).error() == errc::warc_read_failed);
  const auto gz = write("bad.warc.gz", "\x1f\x8b garbage");
  CHECK(crawl::read_warc_records(gz, 1 << 20, &detail).error() == errc::warc_read_failed);
  CHECK(detail.starts_with("gzip: "));
}
