// The client over HTTP/2 against the scripted peer (h2_peer.py, python3-h2, h2c with prior
// knowledge): requests multiplexed on one connection, a GOAWAY's unprocessed requests sent
// again on a new connection, a reset stream failing its own request only.
#include <corofetch/client/client.hpp>
#include <corofetch/http2/error.hpp>

#include "support/client/loopback_options.hpp"
#include "support/http2/h2_peer.hpp"
#include "support/net/run.hpp"

#include <catch2/catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>

#include <map>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace client = corofetch::client;
using corofetch::test::h2_peer;
using corofetch::test::run_coro;

namespace {

struct result_of {
  int status = 0;
  std::string body;
  corofetch::http::version version;
  std::error_code error;
};

struct run_outcome {
  std::map<std::string, result_of> results;
  client::pool_stats stats;
};

client::client_options h2c_options() {
  auto o = corofetch::test::loopback_client_options();
  o.http_version = client::http_version_choice::http2_prior_knowledge;
  return o;
}

// Fetches `first` alone until its connection is up, then `rest` at once: every request goes on
// that one connection while it has room.
run_outcome fetch_paths(std::uint16_t port, const std::string& first,
                        const std::vector<std::string>& rest) {
  return run_coro(
      [&]() -> asio::awaitable<run_outcome> {
        auto ex = co_await asio::this_coro::executor;
        client::client c(ex, h2c_options());
        run_outcome o;
        std::size_t running = 0;
        auto one = [&](std::string path) -> asio::awaitable<void> {
          const std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
          auto got = co_await c.async_get(url);
          result_of& r = o.results[path];
          if (got) {
            r.status = got->status;
            r.body = got->body;
            r.version = got->version;
          } else {
            r.error = got.error();
          }
          --running;
        };
        ++running;
        asio::co_spawn(ex, one(first), asio::detached);
        asio::steady_timer pause(ex);
        while (c.stats().connections_opened == 0 || c.stats().open == 0) {
          pause.expires_after(5ms);
          co_await pause.async_wait(asio::use_awaitable);
        }
        pause.expires_after(50ms);  // its SETTINGS exchanged: the connection is in the pool
        co_await pause.async_wait(asio::use_awaitable);
        for (const auto& path : rest) {
          ++running;
          asio::co_spawn(ex, one(path), asio::detached);
        }
        while (running > 0) {
          pause.expires_after(5ms);
          co_await pause.async_wait(asio::use_awaitable);
        }
        o.stats = c.stats();
        co_return o;
      },
      20s);
}

}  // namespace

TEST_CASE("client over h2c: requests share one connection, each body its own", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("normal");
  const auto o = fetch_paths(peer.port(), "/size/10", {"/size/0", "/size/70000", "/a", "/b", "/c"});
  REQUIRE(o.results.size() == 6);
  for (const auto& [path, r] : o.results) {
    INFO(path << ": " << r.error.message());
    CHECK_FALSE(r.error);
    CHECK(r.status == 200);
    CHECK(r.version.major_version == 2);
  }
  CHECK(o.results.at("/a").body == "/a");
  CHECK(o.results.at("/size/0").body.empty());
  CHECK(o.results.at("/size/70000").body.size() == 70000);
  CHECK(o.stats.connections_opened == 1);
}

TEST_CASE("client over h2c: a GOAWAY's unprocessed requests go again on a new connection",
          "[integration]") {
  CF_REQUIRE_H2_PEER();
  // The peer answers the first 3 of 6 streams, then GOAWAY naming the third; a second
  // connection answers the rest.
  h2_peer peer("goaway", {"--streams", "6", "--answer", "3", "--connections", "2"});
  const auto o = fetch_paths(peer.port(), "/p1", {"/p2", "/p3", "/p4", "/p5", "/p6"});
  REQUIRE(o.results.size() == 6);
  for (const auto& [path, r] : o.results) {
    INFO(path << ": " << r.error.message());
    CHECK_FALSE(r.error);
    CHECK(r.body == path);
  }
  CHECK(o.stats.connections_opened == 2);
  CHECK(o.stats.retries == 3);
}

TEST_CASE("client over h2c: a reset stream fails its request only", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("rst");
  const auto o = fetch_paths(peer.port(), "/ok1", {"/reset-me", "/ok2"});
  REQUIRE(o.results.size() == 3);
  CHECK(o.results.at("/reset-me").error == corofetch::http2::errc::internal_error);
  CHECK(o.results.at("/ok1").body == "/ok1");
  CHECK(o.results.at("/ok2").body == "/ok2");
  CHECK(o.stats.connections_opened == 1);
}
