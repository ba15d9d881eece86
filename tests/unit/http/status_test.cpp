#include <corofetch/http/error.hpp>
#include <corofetch/http/status.hpp>

#include <catch2/catch.hpp>

namespace http = corofetch::http;

TEST_CASE("status classes 1xx to 5xx (the seed's table)", "[unit]") {
  CHECK(http::status_class(100) == http::status_kind::informational);
  CHECK(http::status_class(199) == http::status_kind::informational);
  CHECK(http::status_class(200) == http::status_kind::success);
  CHECK(http::status_class(302) == http::status_kind::redirection);
  CHECK(http::status_class(404) == http::status_kind::client_error);
  CHECK(http::status_class(503) == http::status_kind::server_error);
  CHECK(http::status_class(99) == http::status_kind::invalid);
  CHECK(http::status_class(600) == http::status_kind::invalid);
  CHECK(http::to_string(http::status_kind::client_error) == "client error");
  CHECK(http::to_string(http::status_class(201)) == "success");
}

TEST_CASE("reason phrases", "[unit]") {
  CHECK(http::reason_phrase(100) == "Continue");
  CHECK(http::reason_phrase(103) == "Early Hints");
  CHECK(http::reason_phrase(200) == "OK");
  CHECK(http::reason_phrase(301) == "Moved Permanently");
  CHECK(http::reason_phrase(304) == "Not Modified");
  CHECK(http::reason_phrase(404) == "Not Found");
  CHECK(http::reason_phrase(429) == "Too Many Requests");
  CHECK(http::reason_phrase(500) == "Internal Server Error");
  CHECK(http::reason_phrase(599).empty());
  CHECK(http::status_is_bodiless(101));
  CHECK(http::status_is_bodiless(204));
  CHECK(http::status_is_bodiless(304));
  CHECK_FALSE(http::status_is_bodiless(200));
}

TEST_CASE("the corofetch.http category", "[unit]") {
  const std::error_code ec = http::errc::truncated;
  CHECK(std::string(ec.category().name()) == "corofetch.http");
  CHECK(ec.message() == "connection closed before the message was complete");
  CHECK(std::error_code(http::errc::bare_cr).message().find("bare CR") == 0);
}
