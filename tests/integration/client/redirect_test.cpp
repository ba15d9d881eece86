#include <corofetch/client/client.hpp>

#include "harness.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>

using namespace cf_client_test;
using corofetch::http::method;

namespace {

std::string redirect(int status, std::string_view location) {
  return response_bytes(status, "Moved", "moved body",
                        "Location: " + std::string(location) + "\r\n");
}

client::fetch_options following() {
  client::fetch_options fo;
  fo.follow_redirects = true;
  return fo;
}

}  // namespace

TEST_CASE("redirects: 301 302 303 turn POST into GET, 307 308 keep method and body",
          "[integration]") {
  const int status = GENERATE(301, 302, 303, 307, 308);
  const bool keeps = status == 307 || status == 308;
  script s;
  s.expect_until().expect_bytes(4).send(redirect(status, "/next"));
  s.expect_until();
  if (keeps) s.expect_bytes(4);
  s.send(ok("arrived"));
  scripted_server server({s});
  auto req = make(method::post, url_of(server, "/start"));
  req.body = corofetch::http::request_body(std::string("data"));
  req.fields.add("Content-Type", "text/plain");
  auto f = fetch_once(req, following());
  REQUIRE_FALSE(f.error);
  CHECK(f.response.status == 200);
  CHECK(f.response.body == "arrived");
  CHECK(f.response.url == url_of(server, "/next"));
  REQUIRE(f.response.redirects.size() == 1);
  CHECK(f.response.redirects[0].status == status);
  CHECK(f.response.redirects[0].method == "POST");
  CHECK(f.response.redirects[0].location == "/next");
  CHECK(f.response.reused);  // the redirect's body was drained, its connection reused
  CHECK(server.accepted() == 1);
  const std::string sent = server.received(0);
  const auto second = sent.find("/next HTTP/1.1");
  REQUIRE(second != std::string::npos);
  const std::string after = sent.substr(second - 5);
  if (keeps) {
    CHECK(after.rfind("POST /next", 0) == 0);
    CHECK(after.find("Content-Type: text/plain") != std::string::npos);
    CHECK(after.substr(after.size() - 4) == "data");
  } else {
    CHECK(sent.find("dataGET /next HTTP/1.1\r\n") != std::string::npos);
    CHECK(after.find("Content-Type") == std::string::npos);
    CHECK(after.find("Content-Length") == std::string::npos);
  }
}

TEST_CASE("a HEAD stays HEAD on 303, and redirects are not followed unless asked",
          "[integration]") {
  SECTION("HEAD on 303") {
    scripted_server server(
        {script()
             .expect_until()
             .send("HTTP/1.1 303 See Other\r\nLocation: /x\r\nContent-Length: 3\r\n\r\n")
             .expect_until()
             .send("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n")});
    auto f = fetch_once(make(method::head, url_of(server)), following());
    REQUIRE_FALSE(f.error);
    CHECK(server.received(0).find("HEAD /x HTTP/1.1") != std::string::npos);
  }
  SECTION("not followed") {
    scripted_server server({script().expect_until().send(redirect(302, "/elsewhere"))});
    auto f = fetch_once(make(method::get, url_of(server)), {});
    REQUIRE_FALSE(f.error);
    CHECK(f.response.status == 302);
    CHECK(f.response.body == "moved body");
    CHECK(f.response.redirects.empty());
  }
}

TEST_CASE("a relative Location is resolved against the current URL", "[integration]") {
  scripted_server server({script()
                              .expect_until()
                              .send(redirect(302, "../img/b.png?q=1"))
                              .expect_until()
                              .send(redirect(301, "c.html"))
                              .expect_until()
                              .send(ok("done"))});
  auto f = fetch_once(make(method::get, url_of(server, "/dir/sub/page.html")), following());
  REQUIRE_FALSE(f.error);
  CHECK(f.response.url == url_of(server, "/dir/img/c.html"));
  CHECK(f.response.redirects.size() == 2);
  const std::string sent = server.received(0);
  CHECK(sent.find("GET /dir/img/b.png?q=1 HTTP/1.1") != std::string::npos);
  CHECK(sent.find("GET /dir/img/c.html HTTP/1.1") != std::string::npos);
}

