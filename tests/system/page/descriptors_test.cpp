// cf-page out of file descriptors (issue 16, item 7): with `ulimit -n 64` and 300 images asked
// for at once, the loader lowers its concurrency as sockets fail with EMFILE and fetches every
// image once the others' descriptors come back; none fails for it, none is lost.
#include "support/client/nginx_server.hpp"
#include "support/common/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace fs = std::filesystem;
using corofetch::test::example_tool;
using corofetch::test::nginx_server;
using corofetch::test::run_process;
using json = nlohmann::json;

namespace {

constexpr int image_count = 300;

// A page naming image_count small images, in a fresh directory.
fs::path make_site() {
  std::string templ = (fs::temp_directory_path() / "cf_page_fd_XXXXXX").string();
  REQUIRE(::mkdtemp(templ.data()) != nullptr);
  const fs::path root = templ;
  fs::create_directory(root / "img");
  std::ofstream page(root / "index.html");
  page << "<!doctype html><title>many</title>\n";
  for (int i = 0; i < image_count; ++i) {
    page << "<img src=\"img/" << i << ".gif\">\n";
    std::ofstream(root / "img" / (std::to_string(i) + ".gif"), std::ios::binary)
        << "GIF89a image " << i;
  }
  return root;
}

}  // namespace

TEST_CASE("cf-page under ulimit -n 64 with 300 images at once: all fetched, concurrency lowered",
          "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
#ifdef CF_TEST_SANITIZED
  // UBSan's vptr check tests whether memory is readable through a pipe(): out of descriptors,
  // it reports every object it has not seen yet as having an invalid vptr. Run unsanitized.
  WARN("not run in a sanitizer build: the sanitizer runtime needs descriptors of its own");
  return;
#endif
  const fs::path root = make_site();
  nginx_server nginx(root, {});
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.http_port()) + "/";
  auto run = run_process({"/usr/bin/prlimit", "--nofile=64", "--", example_tool("cf-page"),
                          "--json", "--concurrency", "300", "--per-host", "300", url},
                         std::chrono::seconds(60));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json result = json::parse(run.out);
  CHECK(result["failed"] == 0);
  REQUIRE(result["images"].size() == image_count);
  std::set<std::string> urls;
  for (const auto& image : result["images"]) {
    CHECK(image["status"] == 200);
    urls.insert(image["url"].get<std::string>());
  }
  CHECK(urls.size() == image_count);  // each once
  // Fewer than 64 descriptors cannot hold 300 connections: the load went on at fewer.
  CHECK(result["lowered_concurrency"].get<int>() > 0);
  CHECK(result["lowered_concurrency"].get<int>() < 64);
  CHECK(run.err.find("out of file descriptors") != std::string::npos);
  fs::remove_all(root);
}
