#include <corofetch/http/serializer.hpp>
#include <corofetch/http/syntax.hpp>
#include <corofetch/version.hpp>

#include <array>
#include <charconv>

namespace corofetch::http {
namespace {

constexpr std::size_t read_block = std::size_t{16} * 1024;

bool is_framing_field(std::string_view name) noexcept {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding");
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

void append_number(std::string& out, std::uint64_t n, int base) {
  std::array<char, 24> digits{};
  const auto r = std::to_chars(digits.data(), digits.data() + digits.size(), n, base);
  out.append(digits.data(), r.ptr);
}

std::error_code validate_fields(const fields& fs) {
  for (const field f : fs) {
    if (!is_token(f.name)) return errc::invalid_field_name;
    if (!is_field_value(f.value)) return errc::invalid_field_value;
    if (is_framing_field(f.name)) return errc::framing_field_set;
  }
  return {};
}

// Reads a source of known size straight into `out`'s tail and checks the count it promised.
std::error_code append_sized_source(body_source& source, std::uint64_t size, std::string& out) {
  std::uint64_t total = 0;
  for (;;) {
    const std::size_t at = out.size();
    out.resize(at + read_block);
    auto n = source.read(std::span<char>(out.data() + at, read_block));
    if (!n) return n.error();
    out.resize(at + *n);
    if (*n == 0) break;
    total += *n;
    if (total > size) return errc::body_length_mismatch;
  }
  return total == size ? std::error_code{} : std::error_code(errc::body_length_mismatch);
}

std::error_code append_chunked_source(body_source& source, std::string& out) {
  std::string block(read_block, '\0');
  for (;;) {
    auto n = source.read(std::span<char>(block.data(), block.size()));
    if (!n) return n.error();
    if (*n == 0) break;
    append_chunk(out, std::string_view(block.data(), *n));
  }
  append_last_chunk(out);
  return {};
}

}  // namespace

std::string default_user_agent() {
  return std::string("corofetch/") + version_string;
}

std::error_code validate(const request& req, const serialize_options& options) {
  if (!is_token(req.method().name())) return errc::invalid_method;
  if (!is_request_target(req.target())) return errc::invalid_target;
  const version v = req.version();
  if (v != http_1_1 && v != http_1_0) return errc::invalid_version;
  if (auto ec = validate_fields(req.fields())) return ec;
  if (!is_field_value(options.user_agent)) return errc::invalid_field_value;
  if (v == http_1_1 && !req.fields().contains("Host")) return errc::missing_host;
  if (!req.body().length() && v != http_1_1) return errc::chunked_needs_http11;
  return {};
}

std::error_code serialize_head(const request& req, std::string& out,
                               const serialize_options& options) {
  if (auto ec = validate(req, options)) return ec;
  const fields& fs = req.fields();
  out += req.method().name();
  out += ' ';
  out += req.target();
  out += req.version() == http_1_1 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n";
  // RFC 9112 3.2: Host first, as servers and proxies expect.
  for (const field f : fs) {
    if (iequals(f.name, "Host")) append_field(out, f.name, f.value);
  }
  for_each_default_field(fs, options, [&out](std::string_view name, std::string_view value) {
    append_field(out, name, value);
  });
  for (const field f : fs) {
    if (!iequals(f.name, "Host")) append_field(out, f.name, f.value);
  }
  const request_body& body = req.body();
  if (const auto length = body.length()) {
    if (*length != 0 || req.method().expects_content()) {
      out += "Content-Length: ";
      append_number(out, *length, 10);
      out += "\r\n";
    }
  } else {
    out += "Transfer-Encoding: chunked\r\n";
  }
  out += "\r\n";
  return {};
}

std::error_code serialize_to(const request& req, std::string& out,
                             const serialize_options& options) {
  const std::size_t original = out.size();
  std::error_code ec = serialize_head(req, out, options);
  if (ec) return ec;
  const request_body& body = req.body();
  switch (body.type()) {
    case request_body::kind::none:
      break;
    case request_body::kind::memory:
      out += body.bytes();
      break;
    case request_body::kind::stream: {
      const auto size = body.source()->size();
      ec = size ? append_sized_source(*body.source(), *size, out)
                : append_chunked_source(*body.source(), out);
      break;
    }
  }
  if (ec) out.resize(original);
  return ec;
}

result<std::string> serialize(const request& req, const serialize_options& options) {
  std::string out;
  if (auto ec = serialize_to(req, out, options)) return ec;
  return out;
}

void append_chunk(std::string& out, std::string_view data) {
  if (data.empty()) return;
  append_number(out, data.size(), 16);
  out += "\r\n";
  out += data;
  out += "\r\n";
}

void append_last_chunk(std::string& out) {
  out += "0\r\n\r\n";
}

}  // namespace corofetch::http
