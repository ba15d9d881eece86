// ALPN (RFC 7301) against a real nginx whose TLS listener speaks HTTP/2 and HTTP/1.1.

#include <corofetch/net/stream.hpp>
#include <corofetch/net/tls.hpp>

#include "support/client/nginx_server.hpp"
#include "support/net/run.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace std::chrono_literals;
using asio::ip::tcp;
using corofetch::net::stream;
using corofetch::test::nginx_server;
using corofetch::test::run_coro;

namespace {

struct negotiated {
  std::error_code error;
  std::string alpn;
  std::string session_alpn;
};

// A TLS handshake with nginx offering `protocols`; what was agreed.
negotiated handshake_offering(const nginx_server& nginx, std::vector<std::string> protocols) {
  corofetch::net::tls_options o;
  o.ca_file = corofetch::test::shared_pki().ca_file().string();
  o.alpn = std::move(protocols);
  auto ctx = corofetch::net::tls_context::create(o);
  REQUIRE(ctx.has_value());
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), nginx.https_port());
  return run_coro([&]() -> asio::awaitable<negotiated> {
    stream s(co_await asio::this_coro::executor);
    s.expires_after(10s);
    const std::array<tcp::endpoint, 1> endpoints{endpoint};
    const std::error_code connected = co_await s.async_connect(endpoints, {});
    REQUIRE_FALSE(connected);
    s.start_tls(*ctx);
    CHECK(s.is_tls());
    const std::error_code ec = co_await s.async_handshake(std::string("localhost"));
    co_return negotiated{ec, std::string(s.alpn_protocol()), s.tls_session().alpn};
  });
}

struct www {
  www() : root(std::filesystem::temp_directory_path() / ("cf_alpn_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(root);
    std::ofstream(root / "index.html") << "hello";
  }
  ~www() {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }
  std::filesystem::path root;
};

nginx_server::options h2_options() {
  const auto& pki = corofetch::test::shared_pki();
  nginx_server::options o;
  o.cert_file = pki.server().cert;
  o.key_file = pki.server().key;
  o.http2 = true;
  return o;
}

}  // namespace

TEST_CASE("ALPN: nginx with http2 agrees on h2 when the client offers it first", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  www files;
  nginx_server nginx(files.root, h2_options());
  const negotiated n = handshake_offering(nginx, {"h2", "http/1.1"});
  CHECK_FALSE(n.error);
  CHECK(n.alpn == "h2");
  CHECK(n.session_alpn == "h2");
}

TEST_CASE("ALPN: http/1.1 alone is agreed as http/1.1", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  www files;
  nginx_server nginx(files.root, h2_options());
  const negotiated n = handshake_offering(nginx, {"http/1.1"});
  CHECK_FALSE(n.error);
  CHECK(n.alpn == "http/1.1");
}

TEST_CASE("ALPN: nothing offered (the default), nothing agreed", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  www files;
  nginx_server nginx(files.root, h2_options());
  const negotiated n = handshake_offering(nginx, {});
  CHECK_FALSE(n.error);
  CHECK(n.alpn.empty());
  CHECK(n.session_alpn.empty());
}
