#pragma once

#include <corofetch/http/error.hpp>
#include <corofetch/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace corofetch::http {

/// Bounds on decoding, so that a decompression bomb is an error and not an exhausted machine.
struct decoder_options {
  /// Decoded bytes allowed in total (and out of each stage of a chain of codings).
  std::uint64_t max_decoded_bytes = std::uint64_t{256} * 1024 * 1024;
  /// Codings allowed in one Content-Encoding ("gzip, gzip, gzip" is three).
  std::size_t max_codings = 3;
};

/// Streaming decoder of a body's content codings (RFC 9110 8.4.1) with zlib: gzip (x-gzip;
/// concatenated members too) and deflate, which is zlib-wrapped by the RFC but sent raw by some
/// servers, so both are accepted as browsers do. Several codings are undone in reverse order
/// of listing. Bytes after the end of the last stream are ignored, as browsers do. Movable.
class content_decoder {
 public:
  /// A decoder for a Content-Encoding value (several field lines joined with ", ").
  /// Errors: errc::unsupported_coding (br, zstd, compress, ...), errc::too_many_codings.
  static result<content_decoder> create(std::string_view content_encoding,
                                        decoder_options options = {});
  ~content_decoder();
  content_decoder(content_decoder&&) noexcept;
  content_decoder& operator=(content_decoder&&) noexcept;

  /// Decodes the next piece of the body (any split), appending the decoded bytes to `out`.
  /// Errors: errc::corrupt_coding, errc::decoded_too_large; sticky.
  std::error_code decode(std::string_view input, std::string& out);
  /// The body ended: checks that every compressed stream reached its end marker.
  /// Errors: errc::truncated_coding (an empty body is accepted), or the sticky error.
  std::error_code finish();
  /// True when there is nothing to undo (no coding, or only "identity").
  [[nodiscard]] bool is_identity() const noexcept;
  /// Decoded bytes produced so far.
  [[nodiscard]] std::uint64_t decoded_size() const noexcept;

 private:
  struct impl;
  explicit content_decoder(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

/// Decodes a whole body at once; see content_decoder.
result<std::string> decode_content(std::string_view content_encoding, std::string_view body,
                                   decoder_options options = {});

}  // namespace corofetch::http
