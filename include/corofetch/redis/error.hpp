#pragma once

#include <system_error>

namespace corofetch::redis {

/// Why a Redis operation failed; the category is "corofetch.redis". The server's own words
/// (an error reply, the reason a connection failed) are in client::error_detail().
enum class errc {
  invalid_url = 1,   ///< not redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]
  connect_failed,    ///< the TCP connection could not be made (refused, unreachable)
  timeout,           ///< no connection or no reply within its bound
  disconnected,      ///< the connection dropped before the reply came
  unavailable,       ///< the server stayed unreachable for longer than reconnect_for
  auth_failed,       ///< AUTH or SELECT was refused
  server_error,      ///< the server answered with an error reply
  unexpected_reply,  ///< a reply of a type or shape the caller cannot use
  closed,            ///< the client was closed
  job_missing,       ///< a crawl job's keys are gone (reset, or Redis restarted without them)
  loading,           ///< Redis answered LOADING: it is reading its data set after a restart
};

/// The category of errc, named "corofetch.redis"; one instance for the program's lifetime.
const std::error_category& redis_category() noexcept;

/// An errc as a std::error_code in redis_category() (found by argument-dependent lookup).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), redis_category()};
}

/// True for the errors after which the same command may succeed once the link is back
/// (connect_failed, timeout, disconnected, loading).
[[nodiscard]] bool is_link_error(std::error_code ec) noexcept;

}  // namespace corofetch::redis

template <>
struct std::is_error_code_enum<corofetch::redis::errc> : std::true_type {};
