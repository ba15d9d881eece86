#include <corofetch/nntp/client.hpp>

#include <catch2/catch.hpp>

using namespace corofetch;

namespace {

url::url parse(std::string_view text) {
  auto u = url::parse(text);
  REQUIRE(u);
  return *u;
}

}  // namespace

TEST_CASE("news: URLs name a group or an article (RFC 5538 2.2)", "[unit]") {
  auto group = nntp::parse_news_url(parse("news:comp.protocols.tcp-ip"));
  REQUIRE(group);
  CHECK_FALSE(group->article);
  CHECK(group->name == "comp.protocols.tcp-ip");
  CHECK(group->server.empty());

  auto bare_id = nntp::parse_news_url(parse("news:1234@news.example"));
  REQUIRE(bare_id);
  CHECK(bare_id->article);
  CHECK(bare_id->name == "<1234@news.example>");

  auto bracketed = nntp::parse_news_url(parse("news:%3C1234@news.example%3E"));
  REQUIRE(bracketed);
  CHECK(bracketed->name == "<1234@news.example>");

  auto with_server = nntp::parse_news_url(parse("news://127.0.0.1:1119/comp.lang.c"));
  REQUIRE(with_server);
  CHECK(with_server->server == "127.0.0.1:1119");
  CHECK(with_server->name == "comp.lang.c");

  CHECK(nntp::parse_news_url(parse("http://h/")).error() == nntp::errc::not_a_news_url);
  CHECK(nntp::parse_news_url(parse("news:")).error() == nntp::errc::invalid_argument);
  CHECK(nntp::parse_news_url(parse("news:a%0D%0AQUIT")).error() == nntp::errc::invalid_argument);
  CHECK(nntp::parse_news_url(parse("news:a%20b")).error() == nntp::errc::invalid_argument);
}

TEST_CASE("OVER lines (RFC 3977 8.3.2)", "[unit]") {
  auto o = nntp::parse_overview_line(
      "3000\tI am just a test article\t\"Demo User\" <nobody@example.com>\t6 Oct 1998 04:38:40 "
      "-0500\t<45223423@example.com>\t<45454@example.net>\t1234\t17\tXref: news.example.com "
      "misc.test:3000");
  REQUIRE(o);
  CHECK(o->number == 3000);
  CHECK(o->subject == "I am just a test article");
  CHECK(o->from == "\"Demo User\" <nobody@example.com>");
  CHECK(o->date == "6 Oct 1998 04:38:40 -0500");
  CHECK(o->message_id == "<45223423@example.com>");
  CHECK(o->references == "<45454@example.net>");
  CHECK(o->bytes == 1234);
  CHECK(o->lines == 17);
  auto empty_counts = nntp::parse_overview_line("7\ts\tf\td\t<m@x>\t\t\t");
  REQUIRE(empty_counts);
  CHECK(empty_counts->bytes == 0);
  CHECK(nntp::parse_overview_line("x\ts\tf\td\t<m@x>\t\t1\t1").error() ==
        nntp::errc::malformed_reply);
  CHECK(nntp::parse_overview_line("7\ts\tf").error() == nntp::errc::malformed_reply);
}
