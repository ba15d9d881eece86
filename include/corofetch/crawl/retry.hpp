#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace corofetch::crawl {

/// When a crawler tries a URL again.
struct retry_options {
  /// Retries after the first attempt (cf-crawl: 2): network errors, 5xx, 429.
  std::uint16_t max_retries = 2;
  /// The first backoff; each further one doubles, up to max_backoff.
  std::chrono::milliseconds backoff{std::chrono::seconds(1)};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(60)};
  /// A Retry-After longer than this is not waited for: the URL ends with its 429 or 503.
  std::chrono::milliseconds max_retry_after{std::chrono::hours(1)};
};

/// What to do after one attempt.
enum class retry_action : std::uint8_t {
  none,       ///< the URL has ended
  backoff,    ///< try the URL again after delay; its host goes on
  host_busy,  ///< the host asked to wait (429, 503): try after delay, and so does the host
};

struct retry_decision {
  retry_action action = retry_action::none;
  std::chrono::milliseconds delay{0};
};

/// Decides whether the attempt `attempt` (0 for the first) is tried again, given the transport
/// error `error` or, without one, the response's `status` and Retry-After field value:
/// 429 and 503 wait for Retry-After when it is given (RFC 9110 10.2.3, RFC 6585 4), as long
/// as max_retry_after, else for the backoff, and hold the host meanwhile; other 5xx and
/// transient transport errors (connection failures, resets, timeouts, DNS failures other than
/// NXDOMAIN and NODATA) back off exponentially: backoff x 2^attempt, at most max_backoff.
/// Permanent failures (redirect errors, bodies over the size limit, TLS verification, a
/// malformed response, cancellation) and every other status end the URL. Pure; never fails.
[[nodiscard]] retry_decision decide_retry(
    std::error_code error, int status, std::optional<std::string_view> retry_after,
    std::uint16_t attempt, const retry_options& options,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

/// Reads a Retry-After value (RFC 9110 10.2.3): delay-seconds, or an HTTP-date in the
/// preferred IMF-fixdate form (RFC 9110 5.6.7, "Sun, 06 Nov 1994 08:49:37 GMT") read against
/// `now` (a date in the past is 0 s). nullopt when it is neither.
[[nodiscard]] std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace corofetch::crawl
