// The crawler's retry policy: which failures are tried again, exponential backoff and its cap,
// Retry-After in both forms on 429 and 503 (RFC 9110 10.2.3), and the attempts bound.
#include <corofetch/client/error.hpp>
#include <corofetch/crawl/retry.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/http/error.hpp>

#include <catch2/catch.hpp>

#include <asio/error.hpp>

#include <chrono>

namespace crawl = corofetch::crawl;
using crawl::retry_action;
using namespace std::chrono_literals;

namespace {

// 1994-11-06 08:49:37 UTC, RFC 9110's example date.
const std::chrono::system_clock::time_point example_date =
    std::chrono::sys_days(std::chrono::year(1994) / 11 / 6) + 8h + 49min + 37s;

crawl::retry_decision decide(std::error_code ec, int status, std::uint16_t attempt,
                             std::optional<std::string_view> retry_after = std::nullopt,
                             crawl::retry_options o = {}) {
  return crawl::decide_retry(ec, status, retry_after, attempt, o, example_date);
}

}  // namespace

TEST_CASE("decide_retry: 5xx back off exponentially, max_retries times", "[unit]") {
  CHECK(decide({}, 500, 0).action == retry_action::backoff);
  CHECK(decide({}, 500, 0).delay == 1s);
  CHECK(decide({}, 502, 1).delay == 2s);
  CHECK(decide({}, 500, 2).action == retry_action::none);
  crawl::retry_options o;
  o.max_retries = 10;
  o.backoff = 100ms;
  o.max_backoff = 1s;
  CHECK(decide({}, 504, 3, std::nullopt, o).delay == 800ms);
  CHECK(decide({}, 504, 4, std::nullopt, o).delay == 1s);
  CHECK(decide({}, 504, 9, std::nullopt, o).delay == 1s);
}

TEST_CASE("decide_retry: other statuses end the URL", "[unit]") {
  for (const int status : {200, 204, 301, 304, 400, 403, 404, 410}) {
    CHECK(decide({}, status, 0).action == retry_action::none);
  }
}

TEST_CASE("decide_retry: 429 and 503 hold the host for Retry-After", "[unit]") {
  const auto seconds = decide({}, 503, 0, "7");
  CHECK(seconds.action == retry_action::host_busy);
  CHECK(seconds.delay == 7s);
  const auto date = decide({}, 429, 1, "Sun, 06 Nov 1994 08:50:37 GMT");
  CHECK(date.action == retry_action::host_busy);
  CHECK(date.delay == 60s);
  const auto without = decide({}, 429, 0);
  CHECK(without.action == retry_action::host_busy);
  CHECK(without.delay == 1s);
  const auto garbage = decide({}, 503, 0, "soon");
  CHECK(garbage.action == retry_action::host_busy);
  CHECK(garbage.delay == 1s);
  crawl::retry_options o;
  o.max_retry_after = 10min;
  CHECK(decide({}, 503, 0, "3600", o).action == retry_action::none);  // too long to wait
  CHECK(decide({}, 503, 2, "1").action == retry_action::none);        // out of retries
}

TEST_CASE("decide_retry: transient transport errors back off, permanent ones end", "[unit]") {
  namespace client = corofetch::client;
  namespace dns = corofetch::dns;
  namespace http = corofetch::http;
  const auto transient = {std::make_error_code(std::errc::connection_refused),
                          std::make_error_code(std::errc::connection_reset),
                          std::error_code(client::errc::connect_timeout),
                          std::error_code(client::errc::response_head_timeout),
                          std::error_code(dns::errc::servfail),
                          std::error_code(dns::errc::timeout),
                          std::error_code(http::errc::truncated),
                          std::error_code(asio::error::eof)};
  for (const std::error_code ec : transient) {
    INFO(ec.message());
    CHECK(decide(ec, 0, 0).action == retry_action::backoff);
  }
  const auto permanent = {std::error_code(asio::error::operation_aborted),
                          std::error_code(client::errc::body_too_large),
                          std::error_code(client::errc::too_many_redirects),
                          std::error_code(dns::errc::nxdomain),
                          std::error_code(http::errc::invalid_status_line)};
  for (const std::error_code ec : permanent) {
    INFO(ec.message());
    CHECK(decide(ec, 0, 0).action == retry_action::none);
  }
}

TEST_CASE("parse_retry_after: delay-seconds and IMF-fixdate", "[unit]") {
  CHECK(crawl::parse_retry_after("120", example_date) == 120s);
  CHECK(crawl::parse_retry_after(" 0 ", example_date) == 0s);
  CHECK(crawl::parse_retry_after("Sun, 06 Nov 1994 08:49:38 GMT", example_date) == 1s);
  CHECK(crawl::parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", example_date) == 0s);
  CHECK(crawl::parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", example_date) == 86400s);
  CHECK_FALSE(crawl::parse_retry_after("-1", example_date));
  CHECK_FALSE(crawl::parse_retry_after("1.5", example_date));
  CHECK_FALSE(crawl::parse_retry_after("", example_date));
  CHECK_FALSE(crawl::parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", example_date));
  CHECK_FALSE(crawl::parse_retry_after("Sun, 31 Feb 1994 08:49:37 GMT", example_date));
}
