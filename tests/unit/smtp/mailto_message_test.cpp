#include <corofetch/smtp/mailto_message.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace corofetch;

namespace {

smtp::mailto_fields fields_of(const std::string& text) {
  auto u = url::parse(text);
  REQUIRE(u);
  auto f = smtp::parse_mailto(*u);
  REQUIRE(f);
  return *f;
}

std::error_code error_of(const std::string& text) {
  auto u = url::parse(text);
  REQUIRE(u);
  return smtp::parse_mailto(*u).error();
}

// 2026-12-07 15:04:05 UTC, a Monday.
const auto when = std::chrono::system_clock::from_time_t(1796655845);

}  // namespace

TEST_CASE("mailto: fields: addresses, subject, body, cc, bcc (RFC 6068 2)", "[unit]") {
  const auto f = fields_of(
      "mailto:tone@cyber.co.kr,a%2Bb@cyber.co.kr?cc=c@x.test&bcc=d@x.test"
      "&subject=Hello%20there+now&body=line%201%0D%0Aline%202&to=e@x.test&keywords=k1");
  CHECK(f.to == std::vector<std::string>{"tone@cyber.co.kr", "a+b@cyber.co.kr", "e@x.test"});
  CHECK(f.cc == std::vector<std::string>{"c@x.test"});
  CHECK(f.bcc == std::vector<std::string>{"d@x.test"});
  CHECK(f.subject == "Hello there+now");  // '+' is not a space in mailto: (RFC 6068 5)
  REQUIRE(f.body);
  CHECK(*f.body == "line 1\r\nline 2");
  REQUIRE(f.headers.size() == 1);
  CHECK(f.headers[0] == std::pair<std::string, std::string>{"keywords", "k1"});
  CHECK(smtp::envelope_recipients(f) == std::vector<std::string>{"tone@cyber.co.kr",
                                                                 "a+b@cyber.co.kr", "e@x.test",
                                                                 "c@x.test", "d@x.test"});
}

TEST_CASE("mailto: unsafe fields are dropped, injected lines and bad addresses refused", "[unit]") {
  const auto f = fields_of("mailto:a@x.test?From=boss@x.test&Received=x&subject=s");
  CHECK(f.ignored == std::vector<std::string>{"from", "received"});
  CHECK(f.subject == "s");
  CHECK_FALSE(f.body);
  CHECK(error_of("mailto:a@x.test?subject=a%0D%0ABcc:%20evil@y.test") ==
        smtp::errc::invalid_header);
  CHECK(error_of("mailto:a@x.test?cc=not-an-address") == smtp::errc::invalid_address);
  CHECK(error_of("mailto:a%3Cb@x.test") == smtp::errc::invalid_address);
  auto http = url::parse("http://x.test/");
  REQUIRE(http);
  CHECK(smtp::parse_mailto(*http).error() == smtp::errc::not_a_mailto_url);
}

TEST_CASE("mailto: a composed message has Date, From, To, Cc, Subject, Message-ID, body",
          "[unit]") {
  const auto f =
      fields_of("mailto:tone@cyber.co.kr?cc=c@x.test&bcc=hidden@x.test&subject=Hi&body=one%0Atwo");
  smtp::compose_options o;
  o.from = "me@client.test";
  o.date = when;
  o.unique = 0xabc;
  auto m = smtp::compose_message(f, o);
  REQUIRE(m);
  CHECK(*m ==
        "Date: Mon, 07 Dec 2026 15:04:05 +0000\r\n"
        "From: me@client.test\r\n"
        "To: tone@cyber.co.kr\r\n"
        "Cc: c@x.test\r\n"
        "Subject: Hi\r\n"
        "Message-ID: <1796655845000000.0000000000000abc@client.test>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: 7bit\r\n"
        "\r\n"
        "one\r\ntwo\r\n");
}

TEST_CASE("mailto: a non-ASCII subject is an RFC 2047 encoded-word; errors", "[unit]") {
  smtp::compose_options o;
  o.from = "me@client.test";
  o.date = when;
  // "안녕" in UTF-8, percent-encoded as RFC 6068 5 says.
  auto m = smtp::compose_message(
      fields_of("mailto:a@x.test?subject=%EC%95%88%EB%85%95&body=%EC%95%88"), o);
  REQUIRE(m);
  CHECK(m->find("Subject: =?UTF-8?B?7JWI64WV?=\r\n") != std::string::npos);
  CHECK(m->find("Content-Transfer-Encoding: 8bit\r\n") != std::string::npos);
  CHECK(smtp::compose_message(fields_of("mailto:a@x.test?subject=x"), o).error() ==
        smtp::errc::no_body);
  CHECK(smtp::compose_message(fields_of("mailto:?body=x"), o).error() == smtp::errc::no_recipient);
  o.from = "nobody";
  CHECK(smtp::compose_message(fields_of("mailto:a@x.test?body=x"), o).error() ==
        smtp::errc::invalid_address);
}

TEST_CASE("RFC 5322 dates", "[unit]") {
  CHECK(smtp::rfc5322_date(std::chrono::system_clock::from_time_t(0)) ==
        "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(smtp::rfc5322_date(when) == "Mon, 07 Dec 2026 15:04:05 +0000");
}
