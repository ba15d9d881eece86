#pragma once

#include <cstdint>
#include <system_error>

namespace corofetch::http2 {

/// Why an HTTP/2 exchange or connection failed; the category is "corofetch.http2". The codes
/// from protocol_error to http_1_1_required are the error codes of RFC 9113 7, as a peer sends
/// them in RST_STREAM or GOAWAY or as we send them after the peer broke the protocol.
enum class errc {
  protocol_error = 1,     ///< PROTOCOL_ERROR (RFC 9113 7): a frame or message broke the rules
  internal_error,         ///< INTERNAL_ERROR: the peer (or nghttp2) failed internally
  flow_control_error,     ///< FLOW_CONTROL_ERROR: a window was overrun (RFC 9113 5.2)
  settings_timeout,       ///< SETTINGS_TIMEOUT: our SETTINGS were not acknowledged in time
  stream_closed,          ///< STREAM_CLOSED: a frame came on a half-closed stream
  frame_size_error,       ///< FRAME_SIZE_ERROR: a frame of a wrong size
  refused_stream,         ///< REFUSED_STREAM: not processed by the server; safe to retry
  cancelled,              ///< CANCEL: the stream was cancelled
  compression_error,      ///< COMPRESSION_ERROR: HPACK state broken (RFC 7541)
  connect_error,          ///< CONNECT_ERROR
  enhance_your_calm,      ///< ENHANCE_YOUR_CALM: the peer thinks we send too much
  inadequate_security,    ///< INADEQUATE_SECURITY: TLS parameters below RFC 9113 9.2
  http_1_1_required,      ///< HTTP_1_1_REQUIRED: the server wants HTTP/1.1 for this request
  stream_reset,           ///< RST_STREAM(NO_ERROR) or an unknown code before the response ended
  goaway,                 ///< the peer sent GOAWAY with an error code; the connection is over
  unprocessed,            ///< above the last stream id of the peer's GOAWAY: safe to retry
  connection_closing,     ///< no new stream: the connection is draining or closed; retry
  connection_closed,      ///< the transport closed (EOF, reset) while the stream was open
  header_list_too_large,  ///< the response's field section exceeded max_header_list_size
  continuation_flood,     ///< more CONTINUATION frames than allowed in one field block
  invalid_request,        ///< CR, LF or NUL in a field, or a missing method or path
  body_too_large,         ///< the response body exceeded the caller's bound
  request_timeout,        ///< the request's deadline passed; its stream was reset (CANCEL)
  ping_timeout,           ///< the peer did not answer a liveness PING in time
  preface_timeout,        ///< the peer's SETTINGS (its connection preface) did not come in time
  not_http2,              ///< the peer did not speak HTTP/2 (no SETTINGS as its first frame)
};

/// The category of errc, named "corofetch.http2"; one instance for the program's lifetime.
const std::error_category& http2_category() noexcept;

/// An errc as a std::error_code in http2_category() (found by argument-dependent lookup).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), http2_category()};
}

/// The errc of an RFC 9113 7 error code as carried by RST_STREAM or GOAWAY: protocol_error for
/// 0x1 ... http_1_1_required for 0xd; stream_reset for NO_ERROR and unknown codes.
[[nodiscard]] errc from_wire_code(std::uint32_t code) noexcept;

/// True for the errors after which the same request may be sent again on a new connection
/// because the server did not process it (RFC 9113 8.7): refused_stream, unprocessed,
/// connection_closing.
[[nodiscard]] bool is_retryable(std::error_code ec) noexcept;

}  // namespace corofetch::http2

template <>
struct std::is_error_code_enum<corofetch::http2::errc> : std::true_type {};
