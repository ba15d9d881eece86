#include <corofetch/smtp/sender.hpp>

#include "integration/dns/harness.hpp"
#include "support/dns/dns_test_server.hpp"
#include "support/dns/shared_port.hpp"
#include "support/net/scripted_server.hpp"
#include "support/smtp/smtp_server.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace corofetch;
using corofetch::dns::testing::options_for;
using corofetch::dns::testing::run;
using corofetch::test::dns_test_server;
using corofetch::test::script;
using corofetch::test::scripted_server;
using std::chrono::milliseconds;

namespace {

smtp::delivery deliver(dns_test_server& dns, const std::string& to, std::uint16_t port) {
  auto u = url::parse(to);
  REQUIRE(u);
  asio::io_context io;
  dns::resolver resolver(io.get_executor(), options_for(dns));
  smtp::send_options o;
  o.port = port;
  o.reply_timeout = milliseconds(3000);
  o.connect_timeout = milliseconds(2000);
  smtp::delivery out;
  std::string message = "Subject: hi\r\n\r\nhello\r\n";
  run(io, [&]() -> asio::awaitable<void> {
    out = co_await smtp::async_send(*u, message, resolver, o);
  });
  return out;
}

}  // namespace

TEST_CASE("smtp: HELO when EHLO is not understood; the dialogue as RFC 5321 writes it",
          "[integration]") {
  scripted_server server({script()
                              .send("220 old.example.test ESMTP\r\n")
                              .expect_until("\r\n")
                              .send("502 5.5.1 EHLO not implemented\r\n")
                              .expect_until("\r\n")
                              .send("250 old.example.test\r\n")
                              .expect_until("\r\n")
                              .send("250 sender ok\r\n")
                              .expect_until("\r\n")
                              .send("250 recipient ok\r\n")
                              .expect_until("\r\n")
                              .send("354 go ahead\r\n")
                              .expect_until("\r\n.\r\n")
                              .send("250 queued\r\n")
                              .expect_until("\r\n")
                              .send("221 bye\r\n")});
  dns_test_server dns;
  dns.add_mx("old.test", 10, "mx.old.test").add_a("mx.old.test", "127.0.0.1");
  auto d = deliver(dns, "mailto:tone@old.test", server.port());
  REQUIRE_FALSE(d.error);
  CHECK(d.server_reply == "250 queued");
  REQUIRE(server.wait_finished(1, milliseconds(2000)));
  CHECK(server.received(0) ==
        "EHLO localhost\r\nHELO localhost\r\nMAIL FROM:<>\r\nRCPT TO:<tone@old.test>\r\nDATA\r\n"
        "Subject: hi\r\n\r\nhello\r\n.\r\nQUIT\r\n");
}

TEST_CASE("smtp: bytes after STARTTLS's 220 are refused (RFC 3207 6)", "[integration]") {
  scripted_server server({script()
                              .send("220 mx ESMTP\r\n")
                              .expect_until("\r\n")
                              .send("250-mx\r\n250 STARTTLS\r\n")
                              .expect_until("\r\n")
                              .send("220 go ahead\r\n250 injected before TLS\r\n")
                              .stall()});
  dns_test_server dns;
  dns.add_mx("inject.test", 10, "mx.inject.test").add_a("mx.inject.test", "127.0.0.1");
  auto d = deliver(dns, "mailto:tone@inject.test", server.port());
  CHECK(d.error == smtp::errc::all_exchangers_failed);
  REQUIRE(d.attempts.size() == 1);
  CHECK(d.attempts[0].error == smtp::errc::starttls_failed);
}

TEST_CASE("smtp: each address of an exchanger in turn, then the next exchanger", "[integration]") {
  REQUIRE(test::smtp_server::available());
  const auto port = test::port_free_on({"127.0.0.2", "127.0.0.5", "127.0.0.4"});
  test::smtp_server::options so;
  so.address = "127.0.0.4";
  so.port = port;
  test::smtp_server accepting(so);
  dns_test_server dns;
  dns.add_mx("two.test", 10, "mx1.two.test")
      .add_mx("two.test", 20, "mx2.two.test")
      .add_a("mx1.two.test", "127.0.0.2")
      .add_a("mx1.two.test", "127.0.0.5")
      .add_a("mx2.two.test", "127.0.0.4");
  auto d = deliver(dns, "mailto:tone@two.test", port);
  REQUIRE_FALSE(d.error);
  REQUIRE(d.attempts.size() == 3);
  CHECK(d.attempts[0].exchanger == "mx1.two.test");
  CHECK(d.attempts[1].exchanger == "mx1.two.test");
  CHECK(d.attempts[0].address.address() != d.attempts[1].address.address());
  CHECK(d.attempts[0].error == asio::error::connection_refused);
  CHECK(d.attempts[1].error == asio::error::connection_refused);
  CHECK(d.attempts[2].exchanger == "mx2.two.test");
  CHECK(d.attempts[2].address.address().to_string() == "127.0.0.4");
  CHECK(accepting.message() == std::optional<std::string>("Subject: hi\r\n\r\nhello\r\n"));
}
