#pragma once

#include <corofetch/http/body.hpp>
#include <corofetch/http/fields.hpp>
#include <corofetch/http/method.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <string_view>

namespace corofetch::client {

/// What to fetch: a method, an absolute http(s) URL, extra header fields and a body. The client
/// writes the request line and Host from the URL (and Basic Authorization from its userinfo,
/// RFC 7617, unless the fields set Authorization); the fields here follow in order. Framing
/// fields (Content-Length, Transfer-Encoding) come from the body and must not be set.
struct request {
  http::method method;
  url::url url;
  http::fields fields;
  http::request_body body;

  /// A request for `method` and `target` (a URL string), without fields or body. Errors: the
  /// URL's (corofetch.url), errc::unsupported_scheme for anything but http and https.
  static result<request> make(const http::method& method, std::string_view target);
  /// Same, for a parsed URL.
  static result<request> make(const http::method& method, url::url target);
};

/// Whether a method is idempotent (RFC 9110 9.2.2): GET, HEAD, OPTIONS, TRACE, PUT, DELETE.
/// Only those are retried after a reused connection failed before any response byte.
[[nodiscard]] bool is_idempotent(const http::method& m) noexcept;

}  // namespace corofetch::client
