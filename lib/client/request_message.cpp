// The request message the policy builds once for any protocol (RFC 9110 7.2 Host, RFC 7617
// credentials from the URL, RFC 6265 5.4 cookies): the exchange serializes it as its protocol
// writes requests.

#include <corofetch/client/cookie_jar.hpp>
#include <corofetch/http/syntax.hpp>

#include "client/client_impl.hpp"

namespace corofetch::client {

const http::request& client::impl::build_request(const request& req) {
  http::request& r = scratch_;
  r.set_method(req.method);
  const url::url& u = req.url;
  if (proxy_ && u.scheme() == "http") {
    // Absolute-form for a forward proxy (RFC 9112 3.2.2), never with userinfo or fragment.
    std::string target;
    target.reserve(u.href().size());
    target.append(u.scheme()).append("://").append(u.host()).append(u.path_and_query());
    r.set_target(std::move(target));
  } else {
    r.set_target(std::string(u.path_and_query()));
  }
  http::fields& f = r.fields();
  f.clear();
  if (!req.fields.contains("Host")) f.add("Host", u.host());
  if (u.has_credentials() && !req.fields.contains("Authorization")) {
    // RFC 7617 Basic credentials from the URL's userinfo, percent-decoded.
    f.add("Authorization", "Basic " + http::base64_encode(http::percent_decode(u.username()) + ":" +
                                                          http::percent_decode(u.password())));
  }
  if (proxy_ && u.scheme() == "http" && proxy_->has_credentials() &&
      !req.fields.contains("Proxy-Authorization")) {
    f.add("Proxy-Authorization",
          "Basic " + http::base64_encode(http::percent_decode(proxy_->username()) + ":" +
                                         http::percent_decode(proxy_->password())));
  }
  if (options_.cookies && !req.fields.contains("Cookie")) {
    // RFC 6265 5.4: the jar's cookies for this URL, unless the request has its own.
    cookie_scratch_.clear();
    if (options_.cookies->append_cookie_header(u, options_.cookies->now(), cookie_scratch_)) {
      f.add("Cookie", cookie_scratch_);
    }
  }
  for (const http::field line : req.fields) f.add(line.name, line.value);
  r.set_body(req.body);
  return r;
}

}  // namespace corofetch::client
