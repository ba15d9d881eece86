#include <corofetch/net/connect.hpp>
#include <corofetch/net/stream.hpp>
#include <corofetch/net/tls.hpp>

#include "support/net/run.hpp"
#include "support/net/scripted_server.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>

#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>

#include <array>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using asio::ip::tcp;
using corofetch::net::errc;
using corofetch::net::stream;
using corofetch::net::tls_context;
using corofetch::net::tls_options;
using corofetch::test::elapsed_ms;
using corofetch::test::run_coro;
using corofetch::test::script;
using corofetch::test::scripted_server;
using corofetch::test::shared_pki;

namespace {

// What a TLS client saw: the handshake's outcome, then the reply to "ping" up to the end.
struct exchange {
  std::error_code handshake;
  std::string detail;
  std::string reply;
  std::error_code end;  // how the reply ended: eof after close_notify, truncated, reset
  long long handshake_ms = 0;
};

script ping_pong() {
  return script().expect_until("\r\n\r\n").send("pong").close();
}

scripted_server::options serving(const corofetch::test::test_pki::identity& id) {
  return scripted_server::options::tls(id.cert, id.key);
}

tls_context make_context(const tls_options& options) {
  auto ctx = tls_context::create(options);
  REQUIRE(ctx.has_value());
  return ctx.value();
}

exchange talk(const scripted_server& server, std::string host, const tls_context& ctx,
              std::chrono::milliseconds handshake_timeout = 5s) {
  return run_coro([&]() -> asio::awaitable<exchange> {
    exchange out;
    auto ex = co_await asio::this_coro::executor;
    const std::array<tcp::endpoint, 1> endpoints{server.endpoint()};
    auto socket = co_await corofetch::net::async_connect(ex, endpoints);
    REQUIRE(socket.has_value());
    stream s(std::move(socket.value()), ctx);
    CHECK(s.is_tls());
    const auto start = std::chrono::steady_clock::now();
    out.handshake = co_await s.async_handshake(host, handshake_timeout);
    out.handshake_ms = elapsed_ms(start);
    out.detail = std::string(s.tls_error_detail());
    if (out.handshake) co_return out;
    const std::string ping = "ping\r\n\r\n";
    auto written = co_await s.async_write(asio::buffer(ping));
    REQUIRE_FALSE(written.error);
    CHECK(written.bytes == ping.size());
    std::array<char, 256> buffer{};
    for (;;) {
      auto [ec, n] = co_await s.async_read_some(asio::buffer(buffer));
      out.reply.append(buffer.data(), n);
      if (ec) {
        out.end = ec;
        break;
      }
    }
    co_return out;
  });
}

}  // namespace

TEST_CASE("TLS with the test CA: verified, data both ways, clean close", "[integration]") {
  const auto& pki = shared_pki();
  scripted_server server({ping_pong()}, serving(pki.server()));
  tls_options options;
  options.ca_file = pki.ca_file().string();
  const auto ctx = make_context(options);

  SECTION("by host name, with SNI") {
    const auto result = talk(server, "localhost", ctx);
    REQUIRE_FALSE(result.handshake);
    CHECK(result.reply == "pong");
    CHECK(result.end == asio::error::eof);  // close_notify seen: a clean end
    CHECK(server.received(0) == "ping\r\n\r\n");
  }
  SECTION("a fully qualified name with its trailing dot") {
    CHECK_FALSE(talk(server, "localhost.", ctx).handshake);
  }
  SECTION("by IPv4 address, matched against the IP SAN") {
    const auto result = talk(server, "127.0.0.1", ctx);
    REQUIRE_FALSE(result.handshake);
    CHECK(result.reply == "pong");
  }
}

TEST_CASE("TLS over IPv6 verifies the ::1 IP SAN", "[integration]") {
  const auto& pki = shared_pki();
  auto opts = serving(pki.server());
  opts.ipv6 = true;
  scripted_server server({ping_pong()}, opts);
  tls_options options;
  options.ca_file = pki.ca_file().string();
  const auto result = talk(server, "[::1]", make_context(options));
  REQUIRE_FALSE(result.handshake);
  CHECK(result.reply == "pong");
}

TEST_CASE("TLS rejects a certificate for another name", "[integration]") {
  const auto& pki = shared_pki();
  scripted_server server({ping_pong()}, serving(pki.server()));
  tls_options options;
  options.ca_file = pki.ca_file().string();
  const auto ctx = make_context(options);
  SECTION("a host name the certificate does not list") {
    const auto result = talk(server, "www.example.test", ctx);
    CHECK(result.handshake == errc::tls_hostname_mismatch);
    CHECK(result.detail == "hostname mismatch");
    REQUIRE(server.wait_finished(1, 2s));
    CHECK_FALSE(server.tls_error(0).empty());  // the server saw the client's alert
  }
  SECTION("an IP address the certificate does not list") {
    const auto result = talk(server, "127.0.0.2", ctx);
    CHECK(result.handshake == errc::tls_hostname_mismatch);
    CHECK(result.detail == "IP address mismatch");
  }
  SECTION("a partial wildcard or suffix never matches") {
    CHECK(talk(server, "host", ctx).handshake == errc::tls_hostname_mismatch);
    CHECK(talk(server, "sub.localhost", ctx).handshake == errc::tls_hostname_mismatch);
  }
}

