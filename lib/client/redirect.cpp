#include "client/redirect.hpp"

#include <corofetch/client/error.hpp>

#include <string>

namespace corofetch::client::detail {

bool is_redirect_status(int status) noexcept {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool same_origin(const url::url& a, const url::url& b) noexcept {
  return a.scheme() == b.scheme() && a.hostname() == b.hostname() &&
         a.effective_port() == b.effective_port();
}

result<url::url> without_credentials(const url::url& u) {
  if (!u.has_credentials()) return u;
  std::string href;
  href.reserve(u.href().size());
  href.append(u.scheme()).append("://").append(u.host()).append(u.pathname()).append(u.search());
  href.append(u.hash());
  return url::parse(href);
}

namespace {

// Fields that describe a request body, dropped with it (Fetch Standard "request-body-header
// name").
constexpr std::string_view body_fields[] = {"Content-Type", "Content-Encoding", "Content-Language",
                                            "Content-Location"};
// Fields that carry credentials, never sent to another origin (RFC 9110 15.4 "a user agent
// ... SHOULD remove ... credentials"; curl and browsers drop these).
constexpr std::string_view credential_fields[] = {"Authorization", "Cookie", "Proxy-Authorization"};

bool becomes_get(int status, const http::method& m) {
  if (status == 303) return m != http::method::head;
  return (status == 301 || status == 302) && m == http::method::post;
}

}  // namespace

result<request> redirect_request(const request& current, int status, std::string_view location,
                                 const fetch_options& options) {
  if (location.empty()) return errc::invalid_redirect;
  auto next_url = url::parse(location, current.url);
  if (!next_url) return errc::invalid_redirect;
  const std::string_view scheme = next_url->scheme();
  if (scheme != "http" && scheme != "https") return errc::invalid_redirect;
  if (current.url.scheme() == "https" && scheme == "http" && !options.allow_https_to_http) {
    return errc::insecure_redirect;
  }
  request next;
  next.method = current.method;
  next.fields = current.fields;
  next.body = current.body;
  if (becomes_get(status, current.method)) {
    next.method = http::method::get;
    next.body = http::request_body{};
    for (auto name : body_fields) next.fields.erase(name);
  } else if (current.body.type() == http::request_body::kind::stream) {
    return errc::body_not_replayable;
  }
  if (!same_origin(current.url, *next_url)) {
    for (auto name : credential_fields) next.fields.erase(name);
    auto stripped = without_credentials(*next_url);
    if (!stripped) return errc::invalid_redirect;
    next_url = std::move(stripped);
  }
  next.url = std::move(*next_url);
  return next;
}

}  // namespace corofetch::client::detail
