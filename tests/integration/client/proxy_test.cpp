#include <corofetch/client/client.hpp>

#include "harness.hpp"
#include "support/client/tunnel_proxy.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>

using namespace cf_client_test;
using corofetch::http::method;

TEST_CASE("http through a proxy: absolute-form target, one proxy connection reused",
          "[integration]") {
  scripted_server proxy({serve_n(2, ok("via proxy"))});
  auto co = loopback_options();
  co.proxy = "http://pu:pp@127.0.0.1:" + std::to_string(proxy.port());
  // The origin's name is never resolved by the client: the proxy does that.
  auto o = fetch_sequence({make(method::get, "http://origin.test:8080/a?x=1#frag"),
                           make(method::get, "http://origin.test:8080/b")},
                          {}, co);
  REQUIRE_FALSE(o.results[0].error);
  REQUIRE_FALSE(o.results[1].error);
  const std::string bodies = o.results[0].response.body + "," + o.results[1].response.body;
  CHECK(bodies == "via proxy,via proxy");
  CHECK(proxy.accepted() == 1);
  const std::string sent = proxy.received(0);
  CHECK(sent.rfind("GET http://origin.test:8080/a?x=1 HTTP/1.1\r\n", 0) == 0);
  CHECK(sent.find("Host: origin.test:8080\r\n") != std::string::npos);
  CHECK(sent.find("Proxy-Authorization: Basic cHU6cHA=\r\n") != std::string::npos);  // pu:pp
  CHECK(sent.find("GET http://origin.test:8080/b HTTP/1.1\r\n") != std::string::npos);
}

TEST_CASE("https through a proxy: CONNECT tunnel, then TLS with the origin", "[integration]") {
  const auto& pki = corofetch::test::shared_pki();
  scripted_server origin({serve_n(2, ok("tunnelled"))},
                         scripted_server::options::tls(pki.server().cert, pki.server().key));
  corofetch::test::tunnel_proxy proxy;
  auto co = loopback_options();
  co.proxy = proxy.url();
  co.tls.ca_file = pki.ca_file().string();
  const std::string u = "https://localhost:" + std::to_string(origin.port()) + "/s";
  auto o = fetch_sequence({make(method::get, u), make(method::get, u)}, {}, co);
  REQUIRE_FALSE(o.results[0].error);
  REQUIRE_FALSE(o.results[1].error);
  const std::string bodies = o.results[0].response.body + "," + o.results[1].response.body;
  const auto& stats = o.stats;
  CHECK(bodies == "tunnelled,tunnelled");
  CHECK(proxy.tunnels() == 1);
  CHECK(stats.reuses == 1);
  const auto heads = proxy.heads();
  REQUIRE(heads.size() == 1);
  CHECK(heads[0].rfind("CONNECT localhost:" + std::to_string(origin.port()) + " HTTP/1.1\r\n", 0) ==
        0);
  CHECK(origin.received(0).find("GET /s HTTP/1.1\r\n") != std::string::npos);
}

TEST_CASE("a proxy refusing CONNECT is an error naming its status", "[integration]") {
  corofetch::test::tunnel_proxy proxy(407);
  auto co = loopback_options();
  co.proxy = proxy.url();
  auto f = fetch_once(make(method::get, "https://localhost:1/"), {}, co);
  CHECK(f.error == client::errc::proxy_connect_failed);
  CHECK(f.response.error_detail.find("407") != std::string::npos);
}

TEST_CASE("a proxy URL that is not http://host is refused", "[integration]") {
  auto co = loopback_options();
  co.proxy = "socks5://127.0.0.1:1080";
  auto f = fetch_once(make(method::get, "http://127.0.0.1:1/"), {}, co);
  CHECK(f.error == client::errc::invalid_proxy);
}
