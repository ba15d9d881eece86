// The connection against a real nginx with HTTP/2 (nginx-light 1.22's http_v2): h2c with prior
// knowledge and TLS with ALPN "h2", started by the fixture on free loopback ports.
#include <corofetch/http2/connection.hpp>

#include "net/run.hpp"
#include "support/client/nginx_server.hpp"
#include "support/http2/h2_client.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

using corofetch::test::fetch_all;
using corofetch::test::h2_request;
using corofetch::test::nginx_server;
using corofetch::test::run_coro;
using corofetch::test::start_h2c;

namespace {

// A folder of files of the sizes that matter to HTTP/2: empty, one byte, one frame, above the
// 65,535-byte default window, above our 4 MiB stream window.
class site {
 public:
  site() {
    std::string templ = (std::filesystem::temp_directory_path() / "cf_h2_site_XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = templ;
    for (const std::size_t n :
         {std::size_t{0}, std::size_t{1}, std::size_t{16384}, std::size_t{65536},
          (std::size_t{1} << 20U) + 7, (std::size_t{5} << 20U) + 3}) {
      std::string bytes(n, '\0');
      for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>((i * 7 + n) % 251);
      const auto name = "f" + std::to_string(n) + ".bin";
      std::ofstream(root_ / name, std::ios::binary) << bytes;
      files_[name] = std::move(bytes);
    }
    std::filesystem::create_directories(root_ / "upload");
  }
  ~site() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  site(const site&) = delete;
  site& operator=(const site&) = delete;

  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
  [[nodiscard]] const std::map<std::string, std::string>& files() const noexcept { return files_; }

 private:
  std::filesystem::path root_;
  std::map<std::string, std::string> files_;
};

nginx_server::options h2_options(const std::string& extra = {}) {
  nginx_server::options o;
  o.gzip = false;
  o.http2 = true;
  o.cert_file = corofetch::test::shared_pki().server().cert;
  o.key_file = corofetch::test::shared_pki().server().key;
  // WebDAV PUT stores uploads, so a request body can be read back byte for byte.
  o.extra =
      "    location /upload/ { dav_methods PUT; create_full_put_path on;"
      " client_max_body_size 16m; client_body_buffer_size 1m; }\n" +
      extra;
  return o;
}

#define REQUIRE_NGINX()                                           \
  do {                                                            \
    if (!nginx_server::available()) {                             \
      WARN("nginx is not installed: HTTP/2 system test skipped"); \
      return;                                                     \
    }                                                             \
  } while (false)

}  // namespace

TEST_CASE("nginx h2c: many concurrent streams, every body byte-identical", "[system]") {
  REQUIRE_NGINX();
  site s;
  nginx_server nginx(s.root(), h2_options());
  run_coro(
      [&]() -> asio::awaitable<void> {
        auto conn = co_await start_h2c(nginx.http_port());
        REQUIRE(conn);
        std::vector<corofetch::http::request> reqs;
        std::vector<std::string> expected;
        for (int round = 0; round < 8; ++round) {
          for (const auto& [name, bytes] : s.files()) {
            reqs.push_back(h2_request("/" + name));
            expected.push_back(bytes);
          }
        }
        auto results = co_await fetch_all(*conn, reqs);
        for (std::size_t i = 0; i < results.size(); ++i) {
          REQUIRE(results[i]);
          CHECK(results[i]->head.status == 200);
          CHECK(results[i]->head.fields.find("server").value_or("").substr(0, 5) == "nginx");
          CHECK(results[i]->body.size() == expected[i].size());
          CHECK(results[i]->body == expected[i]);
        }
        CHECK((*conn)->peak_streams() > 1);
        CHECK((*conn)->max_concurrent_streams() == 128);  // nginx's default
        co_await (*conn)->async_close();
        CHECK_FALSE((*conn)->is_open());
      },
      std::chrono::seconds(60));
}

TEST_CASE("nginx h2c: 404, and an upload read back byte for byte", "[system]") {
  REQUIRE_NGINX();
  site s;
  nginx_server nginx(s.root(), h2_options());
  std::string payload((std::size_t{3} << 20U) + 11, '\0');  // above every initial window
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i % 253);
  run_coro([&]() -> asio::awaitable<void> {
    auto conn = co_await start_h2c(nginx.http_port());
    REQUIRE(conn);
    auto missing = co_await (*conn)->async_fetch(h2_request("/missing.png"));
    REQUIRE(missing);
    CHECK(missing->head.status == 404);
    CHECK(missing->head.reason == "Not Found");

    auto put = h2_request("/upload/a.bin", corofetch::http::method::put);
    put.set_body(payload);
    auto stored = co_await (*conn)->async_fetch(put);
    REQUIRE(stored);
    CHECK(stored->head.status == 201);
    auto streamed = h2_request("/upload/b.bin", corofetch::http::method::put);
    streamed.set_body(std::make_shared<corofetch::http::memory_source>(payload, false));
    auto stored2 = co_await (*conn)->async_fetch(streamed);
    REQUIRE(stored2);
    CHECK(stored2->head.status == 201);
    auto back = co_await (*conn)->async_fetch(h2_request("/upload/a.bin"));
    REQUIRE(back);
    CHECK(back->body == payload);
    auto back2 = co_await (*conn)->async_fetch(h2_request("/upload/b.bin"));
    REQUIRE(back2);
    CHECK(back2->body == payload);

    // POST to a static file: nginx reads the body and refuses the method, the connection goes on.
    auto post = h2_request("/f1.bin", corofetch::http::method::post);
    post.set_body(std::string(100000, 'p'));
    auto refused = co_await (*conn)->async_fetch(post);
    REQUIRE(refused);
    CHECK(refused->head.status == 405);
    auto after = co_await (*conn)->async_fetch(h2_request("/f1.bin"));
    REQUIRE(after);
    CHECK(after->body == s.files().at("f1.bin"));
    (*conn)->close();
  });
}

