#pragma once

#include <corofetch/crawl/error.hpp>
#include <corofetch/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corofetch::crawl {

/// A named field: of a WARC record header, or of an application/warc-fields block.
using warc_field = std::pair<std::string, std::string>;

/// How warc_writer::open treats an existing file.
enum class warc_open_mode : std::uint8_t {
  create_new,  ///< fail (warc_write_failed, "File exists") rather than touch an existing file
  truncate,    ///< start the file afresh
  append,      ///< add to its end (WARC 1.1 6.2 allows a warcinfo record anywhere in a file)
};

/// What the writer is opened with.
struct warc_writer_options {
  warc_open_mode mode = warc_open_mode::create_new;
  /// Fields added to the warcinfo record's block after "software" and "format", in order:
  /// e.g. {"operator", "..."}, {"robots", "classic"}, {"http-header-user-agent", "..."},
  /// {"isPartOf", "crawl-7"} (WARC 1.1 6.2). Names must be tokens; values without CR or LF.
  std::vector<warc_field> info_fields;
  /// gzip level 1..9 for .gz files (zlib's default, 6, unless set).
  int compression_level = 6;
  /// fdatasync after each write, so a power loss (not only a killed process) keeps what was
  /// reported written. Costly; off by default.
  bool sync_each_record = false;
};

/// How the response body handed to write_exchange relates to what came over the wire.
enum class body_form : std::uint8_t {
  /// Every byte after the head as received: chunked framing and content coding intact. What
  /// WARC 1.1 6.3.2 asks for; pass this whenever the client can give it.
  wire,
  /// Transfer coding (chunked) undone, content coding (gzip) kept.
  dechunked,
  /// Transfer and content codings undone: what an HTTP client usually hands over.
  decoded,
};

/// One fetch, as the crawler saw it, for a request and a response record (WARC 1.1 6.3, 6.5).
/// The views must stay valid during the call only.
struct warc_exchange {
  /// The URL requested, without fragment (WARC-Target-URI, 5.14); no whitespace or controls.
  std::string_view target_uri;
  /// The peer's numeric address, IPv4 dotted or IPv6 (WARC-IP-Address, 5.10); "" to omit.
  std::string_view ip_address;
  /// When the capture began: both records carry it (WARC-Date, 5.4, same capture event).
  std::chrono::system_clock::time_point date = std::chrono::system_clock::now();
  /// The request head exactly as sent, through the empty line (e.g. http::serialize_head).
  std::string_view request_head;
  /// The request body as sent; "" for GET.
  std::string_view request_body;
  /// The response head as received: status line, field lines and the empty line (with any 1xx
  /// interim responses before it, as received). When the client does not keep the received
  /// bytes, a re-serialization of the status line and fields as received.
  std::string_view response_head;
  /// The response body: the bytes after the head, in the form `response_body_form` says.
  std::string_view response_body;
  /// With anything but body_form::wire, the writer adjusts the head to the body it was given, so
  /// that the record stays a readable HTTP message: Transfer-Encoding (and with decoded also
  /// Content-Encoding) and Content-Length lines are dropped and "Content-Length: <size>" added.
  body_form response_body_form = body_form::wire;
  /// WARC-Truncated reason (5.15) when the body was cut short: "length", "time",
  /// "disconnect" or "unspecified"; "" when complete.
  std::string_view truncated;
};

/// Where a record was written: enough for a CDX-style index (offset and length in the file as
/// stored, compressed for .gz).
struct warc_record_location {
  std::string record_id;  ///< "<urn:uuid:...>"
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

/// The request and response records of one exchange.
struct warc_exchange_location {
  warc_record_location request;
  warc_record_location response;
};

/// Writes a WARC 1.1 file as web archives do: a warcinfo record at open, then request and
/// response records linked both ways by WARC-Concurrent-To, each with WARC-Record-ID (random
/// UUID v4), WARC-Date (UTC, microseconds), WARC-Warcinfo-ID, WARC-Block-Digest and
/// WARC-Payload-Digest (sha1, Base32). A name ending in ".gz" gets one gzip member per record
/// (WARC 1.1 Annex D, record-at-time compression), so each record can be read alone from its
/// offset; any other name gets plain WARC. Each record (each exchange: both records) is built in
/// memory and written with one write(2) and no user-space buffer, so a killed process loses at
/// most the exchange being written; a failed write is cut back off the file. Movable, not
/// copyable; not thread-safe.
class warc_writer {
 public:
  /// Opens (or creates) `path` and writes the warcinfo record: software "corofetch/<version>",
  /// format "WARC File Format 1.1", conformsTo, then options.info_fields; WARC-Filename is the
  /// file's name. Errors: errc::warc_write_failed (with errno's message in `detail` when given),
  /// errc::invalid_warc_field for an info field that cannot be written.
  static result<warc_writer> open(const std::filesystem::path& path,
                                  const warc_writer_options& options = {},
                                  std::string* detail = nullptr);
  ~warc_writer();
  warc_writer(warc_writer&&) noexcept;
  warc_writer& operator=(warc_writer&&) noexcept;

