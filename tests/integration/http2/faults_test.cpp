// The connection against a scripted HTTP/2 peer (python3-h2) that misbehaves on purpose: every
// fault ends in its own error code, bounded in time.
#include <corofetch/http2/connection.hpp>

#include "net/run.hpp"
#include "support/http2/h2_client.hpp"
#include "support/http2/h2_peer.hpp"

#include <catch2/catch.hpp>

#include <asio/experimental/awaitable_operators.hpp>

#include <string>
#include <vector>

using corofetch::result;
using corofetch::http::response;
using corofetch::http2::errc;
using corofetch::test::fetch_all;
using corofetch::test::h2_peer;
using corofetch::test::h2_request;
using corofetch::test::run_coro;
using corofetch::test::start_h2c;

TEST_CASE("many streams on one connection, bodies byte-identical", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("normal");
  const std::vector<std::size_t> sizes{0, 1, 16384, 100000, 1 << 20, (1 << 20) + 1};
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    std::vector<corofetch::http::request> reqs;
    for (int round = 0; round < 3; ++round) {
      for (auto n : sizes) reqs.push_back(h2_request("/size/" + std::to_string(n)));
    }
    auto results = co_await fetch_all(*conn, reqs);
    for (std::size_t i = 0; i < results.size(); ++i) {
      REQUIRE(results[i]);
      CHECK(results[i]->head.status == 200);
      CHECK(results[i]->head.version.major_version == 2);
      CHECK(results[i]->body == corofetch::test::peer_pattern(sizes[i % sizes.size()]));
    }
    CHECK((*conn)->peak_streams() > 1);
    co_await (*conn)->async_close();
    CHECK_FALSE((*conn)->is_open());
  });
}

TEST_CASE("GOAWAY mid-page: unanswered streams fail retryably", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("goaway", {"--streams", "6", "--answer", "3"});
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    std::vector<corofetch::http::request> reqs;
    for (int i = 0; i < 6; ++i) reqs.push_back(h2_request("/img" + std::to_string(i)));
    auto results = co_await fetch_all(*conn, reqs);
    for (std::size_t i = 0; i < 3; ++i) {
      REQUIRE(results[i]);
      CHECK(results[i]->body == "/img" + std::to_string(i));
    }
    for (std::size_t i = 3; i < 6; ++i) {
      REQUIRE_FALSE(results[i]);
      CHECK(results[i].error() == errc::unprocessed);
      CHECK(corofetch::http2::is_retryable(results[i].error()));
    }
    CHECK_FALSE((*conn)->is_open());
    auto late = co_await (*conn)->async_fetch(h2_request("/late"));
    REQUIRE_FALSE(late);
    CHECK(corofetch::http2::is_retryable(late.error()));
  });
}

TEST_CASE("RST_STREAM on one stream fails that one only", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("rst");
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    std::vector<corofetch::http::request> reqs{h2_request("/a.png"), h2_request("/reset/b.png"),
                                               h2_request("/c.png")};
    auto results = co_await fetch_all(*conn, reqs);
    REQUIRE(results[0]);
    CHECK(results[0]->body == "/a.png");
    REQUIRE_FALSE(results[1]);
    CHECK(results[1].error() == errc::internal_error);
    REQUIRE(results[2]);
    CHECK(results[2]->body == "/c.png");
    CHECK((*conn)->is_open());
    (*conn)->close();
  });
}

TEST_CASE("a stream limit of 1: streams wait for a free one", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("limit1");
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    CHECK((*conn)->max_concurrent_streams() == 1);
    std::vector<corofetch::http::request> reqs;
    for (int i = 0; i < 5; ++i) reqs.push_back(h2_request("/p" + std::to_string(i)));
    auto results = co_await fetch_all(*conn, reqs);
    for (std::size_t i = 0; i < 5; ++i) {
      REQUIRE(results[i]);
      CHECK(results[i]->head.status == 200);
      CHECK(results[i]->body == "/p" + std::to_string(i));
      CHECK(results[i]->head.fields.find("x-open-streams") == "1");
    }
    CHECK((*conn)->peak_streams() == 1);
    (*conn)->close();
  });
}

TEST_CASE("a tiny window: request bodies trickle through flow control", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("tinywindow");
  std::string payload(200000, 'u');
  for (std::size_t i = 0; i < payload.size(); i += 97) payload[i] = static_cast<char>(i % 251);
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    auto put = h2_request("/upload", corofetch::http::method::put);
    put.set_body(payload);
    auto streamed = h2_request("/upload2", corofetch::http::method::post);
    streamed.set_body(std::make_shared<corofetch::http::memory_source>(payload, false));
    std::vector<corofetch::http::request> reqs{put, streamed};
    auto results = co_await fetch_all(*conn, reqs);
    REQUIRE(results[0]);
    CHECK(results[0]->body == payload);
    REQUIRE(results[1]);
    CHECK(results[1]->body == payload);
    (*conn)->close();
  });
}