TEST_CASE("nginx h2c with http2_max_concurrent_streams 1", "[system]") {
  REQUIRE_NGINX();
  site s;
  nginx_server nginx(s.root(), h2_options("    http2_max_concurrent_streams 1;\n"));
  run_coro(
      [&]() -> asio::awaitable<void> {
        auto conn = co_await start_h2c(nginx.http_port());
        REQUIRE(conn);
        CHECK((*conn)->max_concurrent_streams() == 1);
        std::vector<corofetch::http::request> reqs;
        std::vector<std::string> expected;
        for (int i = 0; i < 12; ++i) {
          for (const auto& [name, bytes] : s.files()) {
            if (bytes.size() > 100000) continue;
            reqs.push_back(h2_request("/" + name));
            expected.push_back(bytes);
          }
        }
        auto results = co_await fetch_all(*conn, reqs);
        for (std::size_t i = 0; i < results.size(); ++i) {
          REQUIRE(results[i]);
          CHECK(results[i]->body == expected[i]);
        }
        CHECK((*conn)->peak_streams() == 1);
        (*conn)->close();
      },
      std::chrono::seconds(60));
}

TEST_CASE("nginx over TLS with ALPN h2", "[system]") {
  REQUIRE_NGINX();
  site s;
  nginx_server nginx(s.root(), h2_options());
  auto ctx = corofetch::test::h2_tls_context(corofetch::test::shared_pki().ca_file().string());
  run_coro(
      [&]() -> asio::awaitable<void> {
        std::string alpn;
        corofetch::http2::connection_options o;
        auto conn = co_await corofetch::test::start_h2_tls(nginx.https_port(), *ctx, alpn, o);
        CHECK(alpn == "h2");
        REQUIRE(conn);
        std::vector<corofetch::http::request> reqs;
        std::vector<std::string> expected;
        for (int round = 0; round < 4; ++round) {
          for (const auto& [name, bytes] : s.files()) {
            reqs.push_back(h2_request("/" + name));
            expected.push_back(bytes);
          }
        }
        auto results = co_await fetch_all(*conn, reqs);
        for (std::size_t i = 0; i < results.size(); ++i) {
          REQUIRE(results[i]);
          CHECK(results[i]->head.status == 200);
          CHECK(results[i]->body == expected[i]);
        }
        CHECK((*conn)->peak_streams() > 1);
        co_await (*conn)->async_close();
      },
      std::chrono::seconds(60));
}
