#pragma once

#include <corofetch/http/request.hpp>
#include <corofetch/result.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace corofetch::http {

/// "corofetch/<version>", the default User-Agent.
[[nodiscard]] std::string default_user_agent();

/// The fields the serializer adds when the request does not carry them already.
struct serialize_options {
  /// User-Agent value; "" sends none.
  std::string user_agent = default_user_agent();
  /// Send "Accept: */*".
  bool accept_any = true;
  /// Send "Accept-Encoding: gzip, deflate" (set when the client decodes content codings).
  bool accept_encoding = true;
};

/// Calls `add(name, value)` for each default field `options` asks for that `present` does not
/// set itself: User-Agent, "Accept: */*", "Accept-Encoding: gzip, deflate", in that order. The
/// serializer writes them so; HTTP/2, which has no serializer of this kind, adds them to its
/// field list.
template <class Add>
void for_each_default_field(const fields& present, const serialize_options& options, Add&& add) {
  if (!options.user_agent.empty() && !present.contains("User-Agent")) {
    add(std::string_view("User-Agent"), std::string_view(options.user_agent));
  }
  if (options.accept_any && !present.contains("Accept")) {
    add(std::string_view("Accept"), std::string_view("*/*"));
  }
  if (options.accept_encoding && !present.contains("Accept-Encoding")) {
    add(std::string_view("Accept-Encoding"), std::string_view("gzip, deflate"));
  }
}

/// Checks everything the serializer would write, without writing: the method is a token, the
/// target has no space or control, the version is 1.0 or 1.1, every field name is a token and
/// every value free of CR, LF, NUL and controls, no hand-set Content-Length or
/// Transfer-Encoding, Host present for HTTP/1.1, chunked only over 1.1. Returns the first
/// problem (errc::invalid_method, invalid_target, invalid_version, invalid_field_name,
/// invalid_field_value, framing_field_set, missing_host, chunked_needs_http11), or success.
[[nodiscard]] std::error_code validate(const request& req, const serialize_options& options = {});

/// Appends the request head to `out`: "<method> <target> HTTP/1.x" CRLF, Host, the default
/// User-Agent, Accept and Accept-Encoding unless set, the request's other fields in order, the
/// framing field (Content-Length for a body of known length and for POST/PUT/PATCH without one,
/// Transfer-Encoding: chunked for a stream of unknown length, none for GET or HEAD without a
/// body), then the blank line (RFC 9112 2.1, 3, 6). Validates first: on error `out` is left
/// unchanged (request splitting is rejected before one byte is written).
[[nodiscard]] std::error_code serialize_head(const request& req, std::string& out,
                                             const serialize_options& options = {});

/// Appends the whole message to `out`: the head, then the body (a streamed source is read to
/// its end and, when its length is unknown, framed as chunks). Errors: those of validate(),
/// errc::body_length_mismatch when a source gives another length than its size(), and the
/// source's own errors; on error `out` is left unchanged.
[[nodiscard]] std::error_code serialize_to(const request& req, std::string& out,
                                           const serialize_options& options = {});

/// The whole message as a new string; see serialize_to.
result<std::string> serialize(const request& req, const serialize_options& options = {});

/// Appends one chunk, "<hex size>" CRLF data CRLF (RFC 9112 7.1); nothing for empty data,
/// since an empty chunk would end the body.
void append_chunk(std::string& out, std::string_view data);

/// Appends the last chunk and the end of an empty trailer section: "0" CRLF CRLF.
void append_last_chunk(std::string& out);

}  // namespace corofetch::http
