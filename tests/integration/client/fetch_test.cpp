#include <corofetch/client/client.hpp>
#include <corofetch/http/error.hpp>

#include "harness.hpp"

#include <catch2/catch.hpp>

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace cf_client_test;
using corofetch::http::method;
namespace http = corofetch::http;

namespace {

// gzip (windowBits 31) or zlib (15) or raw deflate (-15) of `data`, made with zlib for the test.
std::string compress(std::string_view data, int window_bits) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));  // NOLINT: zlib's API
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("a GET returns status, reason, fields, body and timing", "[integration]") {
  scripted_server server({script().expect_until().send(ok("hello", "X-Test: 1\r\n"))});
  auto f = fetch_once(make(method::get, url_of(server, "/a?b=c")), {});
  REQUIRE_FALSE(f.error);
  CHECK(f.response.status == 200);
  CHECK(f.response.reason == "OK");
  CHECK(f.response.body == "hello");
  CHECK(f.response.body_bytes == 5);
  CHECK(f.response.fields.find("X-Test") == std::optional<std::string_view>("1"));
  CHECK_FALSE(f.response.reused);
  CHECK(f.response.url == url_of(server, "/a?b=c"));
  CHECK(f.response.timing.connect.count() > 0);
  CHECK(f.response.timing.first_byte.count() > 0);
  CHECK(f.response.remote.address().to_string() == "127.0.0.1");
  CHECK(f.response.remote.port() == server.port());
  CHECK(f.response.connection_id != 0);
  const std::string sent = server.received(0);
  CHECK(sent.rfind("GET /a?b=c HTTP/1.1\r\n", 0) == 0);
  CHECK(sent.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n") !=
        std::string::npos);
  CHECK(sent.find("\r\nAccept-Encoding: gzip, deflate\r\n") != std::string::npos);
}

TEST_CASE("keep-alive: many requests run on one accepted connection", "[integration]") {
  constexpr int requests = 20;
  scripted_server server({serve_n(requests, ok("same"))});
  auto [errors, reused, stats] =
      run_coro([&]() -> asio::awaitable<std::tuple<int, int, client::pool_stats>> {
        client::client c(co_await asio::this_coro::executor, loopback_options());
        client::response out;
        int errs = 0;
        int reuses = 0;
        std::uint64_t first_connection = 0;
        const auto req = make(method::get, url_of(server, "/k"));
        const client::fetch_options fo;
        for (int i = 0; i < requests; ++i) {
          auto ec = co_await c.async_fetch_into(req, out, fo);
          if (ec || out.body != "same") ++errs;
          if (i == 0) first_connection = out.connection_id;
          if (out.connection_id != first_connection || out.remote.port() != server.port()) ++errs;
          if (out.reused) ++reuses;
        }
        co_return std::tuple{errs, reuses, c.stats()};
      });
  CHECK(errors == 0);
  CHECK(reused == requests - 1);
  CHECK(server.accepted() == 1);
  CHECK(stats.connections_opened == 1);
  CHECK(stats.idle == 1);
}

TEST_CASE("the shorthands: get, head and post", "[integration]") {
  script s;
  s.expect_until().send(ok("got"));
  s.expect_until().send("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");  // HEAD: no body
  s.expect_until().expect_bytes(7).send(response_bytes(201, "Created", "made"));
  scripted_server server({s});
  auto [get, head, post] =
      run_coro([&]() -> asio::awaitable<std::tuple<std::string, std::string, int>> {
        client::client c(co_await asio::this_coro::executor, loopback_options());
        auto g = co_await c.async_get(url_of(server, "/g"));
        auto h = co_await c.async_head(url_of(server, "/h"), {});
        auto p = co_await c.async_post(url_of(server, "/p"), "payload", "text/plain", {});
        co_return std::tuple{
            g ? g->body : g.error().message(),
            h ? std::string(h->fields.find("Content-Length").value_or("")) + "|" + h->body
              : h.error().message(),
            p ? p->status : -1};
      });
  CHECK(get == "got");
  CHECK(head == "1234|");
  CHECK(post == 201);
  CHECK(server.accepted() == 1);
  const std::string sent = server.received(0);
  CHECK(sent.find("HEAD /h HTTP/1.1\r\n") != std::string::npos);
  CHECK(sent.find("POST /p HTTP/1.1\r\n") != std::string::npos);
  CHECK(sent.find("Content-Type: text/plain\r\n") != std::string::npos);
  CHECK(sent.find("Content-Length: 7\r\n\r\npayload") != std::string::npos);
}

