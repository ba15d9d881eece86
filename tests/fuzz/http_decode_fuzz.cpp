// Fuzzes chunked framing plus content decoding: the input, after one byte choosing the coding,
// is sent as the body of a chunked response with that Content-Encoding (so it must be framed
// as chunks to get through), and what the parser yields is decoded twice, whole and in the
// pieces the parser gave; both decodings must agree, and stay under the cap.
#include <corofetch/http/content_decoder.hpp>
#include <corofetch/http/response_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

namespace http = corofetch::http;

const char* pick_coding(std::uint8_t b) {
  switch (b % 4) {
    case 0:
      return "gzip";
    case 1:
      return "deflate";
    case 2:
      return "deflate, gzip";
    default:
      return "identity";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const char* coding = pick_coding(data[0]);
  const std::string message = std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") +
                              std::string(reinterpret_cast<const char*>(data + 1), size - 1);
  http::decoder_options limits;
  limits.max_decoded_bytes = 1 << 20;

  http::response_parser parser;
  auto decoder = http::content_decoder::create(coding, limits);
  if (!decoder) std::abort();
  std::string framed_body;
  std::string decoded_in_pieces;
  std::error_code piece_error;
  for (std::size_t at = 0; at < message.size(); at += 7) {
    const std::string piece = message.substr(at, 7);
    auto n = parser.parse(piece);
    if (!n) return 0;
    for (std::string_view p : parser.body_pieces()) {
      framed_body += p;
      if (!piece_error) piece_error = decoder->decode(p, decoded_in_pieces);
    }
    if (*n < piece.size()) break;
  }
  if (!parser.complete()) return 0;
  if (!piece_error) piece_error = decoder->finish();

  auto whole = http::decode_content(coding, framed_body, limits);
  if (whole.has_value() != !piece_error) std::abort();
  if (whole && *whole != decoded_in_pieces) std::abort();
  if (whole && whole->size() > limits.max_decoded_bytes) std::abort();
  return 0;
}