TEST_CASE("credentials stay on the same origin and are dropped across hosts", "[integration]") {
  scripted_server other({script().expect_until().send(ok("other"))});
  const std::string cross = url_of(other, "/landing", "http", "localhost");
  scripted_server first({script()
                             .expect_until()
                             .send(redirect(302, "/same"))
                             .expect_until()
                             .send(redirect(307, cross))});
  auto co = loopback_options();
  co.resolve_overrides.push_back({"localhost", other.port(), "127.0.0.1"});
  auto req =
      make(method::get, "http://user:secret@127.0.0.1:" + std::to_string(first.port()) + "/");
  req.fields.add("Cookie", "session=1");
  req.fields.add("Proxy-Authorization", "Basic eDp5");
  req.fields.add("X-Kept", "yes");
  auto f = fetch_once(req, following(), co);
  REQUIRE_FALSE(f.error);
  CHECK(f.response.body == "other");
  CHECK(f.response.url == cross);
  const std::string same = first.received(0);
  const auto second_request = same.find("GET /same");
  REQUIRE(second_request != std::string::npos);
  CHECK(same.find("Authorization: Basic dXNlcjpzZWNyZXQ=", second_request) != std::string::npos);
  CHECK(same.find("Cookie: session=1", second_request) != std::string::npos);
  const std::string sent = other.received(0);
  CHECK(sent.find("Host: localhost:" + std::to_string(other.port())) != std::string::npos);
  CHECK(sent.find("Authorization") == std::string::npos);
  CHECK(sent.find("Cookie") == std::string::npos);
  CHECK(sent.find("X-Kept: yes") != std::string::npos);
}

TEST_CASE("a redirect loop ends with an error listing the chain", "[integration]") {
  scripted_server server({script()
                              .expect_until()
                              .send(redirect(302, "/b"))
                              .expect_until()
                              .send(redirect(302, "/c"))
                              .expect_until()
                              .send(redirect(302, "/a"))});
  auto f = fetch_once(make(method::get, url_of(server, "/a")), following());
  CHECK(f.error == client::errc::redirect_loop);
  CHECK(f.response.error_detail == "redirect loop: " + url_of(server, "/a") + " -> " +
                                       url_of(server, "/b") + " -> " + url_of(server, "/c") +
                                       " -> " + url_of(server, "/a"));
  CHECK(f.response.redirects.size() == 3);
}

TEST_CASE("at most max_redirects are followed", "[integration]") {
  script s;
  for (int i = 1; i <= 4; ++i) s.expect_until().send(redirect(301, "/" + std::to_string(i)));
  scripted_server server({s});
  auto fo = following();
  fo.max_redirects = 3;
  auto f = fetch_once(make(method::get, url_of(server, "/0")), fo);
  CHECK(f.error == client::errc::too_many_redirects);
  CHECK(f.response.error_detail.find("/3 -> " + url_of(server, "/4")) != std::string::npos);
}

TEST_CASE("an invalid Location is an error", "[integration]") {
  const std::string location = GENERATE(std::string("http://[::1"), std::string("ftp://x/"));
  scripted_server server({script().expect_until().send(redirect(302, location))});
  auto f = fetch_once(make(method::get, url_of(server)), following());
  CHECK(f.error == client::errc::invalid_redirect);
}

TEST_CASE("https to http is refused unless allowed", "[integration]") {
  const auto& pki = corofetch::test::shared_pki();
  scripted_server plain({script().expect_until().send(ok("plain"))});
  const std::string target = url_of(plain, "/");
  scripted_server secure({script().expect_until().send(redirect(302, target))},
                         scripted_server::options::tls(pki.server().cert, pki.server().key));
  auto co = loopback_options();
  co.tls.ca_file = pki.ca_file().string();
  SECTION("refused") {
    auto f = fetch_once(make(method::get, url_of(secure, "/", "https")), following(), co);
    CHECK(f.error == client::errc::insecure_redirect);
    CHECK(plain.accepted() == 0);
  }
  SECTION("allowed") {
    auto fo = following();
    fo.allow_https_to_http = true;
    auto f = fetch_once(make(method::get, url_of(secure, "/", "https")), fo, co);
    REQUIRE_FALSE(f.error);
    CHECK(f.response.body == "plain");
  }
}

TEST_CASE("a redirect with a long body is followed on a new connection, not drained",
          "[integration]") {
  const std::string big(2 * 1024 * 1024, 'r');
  scripted_server server({script()
                              .expect_until()
                              .send(response_bytes(302, "Found", big, "Location: /next\r\n"))
                              .stall(),
                          script().expect_until().send(ok("short"))});
  auto f = fetch_once(make(corofetch::http::method::get, url_of(server, "/")), following());
  REQUIRE_FALSE(f.error);
  CHECK(f.response.body == "short");
  CHECK_FALSE(f.response.reused);
  CHECK(server.accepted() == 2);
}
