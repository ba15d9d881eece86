#include <corofetch/client/error.hpp>
#include <corofetch/detail/error_category.hpp>

namespace corofetch::client {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::queue_timeout:
      return "timed out waiting for a free connection (queue)";
    case errc::resolve_timeout:
      return "timed out resolving the host name (resolve)";
    case errc::connect_timeout:
      return "timed out connecting (connect)";
    case errc::tls_handshake_timeout:
      return "timed out in the TLS handshake (tls)";
    case errc::response_head_timeout:
      return "timed out waiting for the response head (response head)";
    case errc::body_idle_timeout:
      return "timed out waiting for more of the response body (body idle)";
    case errc::total_timeout:
      return "the whole fetch took longer than its total time limit (total)";
    case errc::too_many_redirects:
      return "too many redirects";
    case errc::redirect_loop:
      return "redirect loop";
    case errc::insecure_redirect:
      return "refused a redirect from https to http";
    case errc::invalid_redirect:
      return "redirect without a valid http(s) Location";
    case errc::body_not_replayable:
      return "a redirect needs the request body again but it was streamed";
    case errc::body_too_large:
      return "response body over the size limit";
    case errc::unsupported_scheme:
      return "URL scheme is not http or https";
    case errc::proxy_connect_failed:
      return "the proxy refused the CONNECT tunnel";
    case errc::invalid_proxy:
      return "proxy URL must be http://host[:port]";
    case errc::sink_failed:
      return "the body sink failed";
    case errc::client_closed:
      return "the client was closed";
    case errc::address_refused:
      return "refused to connect to a private or local address";
  }
  return "unknown client error";
}

const detail::module_category category("corofetch.client", &describe);

}  // namespace

const std::error_category& client_category() noexcept {
  return category;
}

bool is_timeout(std::error_code ec) noexcept {
  if (ec.category() != category) return false;
  const int v = ec.value();
  return v >= static_cast<int>(errc::queue_timeout) && v <= static_cast<int>(errc::total_timeout);
}

}  // namespace corofetch::client
