// async_fetch's streaming form against the scripted peer (python3-h2): the handler sees the
// head, then the body piece by piece in order; a handler that refuses resets its stream only,
// with its own error; the handler's bound moves as the response arrives.
#include <corofetch/http2/connection.hpp>

#include "net/run.hpp"
#include "support/http2/h2_client.hpp"
#include "support/http2/h2_peer.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <system_error>

using corofetch::http2::errc;
using corofetch::test::h2_peer;
using corofetch::test::h2_request;
using corofetch::test::run_coro;
using corofetch::test::start_h2c;

namespace {

// Records what it is handed; refuses the body after `refuse_after` bytes when set.
class recorder final : public corofetch::http2::response_handler {
 public:
  std::error_code on_interim(const corofetch::http::response_head& /*head*/) override { return {}; }
  std::error_code on_head(const corofetch::http::response_head& head) override {
    status = head.status;
    events += "H";
    return {};
  }
  std::error_code on_data(std::string_view piece) override {
    if (status == 0) events += "!";  // DATA before the head would be a bug
    body.append(piece);
    ++pieces;
    if (refuse_after != 0 && body.size() >= refuse_after) {
      return std::make_error_code(std::errc::no_buffer_space);
    }
    return {};
  }
  std::error_code on_trailers(const corofetch::http::fields& /*trailers*/) override {
    events += "T";
    return {};
  }
  void on_submitted() noexcept override { events += "S"; }
  [[nodiscard]] bound current_bound() const noexcept override { return limit; }

  int status = 0;
  std::string body;
  std::string events;
  std::size_t pieces = 0;
  std::size_t refuse_after = 0;
  bound limit;
};

}  // namespace

TEST_CASE("streaming fetch: head first, then every body byte in order", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("normal");
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    recorder r;
    const corofetch::http2::fetch_options none;
    auto fetch = (*conn)->async_fetch(h2_request("/size/300000"), none, r);
    const std::error_code ec = co_await std::move(fetch);
    CHECK_FALSE(ec);
    CHECK(r.status == 200);
    CHECK(r.events == "SH");
    CHECK(r.body == corofetch::test::peer_pattern(300000));
    CHECK(r.pieces > 1);  // streamed, not collected
    co_await (*conn)->async_close();
  });
}

TEST_CASE("streaming fetch: a handler's refusal resets its stream only", "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("normal");
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    recorder refusing;
    refusing.refuse_after = 20000;
    const corofetch::http2::fetch_options none;
    auto first = (*conn)->async_fetch(h2_request("/size/1000000"), none, refusing);
    const std::error_code refused = co_await std::move(first);
    CHECK(refused == std::errc::no_buffer_space);
    CHECK((*conn)->is_open());
    // The connection goes on: the next stream is answered in full.
    recorder next;
    auto second = (*conn)->async_fetch(h2_request("/after"), none, next);
    const std::error_code ok = co_await std::move(second);
    CHECK_FALSE(ok);
    CHECK(next.body == "/after");
    co_await (*conn)->async_close();
  });
}

TEST_CASE("streaming fetch: the handler's bound ends the stream with the bound's error",
          "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("limit1");  // answers each request 50 ms late
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(peer.port());
    REQUIRE(conn);
    recorder late;
    late.limit = {std::chrono::steady_clock::now() + std::chrono::milliseconds(10),
                  std::make_error_code(std::errc::timed_out)};
    const corofetch::http2::fetch_options none;
    auto fetch = (*conn)->async_fetch(h2_request("/slow"), none, late);
    const std::error_code ec = co_await std::move(fetch);
    CHECK(ec == std::errc::timed_out);
    CHECK(late.status == 0);
    CHECK((*conn)->is_open());
    co_await (*conn)->async_close();
  });
}
