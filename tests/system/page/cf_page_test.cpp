// cf-page against a real nginx serving the bundled sample site (examples/sample-site): every
// image the page names is fetched once, byte for byte as on disk, concurrently within the
// bounds given; --save writes the site back identically; --har is an HTTP Archive of it all;
// and over HTTPS with the test PKI.
#include "support/client/nginx_server.hpp"
#include "support/common/process.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using corofetch::test::example_tool;
using corofetch::test::nginx_server;
using corofetch::test::run_process;
using json = nlohmann::json;

namespace {

const fs::path site_root = fs::path(CF_SOURCE_DIR) / "examples" / "sample-site";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The sample site's images, as the page names them: every file under img/ and icons/ but the
// ones only about.html names.
std::set<std::string> site_images() {
  std::set<std::string> out;
  for (const char* dir : {"img", "icons"}) {
    for (const auto& entry : fs::directory_iterator(site_root / dir)) {
      out.insert(std::string("/") + dir + "/" + entry.path().filename().string());
    }
  }
  return out;
}

fs::path fresh_dir() {
  std::string templ = (fs::temp_directory_path() / "cf_page_sys_XXXXXX").string();
  REQUIRE(::mkdtemp(templ.data()) != nullptr);
  return templ;
}

}  // namespace

TEST_CASE("cf-page loads the sample site's page and every image from nginx", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  nginx_server nginx(site_root, {});
  const std::string port = std::to_string(nginx.http_port());
  const std::string url = "http://gallery.test:" + port + "/";
  auto run = run_process({example_tool("cf-page"), "--json", "--concurrency", "4", "--per-host",
                          "3", "--resolve", "gallery.test:" + port + ":127.0.0.1", url});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json page = json::parse(run.out);
  CHECK(page["document"]["status"] == 200);
  CHECK(page["document"]["bytes"] == fs::file_size(site_root / "index.html"));
  CHECK(page["title"] == "corofetch sample gallery");
  CHECK(page["inline_images"] == 1);
  CHECK(page["failed"] == 0);
  CHECK(page["max_in_flight"].get<int>() <= 3);

  std::set<std::string> fetched;
  std::uint64_t bytes = page["document"]["bytes"].get<std::uint64_t>();
  for (const auto& image : page["images"]) {
    const std::string u = image["url"];
    REQUIRE(u.rfind("http://gallery.test:" + port + "/", 0) == 0);
    const std::string path = u.substr(u.find('/', 7));
    CHECK(fetched.insert(path).second);  // each once
    CHECK(image["status"] == 200);
    CHECK(image["bytes"] == fs::file_size(site_root / path.substr(1)));
    bytes += image["bytes"].get<std::uint64_t>();
  }
  const std::set<std::string> expected = site_images();
  CHECK(fetched == expected);
  CHECK(page["bytes"] == bytes);
  CHECK(page["connections"].get<int>() <= 3);
}