TEST_CASE("a peer that never acknowledges SETTINGS times out", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("noack");
  run_coro([&]() -> asio::awaitable<void> {
    corofetch::http2::connection_options o;
    o.settings_timeout = std::chrono::milliseconds(300);
    auto conn = co_await start_h2c(peer.port(), o);
    REQUIRE(conn);
    auto r = co_await (*conn)->async_fetch(h2_request("/"));
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::settings_timeout);
    CHECK((*conn)->error() == errc::settings_timeout);
  });
}

TEST_CASE("a peer that stops answering fails its PING", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("noack");
  run_coro([&]() -> asio::awaitable<void> {
    corofetch::http2::connection_options o;
    o.ping_interval = std::chrono::milliseconds(100);
    o.ping_timeout = std::chrono::milliseconds(200);
    auto conn = co_await start_h2c(peer.port(), o);
    REQUIRE(conn);
    auto r = co_await (*conn)->async_fetch(h2_request("/"));
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::ping_timeout);
  });
}

TEST_CASE("an idle connection answering PINGs stays up", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("normal");
  run_coro([&]() -> asio::awaitable<void> {
    corofetch::http2::connection_options o;
    o.ping_interval = std::chrono::milliseconds(50);
    o.ping_timeout = std::chrono::milliseconds(2000);
    auto conn = co_await start_h2c(peer.port(), o);
    REQUIRE(conn);
    asio::steady_timer idle(co_await asio::this_coro::executor, std::chrono::milliseconds(300));
    co_await idle.async_wait(asio::use_awaitable);
    CHECK_FALSE((*conn)->error());
    auto r = co_await (*conn)->async_fetch(h2_request("/after-idle"));
    REQUIRE(r);
    CHECK(r->body == "/after-idle");
    (*conn)->close();
  });
}

TEST_CASE("a huge header block fails its stream with header_list_too_large", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("hugeheaders", {"--header-bytes", "100000"});
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    auto r = co_await (*conn)->async_fetch(h2_request("/"));
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::header_list_too_large);
    CHECK_FALSE((*conn)->error());  // a stream error: the connection goes on
    (*conn)->close();
  });
}

TEST_CASE("a CONTINUATION flood ends the connection", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("continuation");
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    auto r = co_await (*conn)->async_fetch(h2_request("/"));
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::continuation_flood);
    CHECK((*conn)->error() == errc::continuation_flood);
  });
}

TEST_CASE("a request's deadline resets its stream only", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("normal");
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    corofetch::http2::fetch_options past;
    past.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
    auto late = co_await (*conn)->async_fetch(h2_request("/size/100000"), past);
    REQUIRE_FALSE(late);
    CHECK(late.error() == errc::request_timeout);
    auto next = co_await (*conn)->async_fetch(h2_request("/next"));
    INFO(next.error().message());
    REQUIRE(next);
    CHECK(next->body == "/next");
    CHECK((*conn)->is_open());
    (*conn)->close();
  });
}

TEST_CASE("a body above the caller's bound resets its stream", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("normal");
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    corofetch::http2::fetch_options bounded;
    bounded.max_body_bytes = 1000;
    auto big = co_await (*conn)->async_fetch(h2_request("/size/100000"), bounded);
    REQUIRE_FALSE(big);
    CHECK(big.error() == errc::body_too_large);
    auto small = co_await (*conn)->async_fetch(h2_request("/size/1000"), bounded);
    REQUIRE(small);
    CHECK(small->body.size() == 1000);
    (*conn)->close();
  });
}

TEST_CASE("an HTTP/1.1 server is not taken for HTTP/2", "[integration]") {
  // A loopback server that answers anything with an HTTP/1.1 400, as a server without h2c does.
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    asio::ip::tcp::acceptor acceptor(ex, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    asio::co_spawn(
        ex,
        [&acceptor]() -> asio::awaitable<void> {
          auto s = co_await acceptor.async_accept(asio::use_awaitable);
          const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
          co_await asio::async_write(s, asio::buffer(answer), asio::use_awaitable);
          std::error_code ignored;
          s.shutdown(asio::socket_base::shutdown_send, ignored);
          std::array<char, 1024> sink{};
          for (;;) {
            auto [ec, n] = co_await s.async_read_some(
                asio::buffer(sink), asio::experimental::as_tuple(asio::use_awaitable));
            if (ec) break;
          }
        },
        asio::detached);
    auto conn = co_await start_h2c(port);
    REQUIRE_FALSE(conn);
    CHECK(conn.error() == errc::not_http2);
  });
}

TEST_CASE("cancelling a fetch resets its stream", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("noack");  // answers nothing: the fetch can only end by being cancelled
  run_coro([&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer give_up(ex, std::chrono::milliseconds(100));
    auto fetch = (*conn)->async_fetch(h2_request("/never"));
    auto wait = give_up.async_wait(asio::use_awaitable);
    auto first = co_await (std::move(fetch) || std::move(wait));
    CHECK(first.index() == 1);  // the timer won; the fetch was cancelled
    asio::steady_timer settle(ex, std::chrono::milliseconds(50));
    co_await settle.async_wait(asio::use_awaitable);
    CHECK((*conn)->active_streams() == 0);  // RST_STREAM(CANCEL) went out and closed it
    CHECK((*conn)->is_open());
    (*conn)->close();
  });
}
