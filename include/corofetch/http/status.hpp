#pragma once

#include <cstdint>
#include <string_view>

namespace corofetch::http {

/// The class of a status code, its first digit (RFC 9110 15; the seed's 1-6 table).
enum class status_kind : std::uint8_t {
  invalid = 0,        ///< outside 100..599
  informational = 1,  ///< 1xx: interim, the final response follows
  success = 2,        ///< 2xx: the request succeeded
  redirection = 3,    ///< 3xx: further action, usually another URL
  client_error = 4,   ///< 4xx: the request was at fault
  server_error = 5,   ///< 5xx: the server failed
};

/// The class of `code`: informational for 100..199 and so on; invalid outside 100..599.
[[nodiscard]] status_kind status_class(int code) noexcept;

/// The class's description, e.g. "success" or "client error".
[[nodiscard]] std::string_view to_string(status_kind kind) noexcept;

/// The standard reason phrase of `code` (RFC 9110 15, plus 102, 103, 429...), e.g. "Not Found";
/// "" for a code without one. Servers may send any phrase: this is for display and for writing.
[[nodiscard]] std::string_view reason_phrase(int code) noexcept;

/// True for responses that never have content whatever their fields say: 1xx, 204, 304
/// (RFC 9110 6.4.1, RFC 9112 6.3).
[[nodiscard]] constexpr bool status_is_bodiless(int code) noexcept {
  return (code >= 100 && code < 200) || code == 204 || code == 304;
}

}  // namespace corofetch::http
