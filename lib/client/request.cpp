#include <corofetch/client/error.hpp>
#include <corofetch/client/request.hpp>
#include <corofetch/client/response.hpp>

namespace corofetch::client {

result<request> request::make(const http::method& method, url::url target) {
  if (target.scheme() != "http" && target.scheme() != "https") return errc::unsupported_scheme;
  request r;
  r.method = method;
  r.url = std::move(target);
  return r;
}

result<request> request::make(const http::method& method, std::string_view target) {
  auto u = url::parse(target);
  if (!u) return u.error();
  return make(method, std::move(*u));
}

bool is_idempotent(const http::method& m) noexcept {
  return m == http::method::get || m == http::method::head || m == http::method::options ||
         m == http::method::trace || m == http::method::put || m == http::method::delete_;
}

void response::clear() noexcept {
  status = 0;
  reason.clear();
  version = http::http_1_1;
  fields.clear();
  trailers.clear();
  body.clear();
  body_bytes = 0;
  wire_body_bytes = 0;
  decoded = false;
  url.clear();
  timing = {};
  reused = false;
  remote = {};
  connection_id = 0;
  redirects.clear();
  error_detail.clear();
}

}  // namespace corofetch::client
