#include <corofetch/nntp/client.hpp>

#include "integration/dns/harness.hpp"
#include "support/net/scripted_server.hpp"
#include "support/nntp/nntp_server.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace corofetch;
using corofetch::dns::testing::run;
using corofetch::test::nntp_server;
using std::chrono::milliseconds;

namespace {

nntp::news_result fetch(const std::string& text, nntp::news_options options,
                        std::vector<std::string>* dialogue = nullptr) {
  auto u = url::parse(text);
  REQUIRE(u);
  asio::io_context io;
  dns::resolver_options ro;
  ro.servers = {"127.0.0.1:9"};  // never asked: the servers are literal addresses
  ro.hosts_file.clear();
  dns::resolver resolver(io.get_executor(), ro);
  if (dialogue != nullptr) {
    options.log = [dialogue](std::string_view line) { dialogue->emplace_back(line); };
  }
  nntp::news_result out;
  run(io,
      [&]() -> asio::awaitable<void> { out = co_await nntp::async_fetch(*u, resolver, options); });
  return out;
}

nntp::news_options at(const nntp_server& server, std::size_t latest = 20) {
  nntp::news_options o;
  o.server = server.address();
  o.latest = latest;
  return o;
}

}  // namespace

TEST_CASE("news:group lists the group's latest articles (GROUP, OVER)", "[integration]") {
  nntp_server server;
  auto r = fetch("news:comp.protocols.tcp-ip", at(server, 5));
  INFO(r.error.message() << " / " << r.server_reply);
  REQUIRE_FALSE(r.error);
  REQUIRE(r.group);
  CHECK(r.group->name == "comp.protocols.tcp-ip");
  CHECK(r.group->count == 30);
  CHECK(r.group->low == 101);
  CHECK(r.group->high == 130);
  REQUIRE(r.group->articles.size() == 5);
  CHECK(r.group->articles.front().number == 126);
  CHECK(r.group->articles.back().number == 130);
  CHECK(r.group->articles.back().subject == "Article 130");
  CHECK(r.group->articles.back().message_id == "<130@test.invalid>");
  CHECK(r.group->articles.back().from == "poster130@test.invalid");
  CHECK(nntp::to_text(*r.group).rfind("126\t06 Jan 2026 00:00:00 +0000\tposter126@test.invalid"
                                      "\tArticle 126\n",
                                      0) == 0);
  CHECK(server.commands() == std::vector<std::string>{"MODE READER", "GROUP comp.protocols.tcp-ip",
                                                      "OVER 126-130", "QUIT"});
}

TEST_CASE("news: XOVER when the server does not know OVER; fewer articles than asked",
          "[integration]") {
  nntp_server::options so;
  so.over = false;
  so.articles = 3;
  so.low = 1;
  nntp_server server(so);
  auto r = fetch("news:comp.protocols.tcp-ip", at(server, 20));
  REQUIRE_FALSE(r.error);
  REQUIRE(r.group);
  REQUIRE(r.group->articles.size() == 3);
  CHECK(r.group->articles[0].number == 1);
  CHECK(server.commands() == std::vector<std::string>{"MODE READER", "GROUP comp.protocols.tcp-ip",
                                                      "OVER 1-3", "XOVER 1-3", "QUIT"});
}

TEST_CASE("news:<message-id> fetches one article, un-stuffed (ARTICLE)", "[integration]") {
  nntp_server server;
  std::vector<std::string> dialogue;
  auto r = fetch("news:107@test.invalid", at(server), &dialogue);
  REQUIRE_FALSE(r.error);
  REQUIRE(r.article);
  CHECK(r.article->message_id == "<107@test.invalid>");
  CHECK(r.article->content ==
        "From: poster107@test.invalid\r\nNewsgroups: comp.protocols.tcp-ip\r\n"
        "Subject: Article 107\r\nDate: 07 Jan 2026 00:00:00 +0000\r\n"
        "Message-ID: <107@test.invalid>\r\n\r\n"
        "Body of article 107.\r\n.hidden line\r\n..two dots\r\nend\r\n");
  CHECK(std::find(dialogue.begin(), dialogue.end(), "> ARTICLE <107@test.invalid>") !=
        dialogue.end());
}

TEST_CASE("news: missing group, missing article, no server", "[integration]") {
  nntp_server server;
  auto group = fetch("news:alt.nowhere", at(server));
  CHECK(group.error == nntp::errc::no_such_group);
  CHECK(group.server_reply == "411 no such group");
  auto article = fetch("news:%3C999@test.invalid%3E", at(server));
  CHECK(article.error == nntp::errc::no_such_article);
  CHECK(fetch("news:comp.x", {}).error == nntp::errc::no_server);
  nntp::news_options bad;
  bad.server = "127.0.0.1:99999";
  CHECK(fetch("news:comp.x", bad).error == nntp::errc::invalid_server);
  bad.server = "[::1";
  CHECK(fetch("news:comp.x", bad).error == nntp::errc::invalid_server);
  bad.server = "user@127.0.0.1:119";
  CHECK(fetch("news:comp.x", bad).error == nntp::errc::invalid_server);
  // news://host:port/group names its own server.
  auto own = fetch("news://" + server.address() + "/comp.protocols.tcp-ip", {});
  CHECK_FALSE(own.error);
}

TEST_CASE("news: a silent server and a garbled greeting", "[integration]") {
  using corofetch::test::script;
  using corofetch::test::scripted_server;
  scripted_server silent({script().stall()});
  nntp::news_options o;
  o.server = "127.0.0.1:" + std::to_string(silent.port());
  o.reply_timeout = milliseconds(300);
  CHECK(fetch("news:comp.x", o).error == nntp::errc::reply_timeout);
  scripted_server garbled({script().send("hello there\r\n")});
  o.server = "127.0.0.1:" + std::to_string(garbled.port());
  CHECK(fetch("news:comp.x", o).error == nntp::errc::malformed_reply);
  scripted_server busy({script().send("400 service temporarily unavailable\r\n")});
  o.server = "127.0.0.1:" + std::to_string(busy.port());
  CHECK(fetch("news:comp.x", o).error == nntp::errc::service_unavailable);
}
