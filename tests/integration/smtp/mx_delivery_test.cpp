#include <corofetch/smtp/sender.hpp>

#include "integration/dns/harness.hpp"
#include "support/dns/dns_test_server.hpp"
#include "support/dns/shared_port.hpp"
#include "support/net/test_pki.hpp"
#include "support/smtp/exchangers.hpp"
#include "support/smtp/smtp_server.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace corofetch;
using corofetch::dns::testing::options_for;
using corofetch::dns::testing::run;
using corofetch::test::dns_test_server;
using corofetch::test::exchangers;
using corofetch::test::smtp_server;
using std::chrono::milliseconds;

namespace {

// Lines that start with '.', a lone '.', and CRLF endings: received as sent only when the client
// dot-stuffs (RFC 5321 4.5.2) and the server un-stuffs.
const std::string message =
    "From: sender@client.test\r\n"
    "To: tone@example.test\r\n"
    "Subject: the seed's MX example\r\n"
    "\r\n"
    "First line.\r\n"
    ".a line that starts with a dot\r\n"
    ".\r\n"
    "..two dots\r\n"
    "last line\r\n";

struct sent {
  smtp::delivery result;
  std::vector<std::string> trace;
};

sent deliver(dns_test_server& dns, const std::string& to, smtp::send_options options,
             std::string body = message) {
  auto u = url::parse(to);
  REQUIRE(u);
  asio::io_context io;
  dns::resolver resolver(io.get_executor(), options_for(dns));
  sent out;
  options.log = [&](std::string_view line) { out.trace.emplace_back(line); };
  options.from = options.from.empty() ? "sender@client.test" : options.from;
  options.connect_timeout = milliseconds(2000);
  options.reply_timeout = milliseconds(5000);
  options.data_timeout = milliseconds(5000);
  run(io, [&]() -> asio::awaitable<void> {
    out.result = co_await smtp::async_send(*u, body, resolver, options);
  });
  return out;
}

bool traced(const sent& s, const std::string& fragment) {
  for (const auto& l : s.trace) {
    if (l.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("mailto: MX order: the first exchanger down, the second 451, the third accepts",
          "[integration]") {
  REQUIRE(smtp_server::available());
  exchangers mx(
      {{"127.0.0.3", smtp_server::mode::tempfail}, {"127.0.0.4", smtp_server::mode::accept}},
      {"127.0.0.2"});
  dns_test_server dns;
  // Listed out of order: the client sorts by preference (RFC 5321 5.1).
  dns.add_mx("example.test", 30, "mx3.example.test")
      .add_mx("example.test", 10, "mx1.example.test")
      .add_mx("example.test", 20, "mx2.example.test")
      .add_a("mx1.example.test", "127.0.0.2")
      .add_a("mx2.example.test", "127.0.0.3")
      .add_a("mx3.example.test", "127.0.0.4");
  smtp::send_options o;
  o.port = mx.port();
  auto s = deliver(dns, "mailto:tone@example.test", o);
  INFO(s.result.error.message() << " / " << s.result.server_reply);
  REQUIRE_FALSE(s.result.error);
  CHECK_FALSE(s.result.implicit_mx);
  REQUIRE(s.result.attempts.size() == 3);
  CHECK(s.result.attempts[0].exchanger == "mx1.example.test");
  CHECK(s.result.attempts[0].error == asio::error::connection_refused);
  CHECK(s.result.attempts[1].exchanger == "mx2.example.test");
  CHECK(s.result.attempts[1].error == smtp::errc::deferred);
  CHECK(s.result.attempts[1].server_reply == "451 4.3.0 Try again later");
  CHECK(s.result.attempts[2].exchanger == "mx3.example.test");
  CHECK_FALSE(s.result.attempts[2].error);
  CHECK(s.result.server_reply == "250 OK queued");
  // Received byte for byte, by the third exchanger only.
  CHECK(mx[1].message() == std::optional<std::string>(message));
  CHECK_FALSE(mx[0].message());
  CHECK(mx[1].envelope() ==
        std::vector<std::string>{"sender@client.test", "tone@example.test", "TLS no"});
  // The -v trace says which exchanger was left and why.
  const std::string port = std::to_string(mx.port());
  CHECK(traced(s, "* MX 10 mx1.example.test (127.0.0.2:" + port + "): Connection refused"));
  CHECK(traced(s, "* MX 20 mx2.example.test (127.0.0.3:" + port +
                      "): the mail server deferred the message (4xx): 451 4.3.0 Try again "
                      "later, next exchanger"));
  CHECK(traced(s, "* MX 30 mx3.example.test (127.0.0.4:" + port + "): accepted: 250 OK queued"));
}

TEST_CASE("mailto: a 5xx ends the delivery, later exchangers are not tried", "[integration]") {
  exchangers mx(
      {{"127.0.0.3", smtp_server::mode::reject}, {"127.0.0.4", smtp_server::mode::accept}});
  dns_test_server dns;
  dns.add_mx("example.test", 10, "mx1.example.test")
      .add_mx("example.test", 20, "mx2.example.test")
      .add_a("mx1.example.test", "127.0.0.3")
      .add_a("mx2.example.test", "127.0.0.4");
  smtp::send_options o;
  o.port = mx.port();
  auto s = deliver(dns, "mailto:tone@example.test", o);
  CHECK(s.result.error == smtp::errc::rejected);
  CHECK(s.result.server_reply == "550 5.1.1 No such mailbox");
  CHECK(s.result.attempts.size() == 1);
  CHECK_FALSE(mx[1].message());
  CHECK(traced(s, "giving up"));
}

TEST_CASE("mailto: no MX record: the domain's own address (implicit MX)", "[integration]") {
  exchangers mx({{"127.0.0.4", smtp_server::mode::accept}});
  dns_test_server dns;
  dns.add_a("solo.test", "127.0.0.4");
  smtp::send_options o;
  o.port = mx.port();
  auto s = deliver(dns, "mailto:someone@solo.test", o, "Subject: x\nbare LF lines\n");
  REQUIRE_FALSE(s.result.error);
  CHECK(s.result.implicit_mx);
  CHECK(mx[0].message() == std::optional<std::string>("Subject: x\r\nbare LF lines\r\n"));
  CHECK(traced(s, "solo.test has no MX record"));
}

TEST_CASE("mailto: a null MX (RFC 7505) is refused without a connection", "[integration]") {
  dns_test_server dns;
  dns.add_mx("nomail.test", 0, ".").add_a("nomail.test", "127.0.0.4");
  auto s = deliver(dns, "mailto:x@nomail.test", {});
  CHECK(s.result.error == smtp::errc::null_mx);
  CHECK(s.result.attempts.empty());
}

TEST_CASE("mailto: a domain that does not exist, every exchanger failing", "[integration]") {
  dns_test_server dns;
  dns.add_mx("down.test", 10, "mx.down.test").add_a("mx.down.test", "127.0.0.2");
  smtp::send_options o;
  o.port = test::port_free_on({"127.0.0.2"});
  auto missing = deliver(dns, "mailto:x@missing.test", o);
  CHECK(missing.result.error == dns::errc::nxdomain);
  auto down = deliver(dns, "mailto:x@down.test", o);
  CHECK(down.result.error == smtp::errc::all_exchangers_failed);
  REQUIRE(down.result.attempts.size() == 1);
  CHECK(down.result.attempts[0].error == asio::error::connection_refused);
}

TEST_CASE("mailto: STARTTLS when offered; required and not offered", "[integration]") {
  exchangers mx({{"127.0.0.3", smtp_server::mode::accept, false},
                 {"127.0.0.4", smtp_server::mode::accept, true}});
  dns_test_server dns;
  // The certificate names localhost: the exchanger's name is checked against it.
  dns.add_mx("tls.test", 10, "localhost").add_a("localhost", "127.0.0.4");
  dns.add_mx("plain.test", 10, "mx.plain.test").add_a("mx.plain.test", "127.0.0.3");
  smtp::send_options o;
  o.port = mx.port();
  o.tls.ca_file = test::shared_pki().ca_file().string();
  o.trace_dialogue = true;
  auto s = deliver(dns, "mailto:tone@tls.test", o);
  INFO(s.result.error.message() << " / " << s.result.server_reply);
  REQUIRE_FALSE(s.result.error);
  CHECK(s.result.tls);
  CHECK(mx[1].message() == std::optional<std::string>(message));
  CHECK(mx[1].envelope().back() == "TLS yes");
  CHECK(traced(s, "> STARTTLS"));

  o.starttls = smtp::starttls_policy::required;
  auto refused = deliver(dns, "mailto:tone@plain.test", o);
  CHECK(refused.result.error == smtp::errc::all_exchangers_failed);
  REQUIRE(refused.result.attempts.size() == 1);
  CHECK(refused.result.attempts[0].error == smtp::errc::starttls_unavailable);
  CHECK_FALSE(mx[0].message());
}

TEST_CASE("mailto: bad URLs and addresses are refused before any lookup", "[integration]") {
  dns_test_server dns;
  CHECK(deliver(dns, "http://x/", {}).result.error == smtp::errc::not_a_mailto_url);
  CHECK(deliver(dns, "mailto:", {}).result.error == smtp::errc::no_recipient);
  CHECK(deliver(dns, "mailto:no-at-sign", {}).result.error == smtp::errc::invalid_address);
  CHECK(deliver(dns, "mailto:a@x.test%0D%0ARCPT%20TO:%3Cb@y.test%3E", {}).result.error ==
        smtp::errc::invalid_address);
  CHECK(deliver(dns, "mailto:a@x.test,b@y.test", {}).result.error == smtp::errc::multiple_domains);
  CHECK(dns.query_count() == 0);
}