  /// Writes the request and response records of one fetch (WARC 1.1 6.5, 6.3): blocks
  /// "application/http;msgtype=request" (head + body) and "...msgtype=response" (head + body,
  /// the head adjusted as warc_exchange::response_body_form says). The payload digest is taken
  /// over the body as stored. Errors: errc::invalid_warc_field (a URI or address with
  /// whitespace or controls, an unknown truncation reason), errc::warc_write_failed; after a
  /// failed write the file is as before the call.
  result<warc_exchange_location> write_exchange(const warc_exchange& exchange);

  /// Writes a resource record (WARC 1.1 6.4): `block` as the payload, of `content_type`.
  /// Errors as write_exchange.
  result<warc_record_location> write_resource(
      std::string_view target_uri, std::string_view content_type, std::string_view block,
      std::chrono::system_clock::time_point date = std::chrono::system_clock::now());

  /// Writes a metadata record (WARC 1.1 6.6) of application/warc-fields, e.g. {"via", URL},
  /// {"hopsFromSeed", "LL"}, {"fetchTimeMs", "120"}, concurrent to `concurrent_to` (a record
  /// id, or "" for none). Errors as write_exchange.
  result<warc_record_location> write_metadata(
      std::string_view target_uri, const std::vector<warc_field>& fields,
      std::string_view concurrent_to = {},
      std::chrono::system_clock::time_point date = std::chrono::system_clock::now());

  /// The warcinfo record's id, which every other record names in WARC-Warcinfo-ID.
  [[nodiscard]] const std::string& warcinfo_id() const noexcept;
  /// The file's size as written so far (the offset of the next record).
  [[nodiscard]] std::uint64_t size() const noexcept;
  /// The last error in words, with errno's message for I/O ("write out.warc.gz: No space left
  /// on device"); "" when none.
  [[nodiscard]] const std::string& error_detail() const noexcept;
  /// Closes the file. Errors: errc::warc_write_failed. Also done by the destructor.
  std::error_code close();

 private:
  struct impl;
  explicit warc_writer(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

/// One record read back: the version line, the header fields in order, the block.
struct warc_record {
  std::string version;  ///< "WARC/1.1"
  std::vector<warc_field> fields;
  std::string block;

  /// The value of the first field named `name` (ASCII case-insensitive), if any.
  [[nodiscard]] std::optional<std::string_view> field(std::string_view name) const noexcept;
};

/// Reads every record of a WARC file, plain or gzip (members concatenated, told by the gzip
/// magic number, not the name), up to `max_bytes` after decoding. A small reader for tests and
/// tools, not a streaming one. Errors: errc::warc_read_failed (I/O error, corrupt gzip, a record
/// without the WARC/ version line, Content-Length or the CRLF CRLF after its block), with the
/// reason in `detail` when given.
result<std::vector<warc_record>> read_warc_records(const std::filesystem::path& path,
                                                   std::uint64_t max_bytes = std::uint64_t{1} << 30,
                                                   std::string* detail = nullptr);

/// "sha1:" and the Base32 (RFC 4648, upper case) SHA-1 of `data`: the labelled digest of
/// WARC-Block-Digest and WARC-Payload-Digest (WARC 1.1 5.8, 5.9).
[[nodiscard]] std::string warc_sha1_digest(std::string_view data);

/// A fresh record id, "<urn:uuid:...>" with a version 4 UUID from OpenSSL's CSPRNG (RFC 9562
/// 5.4), as WARC-Record-ID needs (WARC 1.1 5.2). Empty only if the CSPRNG fails.
[[nodiscard]] std::string make_warc_record_id();

/// A WARC-Date value (WARC 1.1 5.4): UTC, "YYYY-MM-DDThh:mm:ss.ffffffZ" (microseconds, as 1.1
/// allows).
[[nodiscard]] std::string format_warc_date(std::chrono::system_clock::time_point t);

}  // namespace corofetch::crawl
