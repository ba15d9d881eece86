#include <corofetch/client/client.hpp>
#include <corofetch/net/error.hpp>

#include "harness.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>

using namespace cf_client_test;
using corofetch::http::method;
namespace net = corofetch::net;

namespace {

const corofetch::test::test_pki& pki() {
  return corofetch::test::shared_pki();
}

scripted_server tls_server(std::vector<script> scripts,
                           const corofetch::test::test_pki::identity& id = pki().server()) {
  return scripted_server(std::move(scripts), scripted_server::options::tls(id.cert, id.key));
}

client::client_options trusting(const std::filesystem::path& ca) {
  auto o = loopback_options();
  o.tls.ca_file = ca.string();
  return o;
}

}  // namespace

TEST_CASE("https: verified against the given CA, with keep-alive reuse", "[integration]") {
  auto server = tls_server({serve_n(3, ok("secret"))});
  auto [bodies, reused, tls_ns] =
      run_coro([&]() -> asio::awaitable<std::tuple<std::string, int, long long>> {
        client::client c(co_await asio::this_coro::executor, trusting(pki().ca_file()));
        std::string got;
        int reuses = 0;
        long long tls = 0;
        for (int i = 0; i < 3; ++i) {
          auto r = co_await c.async_get(url_of(server, "/", "https"));
          got += r ? r->body : r.error().message();
          if (r && r->reused) ++reuses;
          if (r && i == 0) tls = r->timing.tls.count();
        }
        co_return std::tuple{got, reuses, tls};
      });
  CHECK(bodies == "secretsecretsecret");
  CHECK(reused == 2);
  CHECK(tls_ns > 0);
  CHECK(server.accepted() == 1);
}

TEST_CASE("https by name: SNI and the host name check pass for a name the certificate has",
          "[integration]") {
  auto server = tls_server({script().expect_until().send(ok("named"))});
  auto co = trusting(pki().ca_file());
  co.resolve_overrides.push_back({"localhost", server.port(), "127.0.0.1"});
  auto f = fetch_once(make(method::get, url_of(server, "/", "https", "localhost")), {}, co);
  REQUIRE_FALSE(f.error);
  CHECK(f.response.body == "named");
}

TEST_CASE("https: a wrong host name is rejected", "[integration]") {
  auto server = tls_server({script().expect_until().send(ok("x"))});
  auto co = trusting(pki().ca_file());
  co.resolve_overrides.push_back({"wrong.test", server.port(), "127.0.0.1"});
  auto f = fetch_once(make(method::get, url_of(server, "/", "https", "wrong.test")), {}, co);
  CHECK(f.error == net::errc::tls_hostname_mismatch);
  CHECK(f.response.error_detail.find("wrong.test") != std::string::npos);
}

TEST_CASE("https: a self-signed certificate is rejected unless its CA is given", "[integration]") {
  SECTION("rejected with the test CA") {
    auto server = tls_server({script().expect_until().send(ok("x"))}, pki().self_signed());
    auto f =
        fetch_once(make(method::get, url_of(server, "/", "https")), {}, trusting(pki().ca_file()));
    CHECK(f.error == net::errc::tls_certificate_untrusted);
  }
  SECTION("rejected with the system store") {
    auto server = tls_server({script().expect_until().send(ok("x"))}, pki().self_signed());
    auto f = fetch_once(make(method::get, url_of(server, "/", "https")), {});
    CHECK(f.error == net::errc::tls_certificate_untrusted);
  }
  SECTION("accepted when the certificate itself is the CA") {
    auto server = tls_server({script().expect_until().send(ok("self"))}, pki().self_signed());
    auto f = fetch_once(make(method::get, url_of(server, "/", "https")), {},
                        trusting(pki().self_signed().cert));
    REQUIRE_FALSE(f.error);
    CHECK(f.response.body == "self");
  }
  SECTION("accepted with the insecure switch") {
    auto server = tls_server({script().expect_until().send(ok("insecure"))}, pki().self_signed());
    auto co = loopback_options();
    co.tls.insecure_skip_verify = true;
    auto f = fetch_once(make(method::get, url_of(server, "/", "https")), {}, co);
    REQUIRE_FALSE(f.error);
    CHECK(f.response.body == "insecure");
  }
}

TEST_CASE("https: an expired certificate is rejected", "[integration]") {
  auto server = tls_server({script().expect_until().send(ok("x"))}, pki().expired());
  auto f =
      fetch_once(make(method::get, url_of(server, "/", "https")), {}, trusting(pki().ca_file()));
  CHECK(f.error == net::errc::tls_certificate_expired);
}

TEST_CASE("https: a body cut by a close without close_notify is an error", "[integration]") {
  auto server = tls_server({script()
                                .expect_until()
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort")
                                .close_raw()});
  auto f =
      fetch_once(make(method::get, url_of(server, "/", "https")), {}, trusting(pki().ca_file()));
  CHECK(f.error);
  CHECK(f.error != std::error_code{});
  CHECK(
      (f.error == corofetch::http::errc::truncated || f.error == net::errc::tls_stream_truncated));
}

TEST_CASE("https: the response head timeout also bounds a TLS connection", "[integration]") {
  auto server = tls_server({script().expect_until().stall()});
  client::fetch_options fo;
  fo.timeouts.response_head = 200ms;
  const auto start = std::chrono::steady_clock::now();
  auto f =
      fetch_once(make(method::get, url_of(server, "/", "https")), fo, trusting(pki().ca_file()));
  CHECK(f.error == client::errc::response_head_timeout);
  CHECK(ms_since(start) < 600);
}
