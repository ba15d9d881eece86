#include "http/llhttp_errors.hpp"

namespace corofetch::http::detail {

errc map_llhttp_error(llhttp_errno_t err, parse_stage stage, bool saw_transfer_encoding) noexcept {
  const bool in_head = stage == parse_stage::head;
  switch (err) {
    case HPE_INVALID_STATUS:
    case HPE_INVALID_CONSTANT:
      return errc::invalid_status_line;
    case HPE_INVALID_VERSION:
      return errc::invalid_version;
    case HPE_INVALID_METHOD:
      return errc::invalid_method;
    case HPE_INVALID_URL:
      return errc::invalid_target;
    case HPE_INVALID_HEADER_TOKEN:
    case HPE_UNEXPECTED_SPACE:
    case HPE_CR_EXPECTED:
    case HPE_LF_EXPECTED:
      return stage == parse_stage::body ? errc::invalid_chunk : errc::invalid_header;
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      // llhttp uses this one code for "Duplicate Content-Length" and for Content-Length next
      // to Transfer-Encoding; the fields seen so far tell which.
      return saw_transfer_encoding ? errc::content_length_with_transfer_encoding
                                   : errc::conflicting_content_length;
    case HPE_INVALID_CONTENT_LENGTH:
      return errc::invalid_content_length;
    case HPE_INVALID_TRANSFER_ENCODING:
      return errc::invalid_transfer_encoding;
    case HPE_INVALID_CHUNK_SIZE:
      return errc::invalid_chunk_size;
    case HPE_STRICT:
      return in_head ? errc::malformed_message : errc::invalid_chunk;
    case HPE_CLOSED_CONNECTION:
      return errc::data_after_close;
    case HPE_INVALID_EOF_STATE:
      return errc::truncated;
    default:
      return errc::malformed_message;
  }
}

}  // namespace corofetch::http::detail
