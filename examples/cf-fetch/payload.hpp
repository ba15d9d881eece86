#pragma once
// What cf-fetch sends, as curl builds it: -d and its variants joined with '&', -G moving them
// into the query, -F's multipart/form-data body (RFC 7578), -T's file.

#include <corofetch/http/body.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cf_fetch {

/// A failure to build what is sent: the message, and curl's exit code (26 for a file that
/// cannot be read, 2 for a bad argument).
struct payload_error {
  std::string message;
  int exit_code = 0;
};

/// One -d/--data, --data-ascii, --data-raw, --data-binary or --data-urlencode argument.
struct data_arg {
  enum class kind : std::uint8_t { ascii, raw, binary, urlencode };
  kind how = kind::ascii;
  std::string value;
};

/// The bytes of the data arguments in order, joined with '&' (curl): "@file" reads a file ("-"
/// stdin), with CR and LF removed for -d; --data-urlencode takes "content", "=content",
/// "name=content", "@file" and "name@file" and percent-encodes the content. A file that cannot
/// be read is a warning (written to `warnings`) and sends nothing, as curl does.
[[nodiscard]] std::string join_data(const std::vector<data_arg>& args,
                                    std::vector<std::string>& warnings);

/// Percent-encodes every byte but ALPHA, DIGIT, '-', '.', '_', '~' (curl_easy_escape).
[[nodiscard]] std::string url_encode(std::string_view bytes);

/// `url` with `data` appended to its query (-G): after '&' when it has one, else after '?';
/// before any fragment.
[[nodiscard]] std::string append_query(const std::string& url, const std::string& data);

/// A multipart/form-data body (RFC 7578) and the boundary its Content-Type names.
struct multipart {
  std::string boundary;
  std::string body;
  [[nodiscard]] std::string content_type() const {
    return "multipart/form-data; boundary=" + boundary;
  }
};

/// One -F/--form or --form-string argument.
struct form_arg {
  std::string spec;
  bool literal = false;  ///< --form-string
};
/// Builds the body of -F/--form ("name=value", "name=@file", "name=<file", each with optional
/// ";type=TYPE" and ";filename=NAME") and --form-string ("name=value", taken literally), in
/// command-line order. A file part's filename is the file's base name and its type is guessed
/// from the extension as curl does (else application/octet-stream). Errors: exit 26 for a file
/// that cannot be read, exit 2 for an argument without '='.
[[nodiscard]] std::variant<multipart, payload_error> build_multipart(
    const std::vector<form_arg>& args);

/// The body of -T FILE ("-": standard input, sent chunked as its size is not known). Errors:
/// exit 26 when the file cannot be opened.
[[nodiscard]] std::variant<corofetch::http::request_body, payload_error> upload_body(
    const std::string& file);

/// The URL -T uploads to: curl appends the file's base name when the URL's path ends in '/'
/// (or is empty).
[[nodiscard]] std::string upload_url(const std::string& url, const std::string& file);

/// Reads a whole file ("-": standard input). nullopt when it cannot be read.
[[nodiscard]] std::optional<std::string> read_file(const std::string& path);

}  // namespace cf_fetch
