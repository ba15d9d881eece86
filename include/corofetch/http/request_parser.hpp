#pragma once

#include <corofetch/http/fields.hpp>
#include <corofetch/http/response_parser.hpp>
#include <corofetch/http/version.hpp>
#include <corofetch/result.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace corofetch::http {

/// A request as a server receives it.
struct received_request {
  std::string method;
  std::string target;
  http::version version;
  http::fields fields;
  std::string body;
  http::fields trailers;
  bool keep_alive = false;
};

/// An incremental HTTP/1.x request parser over llhttp in request mode, for loopback test
/// servers and for checking what the serializer wrote (RFC 9112 3). Accepts any split of the
/// input; the body is collected. Limits: parser_options (head, field, fields, body). Unlike
/// response_parser it keeps llhttp 8.1.0's leniencies (a bare CR taken as LF, obs-fold): it is
/// meant for peers under test, not for untrusted input. Not thread-safe; movable.
class request_parser {
 public:
  explicit request_parser(parser_options options = {});
  ~request_parser();
  request_parser(request_parser&&) noexcept;
  request_parser& operator=(request_parser&&) noexcept;

  /// Parses `data`; returns the bytes consumed, fewer than given when the request completed
  /// before the end (the rest is the next request). Errors: the errc of the framing problem
  /// (invalid_method, invalid_target, invalid_header, ...), with llhttp's reason in
  /// error_reason(); sticky. Returns 0 once complete() until next().
  result<std::size_t> parse(std::string_view data);
  /// Starts on the next request of the same connection.
  void next();
  [[nodiscard]] bool complete() const noexcept;
  /// The request (complete once complete()).
  [[nodiscard]] const received_request& get() const noexcept;
  [[nodiscard]] std::string_view error_reason() const noexcept;

  struct impl;  // opaque: llhttp's state lives in lib/http

 private:
  std::unique_ptr<impl> impl_;
};

/// Parses exactly one whole request from `bytes`. Errors: those of request_parser::parse,
/// errc::truncated when it is incomplete, errc::malformed_message when bytes follow it.
result<received_request> parse_request(std::string_view bytes, parser_options options = {});

}  // namespace corofetch::http
