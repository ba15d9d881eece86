#include <corofetch/detail/error_category.hpp>
#include <corofetch/http2/error.hpp>

namespace corofetch::http2 {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::protocol_error:
      return "HTTP/2 protocol error";
    case errc::internal_error:
      return "HTTP/2 internal error";
    case errc::flow_control_error:
      return "HTTP/2 flow-control error";
    case errc::settings_timeout:
      return "the HTTP/2 peer did not acknowledge our SETTINGS in time";
    case errc::stream_closed:
      return "HTTP/2 frame on a closed stream";
    case errc::frame_size_error:
      return "HTTP/2 frame size error";
    case errc::refused_stream:
      return "the HTTP/2 server refused the stream before processing it";
    case errc::cancelled:
      return "the HTTP/2 stream was cancelled";
    case errc::compression_error:
      return "HTTP/2 header compression (HPACK) error";
    case errc::connect_error:
      return "HTTP/2 CONNECT error";
    case errc::enhance_your_calm:
      return "the HTTP/2 peer asks to enhance your calm (too much load)";
    case errc::inadequate_security:
      return "the HTTP/2 peer finds the TLS parameters inadequate";
    case errc::http_1_1_required:
      return "the HTTP/2 server requires HTTP/1.1 for this request";
    case errc::stream_reset:
      return "the HTTP/2 stream was reset before its response ended";
    case errc::goaway:
      return "the HTTP/2 peer closed the connection with an error (GOAWAY)";
    case errc::unprocessed:
      return "the HTTP/2 server went away without processing the stream";
    case errc::connection_closing:
      return "the HTTP/2 connection is closing and takes no new streams";
    case errc::connection_closed:
      return "the HTTP/2 connection closed while the stream was open";
    case errc::header_list_too_large:
      return "the HTTP/2 response's header list is too large";
    case errc::continuation_flood:
      return "too many HTTP/2 CONTINUATION frames in one header block";
    case errc::invalid_request:
      return "invalid HTTP/2 request (bad field, method or path)";
    case errc::body_too_large:
      return "the HTTP/2 response body is larger than allowed";
    case errc::request_timeout:
      return "the HTTP/2 request did not complete before its deadline";
    case errc::ping_timeout:
      return "the HTTP/2 peer did not answer a PING in time";
    case errc::preface_timeout:
      return "the HTTP/2 peer did not send its SETTINGS in time";
    case errc::not_http2:
      return "the peer does not speak HTTP/2";
  }
  return "unknown HTTP/2 error";
}

const detail::module_category category("corofetch.http2", &describe);

}  // namespace

const std::error_category& http2_category() noexcept {
  return category;
}

errc from_wire_code(std::uint32_t code) noexcept {
  // RFC 9113 7: 0x1 PROTOCOL_ERROR .. 0xd HTTP_1_1_REQUIRED, in the order of errc.
  constexpr std::uint32_t first = 0x1;
  constexpr std::uint32_t last = 0xd;
  if (code < first || code > last) return errc::stream_reset;
  return static_cast<errc>(static_cast<int>(errc::protocol_error) + static_cast<int>(code - first));
}

bool is_retryable(std::error_code ec) noexcept {
  return ec == errc::refused_stream || ec == errc::unprocessed || ec == errc::connection_closing;
}

}  // namespace corofetch::http2
