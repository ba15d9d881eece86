#pragma once

#include <corofetch/http/error.hpp>
#include <corofetch/http/fields.hpp>
#include <corofetch/http/method.hpp>
#include <corofetch/http/version.hpp>
#include <corofetch/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::http {

/// Limits and modes of a parser. The defaults follow curl's: a head of 300 KiB, 100 KiB per
/// field line, 5,000 fields; trailers are bounded too; the body is unbounded unless set.
struct parser_options {
  std::size_t max_head_bytes = std::size_t{300} * 1024;
  std::size_t max_field_bytes = std::size_t{100} * 1024;
  std::size_t max_fields = 5000;
  std::size_t max_trailer_bytes = std::size_t{64} * 1024;
  std::optional<std::uint64_t> max_body_bytes;
  /// How many interim (1xx) responses may precede the final one.
  std::size_t max_interim = 16;
  /// Also append the body to body() (the whole-response mode); the pieces are always given.
  bool collect_body = false;
};

/// A response's status line and fields (RFC 9112 4, 5).
struct response_head {
  int status = 0;
  std::string reason;
  http::version version;
  http::fields fields;
};

/// An incremental HTTP/1.x response parser over llhttp 8.1.0 (RFC 9112). Feed it the bytes of
/// a connection in any split, one byte at a time included; it yields the status line, fields,
/// body pieces (views into the bytes given, no copy), trailers, the keep-alive decision and
/// completion. Told the request's method, it knows that a response to HEAD has no body, and
/// so has every 1xx, 204 and 304 whatever its fields say (RFC 9112 6.3); interim 1xx responses
/// are kept in interim() and followed by the final one. It also closes llhttp 8.1.0's gaps: a
/// bare CR in the head or chunk framing, obsolete line folding, and field names with spaces
/// are errors. Not thread-safe; movable.
class response_parser {
 public:
  /// A parser for a new connection whose first request is a GET.
  explicit response_parser(parser_options options = {});
  ~response_parser();
  response_parser(response_parser&&) noexcept;
  response_parser& operator=(response_parser&&) noexcept;

  /// Prepares for the next response on the same connection, to a request with
  /// `request_method`; `upgrade_requested` allows a 101 (the request asked for an Upgrade).
  /// For CONNECT, a 2xx response ends at its head: the tunnel starts right after.
  void expect(const method& request_method, bool upgrade_requested = false);

  /// Forgets everything (errors included): a new connection, a first response to come.
  void reset(const method& request_method, bool upgrade_requested = false);

  /// Parses `data`, continuing the current response. Returns how many bytes were consumed:
  /// all of them, or fewer when the response completed before the end (the rest belongs to the
  /// next response, or to the upgraded protocol). Errors: the errc of the framing problem
  /// (see errc; error_reason() keeps llhttp's text), sticky until reset(). body_pieces() then
  /// holds the body bytes of this call. Returns 0 once complete() until expect().
  result<std::size_t> parse(std::string_view data);

  /// Tells the parser the connection ended (RFC 9112 6.3: a body without length ends at EOF).
  /// Errors: errc::truncated when the response is not complete (a short body is never a
  /// success), errc::empty_response when nothing of it arrived.
  std::error_code finish();

  [[nodiscard]] bool head_complete() const noexcept;
  /// The final response (head, body, trailers) is complete.
  [[nodiscard]] bool complete() const noexcept;
  /// The final response's head (valid once head_complete()).
  [[nodiscard]] const response_head& head() const noexcept;
  /// Interim 1xx responses received before the final one, in order.
  [[nodiscard]] std::span<const response_head> interim() const noexcept;
  /// Body bytes produced by the last parse() call, views into its input.
  [[nodiscard]] std::span<const std::string_view> body_pieces() const noexcept;
  /// The body so far, when parser_options::collect_body is set (empty otherwise).
  [[nodiscard]] std::string& body() noexcept;
  /// Body bytes received so far (after chunked framing is removed).
  [[nodiscard]] std::uint64_t body_size() const noexcept;
  /// Trailer fields of a chunked body (RFC 9112 7.1.2).
  [[nodiscard]] const fields& trailers() const noexcept;
  /// Once complete(): whether the connection may carry another request (RFC 9112 9.3).
  [[nodiscard]] bool keep_alive() const noexcept;
  /// Once complete(): a 101 to an upgrade request or a 2xx to CONNECT; the connection now
  /// carries another protocol, starting at the first byte parse() did not consume.
  [[nodiscard]] bool upgraded() const noexcept;
  /// The error so far (none while parsing goes well).
  [[nodiscard]] std::error_code error() const noexcept;
  /// llhttp's reason for the error ("Invalid header value char", ...) or ours; "" if none.
  [[nodiscard]] std::string_view error_reason() const noexcept;

  struct impl;  // opaque: llhttp's state lives in lib/http

 private:
  std::unique_ptr<impl> impl_;
};

/// A whole response, for the accumulate mode.
struct response {
  response_head head;
  std::vector<response_head> interim;
  std::string body;
  fields trailers;
  bool keep_alive = false;
};

/// Parses one complete response from `bytes`, as if the connection closed after them (so a
/// body without length ends there). Errors: those of response_parser::parse and finish.
result<response> parse_response(std::string_view bytes, const method& request_method = method::get,
                                parser_options options = {});

}  // namespace corofetch::http
