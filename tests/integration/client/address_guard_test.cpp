// The private-address guard (client_options::public_addresses_only): the addresses a
// connection would go to, after DNS and resolve_overrides, are checked before connecting;
// loopback, private and link-local ones are refused, named, unless their class is allowed.
#include <corofetch/client/client.hpp>

#include "support/client/fetch_peer.hpp"
#include "support/client/loopback_options.hpp"
#include "support/net/run.hpp"

#include <catch2/catch.hpp>

#include <asio/this_coro.hpp>

#include <string>

namespace client = corofetch::client;
using corofetch::test::run_coro;

namespace {

struct outcome {
  std::error_code error;
  int status = 0;
  std::string detail;
};

outcome get(client::client_options o, const std::string& url) {
  return run_coro([&]() -> asio::awaitable<outcome> {
    client::client c(co_await asio::this_coro::executor, o);
    auto req = client::request::make(corofetch::http::method::get, url);
    REQUIRE(req.has_value());
    client::response out;
    const client::fetch_options fo;
    outcome r;
    r.error = co_await c.async_fetch_into(*req, out, fo);
    r.status = out.status;
    r.detail = out.error_detail;
    co_return r;
  });
}

}  // namespace

TEST_CASE("address guard: loopback refused before connecting, allowed by class", "[integration]") {
  corofetch::test::fetch_peer peer;
  auto o = corofetch::test::loopback_client_options();
  o.public_addresses_only = true;
  const auto refused = get(o, peer.url("/echo"));
  CHECK(refused.error == client::errc::address_refused);
  CHECK(refused.detail.find("refusing 127.0.0.1 (loopback): not a public address") !=
        std::string::npos);

  o.allowed_address_classes = {corofetch::net::address_class::loopback};
  const auto allowed = get(o, peer.url("/echo"));
  INFO(allowed.detail);
  CHECK_FALSE(allowed.error);
  CHECK(allowed.status == 200);

  o.public_addresses_only = false;  // off: the default
  o.allowed_address_classes.clear();
  CHECK(get(o, peer.url("/echo")).status == 200);
}

TEST_CASE("address guard: a name mapped to cloud metadata or a private network is refused",
          "[integration]") {
  auto o = corofetch::test::loopback_client_options();
  o.public_addresses_only = true;
  o.allowed_address_classes = {corofetch::net::address_class::loopback};
  o.resolve_overrides = {{"metadata.test", 80, "169.254.169.254"},
                         {"intranet.test", 80, "10.1.2.3"},
                         {"v6.test", 80, "fe80::1"}};
  for (const auto& [url, why] : {std::pair<std::string, std::string>{
                                     "http://metadata.test/", "169.254.169.254 (link-local)"},
                                 {"http://intranet.test/", "10.1.2.3 (private)"},
                                 {"http://v6.test/", "fe80::1 (link-local)"}}) {
    const auto r = get(o, url);
    INFO(url << ": " << r.detail);
    CHECK(r.error == client::errc::address_refused);  // at once: no connect was tried
    CHECK(r.detail.find(why) != std::string::npos);
  }
}
