// cf-load against a real nginx over HTTP and HTTPS, and beside wrk on the same server.
#include "common/process.hpp"
#include "support/client/nginx_server.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using corofetch::test::example_tool;
using corofetch::test::nginx_server;
using corofetch::test::process_result;
using corofetch::test::run_process;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct site {
  site()
      : root(std::filesystem::temp_directory_path() /
             ("cf_load_site_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(root);
    std::ofstream(root / "small.txt", std::ios::binary) << std::string(600, 'x');
  }
  ~site() { std::filesystem::remove_all(root); }
  site(const site&) = delete;
  site& operator=(const site&) = delete;
  std::filesystem::path root;
};

nginx_server::options nginx_options() {
  const auto& pki = corofetch::test::shared_pki();
  nginx_server::options o;
  o.cert_file = pki.server().cert;
  o.key_file = pki.server().key;
  o.gzip = false;
  return o;
}

process_result cf_load(std::vector<std::string> args) {
  args.insert(args.begin(), example_tool("cf-load"));
  REQUIRE(std::filesystem::exists(args[0]));
  return run_process(args, 60s);
}

}  // namespace

TEST_CASE("cf-load against nginx: every request answered, over HTTP and HTTPS", "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  site s;
  nginx_server nginx(s.root, nginx_options());
  auto r = cf_load({"-c", "3", "-t", "2", "-n", "2500", "--json", nginx.http_url() + "/small.txt"});
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out);
  CHECK(j.at("requests") == 2500);
  CHECK(j.at("status").at("200") == 2500);
  CHECK(j.at("errors").at("read") == 0);
  CHECK(j.at("bytes_read").get<std::uint64_t>() > 2500 * 600);

  const std::string ca = corofetch::test::shared_pki().ca_file().string();
  r = cf_load({"-c", "2", "-t", "1", "-n", "500", "--pipeline", "4", "--json", "--cacert", ca,
               nginx.https_url() + "/small.txt"});
  REQUIRE(r.exit_code == 0);
  j = json::parse(r.out);
  CHECK(j.at("requests") == 500);
  CHECK(j.at("status").at("200") == 500);
  CHECK(j.at("connects") == 2);

  // Without the test CA, the certificate is not trusted: one line, exit 1, nothing measured.
  r = cf_load({"-n", "10", nginx.https_url() + "/small.txt"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("certificate") != std::string::npos);
}

TEST_CASE("cf-load and wrk see the same server: 200s only, the same bytes per response",
          "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  if (!std::filesystem::exists("/usr/bin/wrk")) {
    WARN("wrk is not installed (Debian package wrk): comparison skipped");
    return;
  }
  site s;
  nginx_server nginx(s.root, nginx_options());
  const std::string url = nginx.http_url() + "/small.txt";
  const auto ours = cf_load({"-c", "4", "-t", "1", "-d", "1s", "--json", url});
  REQUIRE(ours.exit_code == 0);
  const json j = json::parse(ours.out);
  const auto wrk = run_process({"/usr/bin/wrk", "-c", "4", "-t", "1", "-d", "1s", url}, 30s);
  REQUIRE(wrk.exit_code == 0);
  CHECK(wrk.out.find("Non-2xx") == std::string::npos);
  CHECK(wrk.out.find("Socket errors") == std::string::npos);
  CHECK(j.at("status").size() == 1);
  CHECK(j.at("status").at("200").get<std::uint64_t>() == j.at("requests").get<std::uint64_t>());
  // Response size: the body plus nginx's head, the same for every request of both tools.
  const double per_response = j.at("bytes_read").get<double>() / j.at("requests").get<double>();
  CHECK(per_response > 600);
  CHECK(per_response < 900);
}

TEST_CASE("cf-load over HTTP/2 against nginx: -m streams on h2c and on TLS through ALPN",
          "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  site s;
  auto opts = nginx_options();
  opts.http2 = true;
  opts.extra = "keepalive_requests 1000;";  // nginx's default: GOAWAY after 1,000 streams
  nginx_server nginx(s.root, opts);
  auto r = cf_load({"-c", "2", "-t", "1", "-m", "10", "-n", "3000", "--http2-prior-knowledge",
                    "--json", nginx.http_url() + "/small.txt"});
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out);
  CHECK(j.at("requests") == 3000);
  CHECK(j.at("status").at("200") == 3000);
  CHECK(j.at("pipeline") == 10);
  // nginx ends a connection with GOAWAY after 1,000 requests (keepalive_requests): the
  // streams it left unprocessed go on a new connection, none lost, none counted twice.
  CHECK(j.at("connects").get<std::uint64_t>() >= 3);
  CHECK(j.at("http2_connects") == j.at("connects"));
  for (const auto& [kind, n] : j.at("errors").items()) CHECK(n == 0);
  // 600-byte bodies; HPACK makes each response's head (about 240 bytes over HTTP/1.1) a few
  // dozen bytes after the first.
  const double per_response = j.at("bytes_read").get<double>() / 3000;
  CHECK(per_response > 600);
  CHECK(per_response < 780);

  const std::string ca = corofetch::test::shared_pki().ca_file().string();
  r = cf_load({"-c", "2", "-t", "2", "-m", "4", "-n", "500", "--http2", "--json", "--cacert", ca,
               nginx.https_url() + "/small.txt"});
  REQUIRE(r.exit_code == 0);
  j = json::parse(r.out);
  CHECK(j.at("requests") == 500);
  CHECK(j.at("status").at("200") == 500);
  CHECK(j.at("http2_connects") == 2);

  // HTTP/1.1 unless asked: wrk's default.
  r = cf_load({"-c", "1", "-t", "1", "-n", "10", "--json", "--cacert", ca,
               nginx.https_url() + "/small.txt"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out).at("http2_connects") == 0);
}

TEST_CASE("cf-load --http2-prior-knowledge refuses an https server that does not agree to h2",
          "[system]") {
  if (!nginx_server::available()) FAIL("nginx is not installed (Debian package nginx-light)");
  site s;
  nginx_server nginx(s.root, nginx_options());  // HTTP/1.1 only
  const std::string ca = corofetch::test::shared_pki().ca_file().string();
  auto r = cf_load(
      {"-n", "10", "--http2-prior-knowledge", "--cacert", ca, nginx.https_url() + "/small.txt"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("did not agree to h2") != std::string::npos);
  // --http2 falls back to HTTP/1.1 there, as ALPN says.
  r = cf_load({"-n", "10", "--http2", "--json", "--cacert", ca, nginx.https_url() + "/small.txt"});
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  CHECK(j.at("requests") == 10);
  CHECK(j.at("http2_connects") == 0);
}