TEST_CASE("the shorthands read their URL at once: a temporary may be gone when awaited",
          "[integration]") {
  script s;
  s.expect_until().send(ok("got"));
  s.expect_until().send(response_bytes(201, "Created", "made"));
  scripted_server server({s});
  auto [get, post] = run_coro([&]() -> asio::awaitable<std::pair<std::string, int>> {
    client::client c(co_await asio::this_coro::executor, loopback_options());
    // The strings die at the end of each statement, before the awaitables run (ASan sees any
    // read of them); the content type too.
    auto pending_get = c.async_get(url_of(server, "/a-path-longer-than-sso"));
    auto pending_post =
        c.async_post(url_of(server, "/p"), "x", std::string("text/plain; charset=utf-8"), {});
    auto g = co_await std::move(pending_get);
    auto p = co_await std::move(pending_post);
    co_return std::pair{g ? g->body : g.error().message(), p ? p->status : -1};
  });
  CHECK(get == "got");
  CHECK(post == 201);
  const std::string sent = server.received(0);
  CHECK(sent.rfind("GET /a-path-longer-than-sso HTTP/1.1\r\n", 0) == 0);
  CHECK(sent.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
}

TEST_CASE("bodies: chunked, split in pieces, and ended by close", "[integration]") {
  SECTION("chunked, sent one piece at a time") {
    const std::string chunked =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n"
        "X-Trailer: t\r\n\r\n";
    scripted_server server({script().expect_until().send_split(chunked, 9, 5ms)});
    auto f = fetch_once(make(method::get, url_of(server)), {});
    REQUIRE_FALSE(f.error);
    CHECK(f.response.body == "hello world");
    CHECK(f.response.trailers.find("X-Trailer") == std::optional<std::string_view>("t"));
  }
  SECTION("without length, the body ends when the server closes") {
    scripted_server server(
        {script().expect_until().send("HTTP/1.1 200 OK\r\n\r\nuntil close").close()});
    auto f = fetch_once(make(method::get, url_of(server)), {});
    REQUIRE_FALSE(f.error);
    CHECK(f.response.body == "until close");
  }
}

TEST_CASE("a short or reset body is an error, never a success", "[integration]") {
  SECTION("closed before Content-Length bytes") {
    scripted_server server({script()
                                .expect_until()
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
                                .close()});
    auto f = fetch_once(make(method::get, url_of(server)), {});
    CHECK(f.error == http::errc::truncated);
  }
  SECTION("reset in the middle of the body") {
    scripted_server server({script()
                                .expect_until()
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart")
                                .delay(20ms)
                                .reset()});
    auto f = fetch_once(make(method::get, url_of(server)), {});
    CHECK(f.error == asio::error::connection_reset);
    CHECK(f.response.error_detail.find("GET http://127.0.0.1:") == 0);
  }
  SECTION("closed in a chunked body") {
    scripted_server server(
        {script()
             .expect_until()
             .send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")
             .close()});
    auto f = fetch_once(make(method::get, url_of(server)), {});
    CHECK(f.error == http::errc::truncated);
  }
  SECTION("closed before any byte of a response on a new connection") {
    scripted_server server({script().expect_until().close()});
    auto f = fetch_once(make(method::get, url_of(server)), {});
    CHECK(f.error == http::errc::empty_response);
    CHECK(server.accepted() == 1);  // a fresh connection is never retried
  }
}

TEST_CASE("a body over the limit is an error", "[integration]") {
  scripted_server server({script().expect_until().send(ok(std::string(1000, 'x')))});
  client::fetch_options fo;
  fo.max_body_bytes = 999;
  auto f = fetch_once(make(method::get, url_of(server)), fo);
  CHECK(f.error == client::errc::body_too_large);
}

TEST_CASE("a malformed response is a protocol error", "[integration]") {
  scripted_server server({script().expect_until().send("HTTP/1.1 2x0 OK\r\n\r\n")});
  auto f = fetch_once(make(method::get, url_of(server)), {});
  CHECK(f.error == http::errc::invalid_status_line);
}

TEST_CASE("a response with Connection: close, or with bytes after it, is not reused",
          "[integration]") {
  const std::string first = GENERATE(std::string("Connection: close\r\n"), std::string());
  const std::string trailing_junk = first.empty() ? "junk" : "";
  scripted_server server({script().expect_until().send(ok("one", first) + trailing_junk).stall(),
                          script().expect_until().send(ok("two"))});
  auto bodies = run_coro([&]() -> asio::awaitable<std::string> {
    client::client c(co_await asio::this_coro::executor, loopback_options());
    auto a = co_await c.async_get(url_of(server));
    auto b = co_await c.async_get(url_of(server));
    co_return (a ? a->body : a.error().message()) + "," + (b ? b->body : b.error().message());
  });
  CHECK(bodies == "one,two");
  CHECK(server.accepted() == 2);
}

TEST_CASE("bodies stream to a callback or a file sink chunk by chunk", "[integration]") {
  const std::string body(100000, 'b');
  SECTION("callback") {
    scripted_server server({script().expect_until().send_split(ok(body), 5, 5ms)});
    std::size_t chunks = 0;
    std::size_t bytes = 0;
    client::callback_sink sink([&](std::string_view c) {
      ++chunks;
      bytes += c.size();
      return std::error_code{};
    });
    client::fetch_options fo;
    fo.sink = &sink;
    fo.max_body_bytes = 10;  // the limit is for response::body only
    auto f = fetch_once(make(method::get, url_of(server)), fo);
    REQUIRE_FALSE(f.error);
    CHECK(bytes == body.size());
    CHECK(chunks >= 2);
    CHECK(f.response.body.empty());
    CHECK(f.response.body_bytes == body.size());
  }
  SECTION("a callback that fails stops the fetch") {
    scripted_server server({script().expect_until().send(ok(body))});
    client::callback_sink sink(
        [](std::string_view) { return std::make_error_code(std::errc::no_space_on_device); });
    client::fetch_options fo;
    fo.sink = &sink;
    auto f = fetch_once(make(method::get, url_of(server)), fo);
    CHECK(f.error == client::errc::sink_failed);
  }
  SECTION("file") {
    scripted_server server({script().expect_until().send(ok(body))});
    const auto path = std::filesystem::temp_directory_path() /
                      ("cf_client_sink_" + std::to_string(server.port()));
    {
      auto sink = client::file_sink::open(path);
      REQUIRE(sink.has_value());
      client::fetch_options fo;
      fo.sink = &*sink;
      auto f = fetch_once(make(method::get, url_of(server)), fo);
      REQUIRE_FALSE(f.error);
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream got;
    got << in.rdbuf();
    CHECK(got.str() == body);
    std::filesystem::remove(path);
  }
}

TEST_CASE("gzip and deflate bodies are decoded by default, within the cap", "[integration]") {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + "\n";
  const auto [coding, bits] =
      GENERATE(std::pair{std::string("gzip"), 31}, std::pair{std::string("deflate"), 15},
               std::pair{std::string("deflate"), -15});
  const std::string packed = compress(text, bits);
  const std::string wire = ok(packed, "Content-Encoding: " + coding + "\r\n");
  SECTION("decoded") {
    scripted_server server({script().expect_until().send_split(wire, 4, 2ms)});
    auto f = fetch_once(make(method::get, url_of(server)), {});
    REQUIRE_FALSE(f.error);
    CHECK(f.response.decoded);
    CHECK(f.response.body == text);
    CHECK(f.response.wire_body_bytes == packed.size());
  }
  SECTION("over the decoded-size cap") {
    scripted_server server({script().expect_until().send(wire)});
    client::fetch_options fo;
    fo.max_decoded_bytes = 1000;
    auto f = fetch_once(make(method::get, url_of(server)), fo);
    CHECK(f.error == http::errc::decoded_too_large);
  }
  SECTION("not decoded when turned off: no Accept-Encoding, raw bytes") {
    scripted_server server({script().expect_until().send(wire)});
    client::fetch_options fo;
    fo.decode_content = false;
    auto f = fetch_once(make(method::get, url_of(server)), fo);
    REQUIRE_FALSE(f.error);
    CHECK(f.response.body == packed);
    CHECK(server.received(0).find("Accept-Encoding") == std::string::npos);
  }
}

TEST_CASE("a corrupt gzip body is an error", "[integration]") {
  scripted_server server(
      {script().expect_until().send(ok("not gzip at all", "Content-Encoding: gzip\r\n"))});
  auto f = fetch_once(make(method::get, url_of(server)), {});
  CHECK(f.error == http::errc::corrupt_coding);
}

TEST_CASE("URL credentials become Basic authorization; bad input is refused", "[integration]") {
  SECTION("credentials") {
    scripted_server server({script().expect_until().send(ok(""))});
    auto f = fetch_once(
        make(method::get, "http://us%65r:p%40ss@127.0.0.1:" + std::to_string(server.port()) + "/"),
        {});
    REQUIRE_FALSE(f.error);
    // base64("user:p@ss")
    CHECK(server.received(0).find("Authorization: Basic dXNlcjpwQHNz\r\n") != std::string::npos);
  }
  SECTION("a header value with CR LF is rejected before anything is sent") {
    scripted_server server({script().expect_until().send(ok(""))});
    auto req = make(method::get, url_of(server));
    req.fields.add("X-Bad", "a\r\nInjected: yes");
    auto f = fetch_once(req, {});
    CHECK(f.error == http::errc::invalid_field_value);
    CHECK(server.received(0).empty());
  }
  SECTION("a scheme other than http(s)") {
    auto r = client::request::make(method::get, "ftp://127.0.0.1/x");
    CHECK(r.error() == client::errc::unsupported_scheme);
  }
}

TEST_CASE("a request with Connection: close does not return its connection to the pool",
          "[integration]") {
  scripted_server server(
      {script().expect_until().send(ok("a")).stall(), script().expect_until().send(ok("b"))});
  auto first = make(method::get, url_of(server));
  first.fields.add("Connection", "Close");
  auto o = fetch_sequence({first, make(method::get, url_of(server))}, {});
  REQUIRE_FALSE(o.results[0].error);
  REQUIRE_FALSE(o.results[1].error);
  CHECK(o.results[1].response.body == "b");
  CHECK_FALSE(o.results[1].response.reused);
  CHECK(server.accepted() == 2);
  CHECK(server.received(0).find("\r\nConnection: Close\r\n") != std::string::npos);
}

TEST_CASE("an IPv6 literal URL: connect to ::1, Host in brackets", "[integration]") {
  scripted_server server({script().expect_until().send(ok("six"))},
                         scripted_server::options::loopback_v6());
  const std::string url = "http://[::1]:" + std::to_string(server.port()) + "/v6";
  auto f = fetch_once(make(method::get, url), {});
  REQUIRE_FALSE(f.error);
  CHECK(f.response.body == "six");
  CHECK(server.received(0).find("\r\nHost: [::1]:" + std::to_string(server.port()) + "\r\n") !=
        std::string::npos);
}
