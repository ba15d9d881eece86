#include <corofetch/detail/error_category.hpp>
#include <corofetch/http/error.hpp>

namespace corofetch::http {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::invalid_method:
      return "invalid HTTP method (not an RFC 9110 token)";
    case errc::invalid_target:
      return "invalid request target (empty, or a space or control)";
    case errc::invalid_field_name:
      return "invalid header field name (not an RFC 9110 token)";
    case errc::invalid_field_value:
      return "invalid header field value (CR, LF, NUL or control)";
    case errc::framing_field_set:
      return "Content-Length and Transfer-Encoding are set from the body, not by hand";
    case errc::missing_host:
      return "an HTTP/1.1 request needs a Host field";
    case errc::chunked_needs_http11:
      return "a body of unknown length needs HTTP/1.1 (chunked)";
    case errc::body_length_mismatch:
      return "the body source's length differs from its size";
    case errc::unsupported_scheme:
      return "only http: and https: URLs can be requested";
    case errc::url_without_host:
      return "the URL has no host";
    case errc::invalid_version:
      return "unsupported HTTP version";
    case errc::invalid_status_line:
      return "malformed status line";
    case errc::invalid_header:
      return "malformed header field";
    case errc::bare_cr:
      return "bare CR: a line ending in the head or chunk framing is not CRLF";
    case errc::obsolete_line_folding:
      return "obsolete line folding in a header field";
    case errc::content_length_with_transfer_encoding:
      return "Content-Length together with Transfer-Encoding";
    case errc::conflicting_content_length:
      return "repeated or conflicting Content-Length";
    case errc::invalid_content_length:
      return "invalid Content-Length";
    case errc::invalid_transfer_encoding:
      return "invalid Transfer-Encoding";
    case errc::invalid_chunk_size:
      return "invalid or overflowing chunk size";
    case errc::invalid_chunk:
      return "malformed chunk";
    case errc::truncated:
      return "connection closed before the message was complete";
    case errc::empty_response:
      return "connection closed before any response";
    case errc::data_after_close:
      return "data after a response that closes the connection";
    case errc::unexpected_upgrade:
      return "101 Switching Protocols without an upgrade request";
    case errc::head_too_large:
      return "response head too large";
    case errc::field_too_large:
      return "header field too large";
    case errc::too_many_fields:
      return "too many header fields";
    case errc::trailers_too_large:
      return "trailer fields too large";
    case errc::body_too_large:
      return "body too large";
    case errc::too_many_interim:
      return "too many interim (1xx) responses";
    case errc::malformed_message:
      return "malformed HTTP message";
    case errc::unsupported_coding:
      return "unsupported content coding";
    case errc::too_many_codings:
      return "too many content codings";
    case errc::decoded_too_large:
      return "decoded body too large (decompression bomb?)";
    case errc::corrupt_coding:
      return "corrupt compressed body";
    case errc::truncated_coding:
      return "compressed body ended early";
    case errc::unsupported_transfer_coding:
      return "transfer coding other than chunked (the request accepted none)";
  }
  return "unknown corofetch.http error";
}

const detail::module_category category("corofetch.http", &describe);

}  // namespace

const std::error_category& http_category() noexcept {
  return category;
}

}  // namespace corofetch::http
