// The client against a real nginx with HTTP/2 (nginx-light 1.22's http_v2): ALPN picks h2 on
// TLS by default and every request of a burst rides one connection; --http1.1 keeps HTTP/1.1;
// prior knowledge speaks h2c on the plain port; content codings are undone as over HTTP/1.1.
#include <corofetch/client/client.hpp>

#include "support/client/nginx_server.hpp"
#include "support/net/run.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

using namespace std::chrono_literals;
namespace client = corofetch::client;
using corofetch::test::nginx_server;
using corofetch::test::run_coro;

namespace {

// Forty files from empty to 5 MiB (beyond our 4 MiB stream window), text that nginx gzips.
class site {
 public:
  site() {
    std::string templ = (std::filesystem::temp_directory_path() / "cf_h2c_site_XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    root_ = templ;
    for (std::size_t i = 0; i < 36; ++i) {
      add("f" + std::to_string(i) + ".bin", std::string(i * 997, static_cast<char>('a' + i % 26)));
    }
    std::string big((std::size_t{5} << 20U) + 3, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7) % 251);
    add("big.bin", big);
    std::string text;
    for (int i = 0; text.size() < 200000; ++i) text += "<p>line " + std::to_string(i) + "</p>\n";
    add("page.html", text);
    add("empty.txt", "");
    add("one.txt", "1");
  }
  ~site() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  site(const site&) = delete;
  site& operator=(const site&) = delete;

  [[nodiscard]] const std::filesystem::path& root() const { return root_; }
  [[nodiscard]] const std::map<std::string, std::string>& files() const { return files_; }

 private:
  void add(const std::string& name, const std::string& content) {
    std::ofstream(root_ / name, std::ios::binary) << content;
    files_[name] = content;
  }
  std::filesystem::path root_;
  std::map<std::string, std::string> files_;
};

nginx_server::options h2_nginx() {
  nginx_server::options o;
  o.cert_file = corofetch::test::shared_pki().server().cert;
  o.key_file = corofetch::test::shared_pki().server().key;
  o.gzip = true;
  o.http2 = true;
  return o;
}

client::client_options options_for(client::http_version_choice choice) {
  client::client_options o;
  o.resolver.hosts_file = "";
  o.resolver.servers = {"127.0.0.1:9"};
  o.tls.ca_file = corofetch::test::shared_pki().ca_file().string();
  o.http_version = choice;
  return o;
}

struct fetched {
  std::string body;
  int major = 0;
  bool decoded = false;
  std::string error;
};

struct burst {
  std::map<std::string, fetched> files;
  client::pool_stats stats;
};

// One fetch first (its connection opened), then every file at once.
burst fetch_burst(const site& s, const std::string& base, client::http_version_choice choice) {
  return run_coro(
      [&]() -> asio::awaitable<burst> {
        auto ex = co_await asio::this_coro::executor;
        client::client c(ex, options_for(choice));
        burst b;
        std::size_t running = 0;
        auto one = [&](std::string name) -> asio::awaitable<void> {
          const std::string url = base + "/" + name;
          auto got = co_await c.async_get(url);
          fetched& f = b.files[name];
          if (got && got->status == 200) {
            f.body = got->body;
            f.major = got->version.major_version;
            f.decoded = got->decoded;
          } else {
            f.error = got ? std::to_string(got->status) : got.error().message();
          }
          --running;
        };
        const std::string first = "one.txt";
        ++running;
        co_await one(first);
        for (const auto& [name, content] : s.files()) {
          ++running;
          asio::co_spawn(ex, one(name), asio::detached);
        }
        asio::steady_timer pause(ex);
        while (running > 0) {
          pause.expires_after(5ms);
          co_await pause.async_wait(asio::use_awaitable);
        }
        b.stats = c.stats();
        co_return b;
      },
      60s);
}

}  // namespace

TEST_CASE("client with nginx over TLS: ALPN agrees on h2, a burst rides one connection",
          "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  site files;
  nginx_server nginx(files.root(), h2_nginx());
  const auto b = fetch_burst(files, nginx.https_url(), client::http_version_choice::negotiate);
  REQUIRE(b.files.size() == files.files().size());
  for (const auto& [name, content] : files.files()) {
    const fetched& f = b.files.at(name);
    INFO(name << ": " << f.error);
    CHECK(f.error.empty());
    CHECK(f.major == 2);
    CHECK(f.body == content);
  }
  CHECK(b.files.at("page.html").decoded);  // gzip undone over HTTP/2 as over HTTP/1.1
  CHECK(b.stats.connections_opened == 1);
}

TEST_CASE("client with nginx: --http1.1 keeps HTTP/1.1, prior knowledge speaks h2c", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  site files;
  nginx_server nginx(files.root(), h2_nginx());

  const auto h1 = fetch_burst(files, nginx.https_url(), client::http_version_choice::http1_1);
  for (const auto& [name, content] : files.files()) {
    INFO(name << ": " << h1.files.at(name).error);
    CHECK(h1.files.at(name).major == 1);
    CHECK(h1.files.at(name).body == content);
  }
  CHECK(h1.stats.connections_opened > 1);  // one request at a time per connection

  const auto h2c =
      fetch_burst(files, nginx.http_url(), client::http_version_choice::http2_prior_knowledge);
  for (const auto& [name, content] : files.files()) {
    INFO(name << ": " << h2c.files.at(name).error);
    CHECK(h2c.files.at(name).major == 2);
    CHECK(h2c.files.at(name).body == content);
  }
  CHECK(h2c.stats.connections_opened == 1);
}
