#pragma once
// Following redirects (RFC 9110 15.4, and the Fetch Standard's "HTTP-redirect fetch" for what
// browsers actually do with methods and credentials).

#include <corofetch/client/options.hpp>
#include <corofetch/client/request.hpp>
#include <corofetch/result.hpp>

#include <string_view>

namespace corofetch::client::detail {

/// 301, 302, 303, 307, 308.
[[nodiscard]] bool is_redirect_status(int status) noexcept;

/// Same scheme, host and effective port.
[[nodiscard]] bool same_origin(const url::url& a, const url::url& b) noexcept;

/// The URL without user:password.
result<url::url> without_credentials(const url::url& u);

/// The request that follows `current` after a `status` redirect to `location`: the Location is
/// resolved against the current URL; 303 (except for HEAD), and POST on 301 or 302, become GET
/// without body or content fields; 307 and 308 keep method and body (a streamed body cannot be
/// sent twice: errc::body_not_replayable); across origins Authorization, Cookie,
/// Proxy-Authorization and URL credentials are dropped. Errors: errc::invalid_redirect,
/// errc::insecure_redirect (https to http, unless options allow it).
result<request> redirect_request(const request& current, int status, std::string_view location,
                                 const fetch_options& options);

}  // namespace corofetch::client::detail
