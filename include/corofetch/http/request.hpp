#pragma once

#include <corofetch/http/body.hpp>
#include <corofetch/http/error.hpp>
#include <corofetch/http/fields.hpp>
#include <corofetch/http/method.hpp>
#include <corofetch/http/version.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <string>
#include <string_view>

namespace corofetch::http {

/// An HTTP/1.x request message (RFC 9112 3; the seed's 1-5): method, target, version, fields,
/// body. Plain data: nothing is validated until it is serialized.
class request {
 public:
  request() = default;
  request(http::method m, std::string target) : method_(std::move(m)), target_(std::move(target)) {}

  [[nodiscard]] const http::method& method() const noexcept { return method_; }
  void set_method(http::method m) { method_ = std::move(m); }
  /// The request target as written on the request line ("/index.html?q", "host:443", ...).
  [[nodiscard]] std::string_view target() const noexcept { return target_; }
  void set_target(std::string target) { target_ = std::move(target); }
  [[nodiscard]] http::version version() const noexcept { return version_; }
  void set_version(http::version v) noexcept { version_ = v; }
  [[nodiscard]] http::fields& fields() noexcept { return fields_; }
  [[nodiscard]] const http::fields& fields() const noexcept { return fields_; }
  [[nodiscard]] const request_body& body() const noexcept { return body_; }
  void set_body(request_body body) { body_ = std::move(body); }

 private:
  http::method method_;
  std::string target_ = "/";
  http::version version_ = http_1_1;
  http::fields fields_;
  request_body body_;
};

/// How make_request builds the request line.
struct request_options {
  /// Absolute-form target ("http://host/path?q") for a forward proxy (RFC 9112 3.2.2).
  bool via_proxy = false;
  /// HTTP/1.1 or HTTP/1.0.
  http::version version = http_1_1;
  /// Turn the URL's user:password into "Authorization: Basic ..." (RFC 7617).
  bool send_credentials = true;
};

/// Builds the request for `target` (RFC 9112 3.2): origin-form "/path?query" (the fragment is
/// never sent), authority-form "host:port" for CONNECT, absolute-form (without userinfo or
/// fragment) when options.via_proxy. Adds Host, with the port only when it is not the scheme's
/// default, and Basic Authorization from the URL's percent-decoded userinfo, which never
/// appears in the target. Errors: errc::unsupported_scheme (not http or https),
/// errc::url_without_host, errc::invalid_version. Never throws.
result<request> make_request(const method& m, const url::url& target,
                             const request_options& options = {});

/// Base64 (RFC 4648 4, with padding) of `bytes`, as Basic credentials use it.
[[nodiscard]] std::string base64_encode(std::string_view bytes);

/// Decodes %XX escapes (a '%' not followed by two hex digits is kept as is), as userinfo needs
/// before it becomes Basic credentials.
[[nodiscard]] std::string percent_decode(std::string_view s);

}  // namespace corofetch::http
