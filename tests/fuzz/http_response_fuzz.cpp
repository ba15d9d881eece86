// Fuzzes response_parser with random splits: the first byte picks the request method and the
// second seeds the split sizes; the rest is the connection's bytes. The oracle: however the
// bytes are split, the parser must reach the same outcome as when they come whole: the same
// response (status, reason, version, every field and trailer, body), or an error. (Which
// error, when a message has two, may depend on the split: a limit is checked per input.) The
// whole feed takes the head's fast path (scan_head) and the byte-by-byte feed never does, so
// this also compares the two.
#include <corofetch/http/response_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace http = corofetch::http;

using field_list = std::vector<std::pair<std::string, std::string>>;

field_list to_list(const http::fields& fs) {
  field_list out;
  for (const http::field f : fs) out.emplace_back(f.name, f.value);
  return out;
}

struct summary {
  std::error_code error;
  int status = 0;
  std::string reason;
  int major = 0;
  int minor = 0;
  field_list fields;
  field_list trailers;
  std::size_t interim = 0;
  std::string body;
  std::size_t consumed = 0;
  bool complete = false;
  bool keep_alive = false;

  bool same_as(const summary& o) const {
    if (error || o.error) return static_cast<bool>(error) == static_cast<bool>(o.error);
    return status == o.status && reason == o.reason && major == o.major && minor == o.minor &&
           fields == o.fields && trailers == o.trailers && interim == o.interim && body == o.body &&
           consumed == o.consumed && complete == o.complete && keep_alive == o.keep_alive;
  }
};

const http::method& pick_method(std::uint8_t b) {
  switch (b % 4) {
    case 0:
      return http::method::head;
    case 1:
      return http::method::connect;
    default:
      return http::method::get;
  }
}

summary run(std::string_view bytes, const http::method& m, bool upgrade, std::uint32_t seed) {
  http::parser_options options;
  options.max_head_bytes = 4096;
  options.max_body_bytes = 1 << 20;
  options.max_interim = 4;
  http::response_parser parser(options);
  parser.expect(m, upgrade);
  summary s;
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t step = bytes.size() - at;
    if (seed == 1) {
      step = 1;
    } else if (seed != 0) {
      seed = seed * 1103515245U + 12345U;
      step = std::min<std::size_t>(step, 1 + (seed >> 16) % 17);
    }
    const std::string piece(bytes.substr(at, step));  // own allocation: ASan sees overreads
    auto n = parser.parse(piece);
    if (!n) {
      s.error = n.error();
      return s;
    }
    for (std::string_view p : parser.body_pieces()) s.body += p;
    s.consumed += *n;
    at += step;
    if (*n < piece.size()) break;
  }
  if (!parser.complete()) {
    if (auto ec = parser.finish()) {
      s.error = ec;
      return s;
    }
  }
  s.status = parser.head().status;
  s.reason = parser.head().reason;
  s.major = parser.head().version.major_version;
  s.minor = parser.head().version.minor_version;
  s.fields = to_list(parser.head().fields);
  s.trailers = to_list(parser.trailers());
  s.interim = parser.interim().size();
  s.complete = parser.complete();
  s.keep_alive = parser.keep_alive();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const http::method& m = pick_method(data[0]);
  const bool upgrade = (data[0] & 0x80) != 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  const summary whole = run(bytes, m, upgrade, 0);
  const summary split = run(bytes, m, upgrade, data[1] + 2U);
  if (!whole.same_as(split)) std::abort();
  const summary bytewise = run(bytes, m, upgrade, 1);
  if (!whole.same_as(bytewise)) std::abort();
  if (!whole.error && whole.complete && whole.body.size() > (1U << 20)) std::abort();
  return 0;
}