TEST_CASE("cf-page --save writes the page and images back as they are; --har records it",
          "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  nginx_server nginx(site_root, {});
  const fs::path dir = fresh_dir();
  const fs::path har = dir / "page.har";
  auto run = run_process({example_tool("cf-page"), "--quiet", "--save", (dir / "copy").string(),
                          "--har", har.string(), nginx.http_url() + "/"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const fs::path copy = dir / "copy" / ("127.0.0.1:" + std::to_string(nginx.http_port()));
  CHECK(read_file(copy / "index.html") == read_file(site_root / "index.html"));
  std::size_t files = 0;
  for (const std::string& path : site_images()) {
    INFO(path);
    CHECK(read_file(copy / path.substr(1)) == read_file(site_root / path.substr(1)));
    ++files;
  }
  CHECK(files == site_images().size());

  const json log = json::parse(read_file(har))["log"];
  CHECK(log["version"] == "1.2");
  CHECK(log["pages"][0]["title"] == "corofetch sample gallery");
  REQUIRE(log["entries"].size() == site_images().size() + 1);
  for (const auto& e : log["entries"]) {
    CHECK(e["response"]["status"] == 200);
    CHECK(e["pageref"] == "page_1");
    CHECK(e["timings"]["wait"].get<double>() >= 0);
  }
  fs::remove_all(dir);
}

TEST_CASE("cf-page over HTTPS, and its exit status when images or the page fail", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  const auto& pki = corofetch::test::shared_pki();
  nginx_server nginx(site_root, {pki.server().cert, pki.server().key, true});
  auto tls = run_process({example_tool("cf-page"), "--json", "--cacert", pki.ca_file().string(),
                          nginx.https_url() + "/"});
  INFO(tls.err);
  CHECK(tls.exit_code == 0);
  CHECK(json::parse(tls.out)["failed"] == 0);
  // Without the test CA the page itself fails verification: exit 2.
  auto untrusted = run_process({example_tool("cf-page"), nginx.https_url() + "/"});
  CHECK(untrusted.exit_code == 2);
  // about.html exists; a page that is missing: exit 2; bad usage: exit 2 with one line.
  CHECK(run_process({example_tool("cf-page"), "--quiet", nginx.http_url() + "/about.html"})
            .exit_code == 0);
  CHECK(run_process({example_tool("cf-page"), nginx.http_url() + "/missing.html"}).exit_code == 2);
  auto usage = run_process({example_tool("cf-page"), "--concurrency", "0", nginx.http_url()});
  CHECK(usage.exit_code == 2);
  CHECK(usage.err.find("--concurrency") != std::string::npos);
}

TEST_CASE("cf-page over HTTP/2: one connection carries the page and every image; --http1.1 not",
          "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  const auto& pki = corofetch::test::shared_pki();
  nginx_server::options o{pki.server().cert, pki.server().key, true};
  o.http2 = true;
  nginx_server nginx(site_root, o);
  const fs::path dir = fresh_dir();
  const fs::path har = dir / "h2.har";
  auto h2 = run_process({example_tool("cf-page"), "--json", "--cacert", pki.ca_file().string(),
                         "--har", har.string(), nginx.https_url() + "/"});
  INFO(h2.err);
  REQUIRE(h2.exit_code == 0);
  const json page = json::parse(h2.out);
  CHECK(page["failed"] == 0);
  CHECK(page["connections"] == 1);
  for (const auto& image : page["images"]) {
    const std::string u = image["url"];
    const std::string path = u.substr(u.find('/', 8));
    INFO(path);
    CHECK(image["status"] == 200);
    CHECK(image["bytes"] == fs::file_size(site_root / path.substr(1)));
  }
  const json log = json::parse(read_file(har))["log"];
  REQUIRE(log["entries"].size() == site_images().size() + 1);
  const auto connection = log["entries"][0]["connection"];
  for (const auto& e : log["entries"]) {
    CHECK(e["request"]["httpVersion"] == "HTTP/2.0");
    CHECK(e["response"]["httpVersion"] == "HTTP/2.0");
    CHECK(e["response"]["headersSize"] == -1);  // HPACK: not known
    CHECK(e["connection"] == connection);
  }

  auto h1 = run_process({example_tool("cf-page"), "--json", "--http1.1", "--cacert",
                         pki.ca_file().string(), nginx.https_url() + "/"});
  INFO(h1.err);
  REQUIRE(h1.exit_code == 0);
  CHECK(json::parse(h1.out)["connections"].get<int>() > 1);

  // cf-fetch takes the same flags; -w '%{http_version}' says which one ran.
  const std::string ca = pki.ca_file().string();
  const std::string one = nginx.https_url() + "/index.html";
  auto f2 = run_process({example_tool("cf-fetch"), "-sS", "--cacert", ca, "-o", "/dev/null", "-w",
                         "%{http_version}", one});
  CHECK(f2.out == "2");
  auto f1 = run_process({example_tool("cf-fetch"), "-sS", "--http1.1", "--cacert", ca, "-o",
                         "/dev/null", "-w", "%{http_version}", one});
  CHECK(f1.out == "1.1");
  auto h2c = run_process({example_tool("cf-fetch"), "-sS", "--http2-prior-knowledge", "-o",
                          "/dev/null", "-w", "%{http_version}", nginx.http_url() + "/index.html"});
  CHECK(h2c.out == "2");
  fs::remove_all(dir);
}