TEST_CASE("TLS rejects a self-signed certificate unless trusted or insecure", "[integration]") {
  const auto& pki = shared_pki();
  scripted_server server({ping_pong()}, serving(pki.self_signed()));
  SECTION("the system store does not trust it") {
    const auto result = talk(server, "localhost", make_context({}));
    CHECK(result.handshake == errc::tls_certificate_untrusted);
    CHECK(result.detail == "self-signed certificate");
  }
  SECTION("another CA does not either") {
    tls_options options;
    options.ca_file = pki.ca_file().string();
    CHECK(talk(server, "localhost", make_context(options)).handshake ==
          errc::tls_certificate_untrusted);
  }
  SECTION("its own certificate as the CA file makes it trusted") {
    tls_options options;
    options.ca_file = pki.self_signed().cert.string();
    const auto result = talk(server, "localhost", make_context(options));
    REQUIRE_FALSE(result.handshake);
    CHECK(result.reply == "pong");
  }
  SECTION("the insecure switch accepts it, and any host name") {
    tls_options options;
    options.insecure_skip_verify = true;
    const auto result = talk(server, "not-the-name.test", make_context(options));
    REQUIRE_FALSE(result.handshake);
    CHECK(result.reply == "pong");
  }
}

TEST_CASE("TLS rejects an expired certificate", "[integration]") {
  const auto& pki = shared_pki();
  scripted_server server({ping_pong()}, serving(pki.expired()));
  tls_options options;
  options.ca_file = pki.ca_file().string();
  const auto result = talk(server, "localhost", make_context(options));
  CHECK(result.handshake == errc::tls_certificate_expired);
  CHECK(result.detail == "certificate has expired");
}

TEST_CASE("a TLS handshake against a silent server times out", "[integration]") {
  scripted_server server({script().stall()});  // plain TCP: accepts, never answers
  const auto ctx = make_context({});
  const auto result = talk(server, "localhost", ctx, 300ms);
  CHECK(result.handshake == errc::tls_handshake_timeout);
  CHECK(result.handshake_ms >= 295);
  CHECK(result.handshake_ms < 300 + 150);
}

TEST_CASE("a TLS handshake against a plain HTTP server fails with OpenSSL's reason",
          "[integration]") {
  scripted_server server(
      {script().send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").close()});
  const auto result = talk(server, "localhost", make_context({}));
  CHECK(result.handshake == errc::tls_handshake_failed);
  CHECK(result.detail.find("wrong version number") != std::string::npos);
}

TEST_CASE("a TLS peer closing without close_notify truncates the stream", "[integration]") {
  const auto& pki = shared_pki();
  scripted_server server({script().expect_until("\r\n\r\n").send("po").close_raw()},
                         serving(pki.server()));
  tls_options options;
  options.ca_file = pki.ca_file().string();
  const auto result = talk(server, "localhost", make_context(options));
  REQUIRE_FALSE(result.handshake);
  CHECK(result.reply == "po");
  CHECK(result.end == errc::tls_stream_truncated);
}

TEST_CASE("a missing CA file fails the context with the reason", "[integration]") {
  tls_options options;
  options.ca_file = "/nonexistent/ca.pem";
  std::string detail;
  auto ctx = tls_context::create(options, &detail);
  CHECK(ctx.error() == errc::tls_context_failed);
  CHECK_FALSE(detail.empty());
}

TEST_CASE("cancelling a TLS read through operator|| leaves the stream closable", "[integration]") {
  const auto& pki = shared_pki();
  scripted_server server({script().stall()}, serving(pki.server()));
  tls_options options;
  options.ca_file = pki.ca_file().string();
  const auto ctx = make_context(options);
  const auto ms = run_coro([&]() -> asio::awaitable<long long> {
    using namespace asio::experimental::awaitable_operators;
    auto ex = co_await asio::this_coro::executor;
    const std::array<tcp::endpoint, 1> endpoints{server.endpoint()};
    auto socket = co_await corofetch::net::async_connect(ex, endpoints);
    REQUIRE(socket.has_value());
    stream s(std::move(socket.value()), ctx);
    const auto handshake = co_await s.async_handshake("localhost", 2s);
    REQUIRE_FALSE(handshake);
    std::array<char, 64> buffer{};
    asio::steady_timer timer(ex, 100ms);
    const auto start = std::chrono::steady_clock::now();
    auto which = co_await (s.async_read_some(asio::buffer(buffer)) ||
                           timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable)));
    CHECK(which.index() == 1);
    const auto waited = elapsed_ms(start);
    const auto shutdown = co_await s.async_shutdown(200ms);
    (void)shutdown;  // the stalling server never answers close_notify: any outcome is fine
    CHECK_FALSE(s.is_open());
    co_return waited;
  });
  CHECK(ms < 100 + 150);
}
