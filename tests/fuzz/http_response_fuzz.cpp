// Fuzzes response_parser with random splits: the first byte picks the request method and the
// second seeds the split sizes; the rest is the connection's bytes. The oracle: however the
// bytes are split, the parser must reach the same outcome as when they come whole: the same
// response, or an error. (Which error, when a message has two, may depend on the split: a
// check made when llhttp hands over a name or value runs earlier when the input ends inside
// it.)
#include <corofetch/http/response_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

namespace http = corofetch::http;

struct summary {
  std::error_code error;
  int status = 0;
  std::size_t fields = 0;
  std::size_t interim = 0;
  std::string body;
  std::size_t consumed = 0;
  bool complete = false;
  bool keep_alive = false;

  bool same_as(const summary& o) const {
    if (error || o.error) return static_cast<bool>(error) == static_cast<bool>(o.error);
    return status == o.status && fields == o.fields && interim == o.interim && body == o.body &&
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
    if (seed != 0) {
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
  s.fields = parser.head().fields.size();
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
  const summary split = run(bytes, m, upgrade, data[1] + 1U);
  if (!whole.same_as(split)) std::abort();
  if (!whole.error && whole.complete && whole.body.size() > (1U << 20)) std::abort();
  return 0;
}
