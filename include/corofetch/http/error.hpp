#pragma once

#include <system_error>

namespace corofetch::http {

/// Why a request could not be written, a message could not be parsed, or a body could not be
/// decoded; the category is "corofetch.http". Parser errors keep llhttp's own reason text, see
/// response_parser::error_reason().
enum class errc {
  // Writing requests (RFC 9110, RFC 9112 section 3).
  invalid_method = 1,    ///< the method is empty or not an RFC 9110 5.6.2 token
  invalid_target,        ///< empty, or CR, LF, NUL, space or another control in the target
  invalid_field_name,    ///< a field name that is not a token (CR, LF, NUL, ':', space...)
  invalid_field_value,   ///< CR, LF, NUL or another control (except HTAB) in a field value
  framing_field_set,     ///< Content-Length or Transfer-Encoding set by hand: the body frames
  missing_host,          ///< an HTTP/1.1 request without Host (RFC 9112 3.2)
  chunked_needs_http11,  ///< a body of unknown length cannot be sent over HTTP/1.0
  body_length_mismatch,  ///< a body source gave more or fewer bytes than its size()
  unsupported_scheme,    ///< make_request needs an http: or https: URL
  url_without_host,      ///< the URL has no host to send a request to
  invalid_version,       ///< an HTTP version other than 1.0 and 1.1
  // Parsing responses (RFC 9112 sections 4 to 7).
  invalid_status_line,    ///< a malformed status line, or a status code outside 100..999
  invalid_header,         ///< a malformed field line, or a field name that is not a token
  bare_cr,                ///< a CR not followed by LF in the head or chunk framing (RFC 9112 2.2)
  obsolete_line_folding,  ///< obs-fold (a field line starting with SP or HTAB, RFC 9112 5.2)
  content_length_with_transfer_encoding,  ///< both framings at once (RFC 9112 6.3): smuggling
  conflicting_content_length,  ///< two different Content-Length values (or a repeated one)
  invalid_content_length,      ///< Content-Length is not a decimal number, or overflows
  invalid_transfer_encoding,   ///< a Transfer-Encoding llhttp cannot frame
  invalid_chunk_size,          ///< a chunk size that is not hex, or overflows 64 bits
  invalid_chunk,               ///< malformed chunk framing or extension
  truncated,                   ///< the connection ended before the message was complete
  empty_response,              ///< the connection ended before any byte of a response
  data_after_close,            ///< bytes after a response that ends the connection
  unexpected_upgrade,          ///< a 101 Switching Protocols that the request did not ask for
  head_too_large,              ///< the head is over parser_options::max_head_bytes
  field_too_large,             ///< one field line is over parser_options::max_field_bytes
  too_many_fields,             ///< more than parser_options::max_fields fields
  trailers_too_large,          ///< trailer fields over parser_options::max_trailer_bytes
  body_too_large,              ///< the body is over parser_options::max_body_bytes
  too_many_interim,            ///< more 1xx interim responses than parser_options::max_interim
  malformed_message,           ///< any other framing error llhttp reports (see error_reason())
  // Content codings (RFC 9110 8.4).
  unsupported_coding,  ///< a content coding other than gzip, x-gzip, deflate, identity
  too_many_codings,    ///< more codings than decoder_options::max_codings
  decoded_too_large,   ///< decoded output over decoder_options::max_decoded_bytes (bomb)
  corrupt_coding,      ///< zlib rejected the compressed data
  truncated_coding,    ///< the compressed stream ended before its end marker
  // Parsing responses, continued.
  unsupported_transfer_coding,  ///< a transfer coding other than chunked (RFC 9112 7.4)
};

/// The "corofetch.http" category.
const std::error_category& http_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), http_category()};
}

}  // namespace corofetch::http

template <>
struct std::is_error_code_enum<corofetch::http::errc> : std::true_type {};
