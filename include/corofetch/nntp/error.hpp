#pragma once

#include <system_error>

namespace corofetch::nntp {

/// Why a news: URL could not be read; the category is "corofetch.nntp". The server's reply is
/// in news_result::server_reply.
enum class errc {
  not_a_news_url = 1,       ///< the URL's scheme is neither "news" nor "nntp"
  invalid_argument,         ///< an empty group or message-id, or one holding CR, LF, NUL or space
  no_server,                ///< the URL names no server and none was given
  invalid_server,           ///< news_options::server is not HOST[:PORT]
  service_unavailable,      ///< the server refused the session (400, 502)
  no_such_group,            ///< 411 (RFC 3977 6.1.1)
  no_such_article,          ///< 430 or 423 (RFC 3977 6.2.1)
  authentication_required,  ///< 480: the server wants AUTHINFO (RFC 4643), not supported
  reply_timeout,            ///< a reply or its data block did not come within its bound
  malformed_reply,          ///< a status line that is not "NNN text", or a bad GROUP reply
  reply_too_long,           ///< a line over the bound
  response_too_large,       ///< a multi-line data block over news_options::max_bytes
  connection_closed,        ///< the server closed the connection in the middle of a reply
  unexpected_reply,         ///< a status code the command does not allow
};

const std::error_category& nntp_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), nntp_category()};
}

}  // namespace corofetch::nntp

template <>
struct std::is_error_code_enum<corofetch::nntp::errc> : std::true_type {};
