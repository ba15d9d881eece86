#include <corofetch/client/client.hpp>

#include "support/client/nginx_server.hpp"
#include "support/net/run.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>

#include <asio/experimental/awaitable_operators.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

using namespace std::chrono_literals;
namespace client = corofetch::client;
using corofetch::test::nginx_server;
using corofetch::test::run_coro;

namespace {

// A folder of static files: text that nginx gzips, binary that it does not, sizes from empty
// to a few MiB, and a directory index.
class site {
 public:
  site() {
    std::string templ = (std::filesystem::temp_directory_path() / "cf_site_XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    root_ = templ;
    std::filesystem::create_directories(root_ / "dir");
    std::mt19937 rng(42);
    std::string binary(3 * 1024 * 1024 + 17, '\0');
    for (char& ch : binary) ch = static_cast<char>(rng() & 0xFF);
    std::string text;
    for (int i = 0; text.size() < 700000; ++i) {
      text += "<p>paragraph " + std::to_string(i) + " of a page that compresses well</p>\n";
    }
    add("empty.txt", "");
    add("one.txt", "1");
    add("small.html", "<html><body>small</body></html>\n");
    add("page.html", text);
    add("data.json", R"({"a": [1, 2, 3], "b": "text"})");
    add("blob.bin", binary);
    add("dir/index.html", "<html>index of dir</html>\n");
    for (int i = 0; i < 40; ++i)
      add("f/" + std::to_string(i) + ".txt",
          std::string(static_cast<std::size_t>(100 + i * 37), static_cast<char>('a' + i % 26)));
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
    std::filesystem::create_directories((root_ / name).parent_path());
    std::ofstream(root_ / name, std::ios::binary) << content;
    files_[name] = content;
  }
  std::filesystem::path root_;
  std::map<std::string, std::string> files_;
};

client::client_options options_for_nginx() {
  client::client_options o;
  o.resolver.hosts_file = "";
  o.resolver.servers = {"127.0.0.1:9"};
  o.tls.ca_file = corofetch::test::shared_pki().ca_file().string();
  return o;
}

nginx_server::options nginx_options() {
  const auto& pki = corofetch::test::shared_pki();
  return {pki.server().cert, pki.server().key, true};
}

struct outcome {
  std::map<std::string, std::string> bodies;
  std::map<std::string, bool> decoded;
  std::vector<std::string> errors;
  client::pool_stats stats;
};

outcome fetch_all(const site& s, const std::string& base) {
  return run_coro(
      [&]() -> asio::awaitable<outcome> {
        client::client c(co_await asio::this_coro::executor, options_for_nginx());
        outcome o;
        client::response out;
        client::fetch_options fo;
        for (const auto& [name, content] : s.files()) {
          auto req = client::request::make(corofetch::http::method::get, base + "/" + name);
          REQUIRE(req.has_value());
          auto ec = co_await c.async_fetch_into(*req, out, fo);
          if (ec || out.status != 200) {
            o.errors.push_back(name + ": " + (ec ? out.error_detail : std::to_string(out.status)));
            continue;
          }
          o.bodies[name] = out.body;
          o.decoded[name] = out.decoded;
        }
        o.stats = c.stats();
        co_return o;
      },
      60s);
}

struct misc_outcome {
  std::string index;
  std::size_t redirects = 0;
  int missing = 0;
  std::string head_length;
  std::string head_body;
};

asio::awaitable<misc_outcome> misc_fetches(const nginx_server& nginx) {
  client::client c(co_await asio::this_coro::executor, options_for_nginx());
  misc_outcome m;
  client::fetch_options fo;
  fo.follow_redirects = true;
  const std::string dir_url = nginx.http_url() + "/dir";
  auto dir = co_await c.async_get(dir_url, fo);
  m.index = dir ? dir->body : dir.error().message();
  m.redirects = dir ? dir->redirects.size() : 0;
  const std::string missing_url = nginx.https_url() + "/nope.html";
  auto gone = co_await c.async_get(missing_url, fo);
  m.missing = gone ? gone->status : -1;
  client::fetch_options identity;
  identity.decode_content = false;
  const std::string blob_url = nginx.http_url() + "/blob.bin";
  auto head = co_await c.async_head(blob_url, identity);
  m.head_length = head ? std::string(head->fields.find("Content-Length").value_or("?"))
                       : head.error().message();
  m.head_body = head ? head->body : "?";
  co_return m;
}

}  // namespace

TEST_CASE("nginx over http and https: every body identical to its file, gzip undone", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  site files;
  nginx_server nginx(files.root(), nginx_options());
  for (const std::string& base : {nginx.http_url(), nginx.https_url()}) {
    INFO(base);
    const outcome o = fetch_all(files, base);
    CHECK(o.errors.empty());
    for (const auto& [name, content] : files.files()) {
      INFO(name);
      REQUIRE(o.bodies.count(name) == 1);
      CHECK(o.bodies.at(name).size() == content.size());
      CHECK(o.bodies.at(name) == content);
    }
    CHECK(o.decoded.at("page.html"));  // nginx gzipped it and the client undid it
    CHECK(o.decoded.at("data.json"));
    CHECK_FALSE(o.decoded.at("blob.bin"));
    CHECK(o.stats.connections_opened == 1);  // all of it on one keep-alive connection
  }
}

TEST_CASE("nginx: a directory redirect is followed to its index, 404 and HEAD", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  site files;
  nginx_server nginx(files.root(), nginx_options());
  const misc_outcome m = run_coro([&] { return misc_fetches(nginx); }, 30s);
  const auto& [index, redirects, missing, head_length, head_body] = m;
  CHECK(index == files.files().at("dir/index.html"));
  CHECK(redirects == 1);
  CHECK(missing == 404);
  CHECK(head_length == std::to_string(files.files().at("blob.bin").size()));
  CHECK(head_body.empty());
}

TEST_CASE("nginx: many concurrent fetches through the pool, bodies intact", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  site files;
  nginx_server nginx(files.root(), nginx_options());
  auto [mismatches, stats] = run_coro(
      [&]() -> asio::awaitable<std::pair<int, client::pool_stats>> {
        using namespace asio::experimental::awaitable_operators;
        auto o = options_for_nginx();
        o.pool.max_per_host = 4;
        client::client c(co_await asio::this_coro::executor, o);
        int bad = 0;
        auto worker = [&](int id) -> asio::awaitable<void> {
          for (int i = 0; i < 40; ++i) {
            const std::string name = "f/" + std::to_string((i + id * 7) % 40) + ".txt";
            // Named first: g++ 12 destroys some temporaries of a co_await expression twice.
            const std::string url = (id % 2 ? nginx.https_url() : nginx.http_url()) + "/" + name;
            auto r = co_await c.async_get(url);
            if (!r || r->body != files.files().at(name)) ++bad;
          }
        };
        co_await (worker(0) && worker(1) && worker(2) && worker(3) && worker(4) && worker(5) &&
                  worker(6) && worker(7));
        co_return std::pair{bad, c.stats()};
      },
      60s);
  CHECK(mismatches == 0);
  CHECK(stats.connections_opened <= 8);  // 4 per origin at most
  CHECK(stats.reuses >= 300);
}
