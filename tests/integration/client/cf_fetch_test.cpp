#include "common/process.hpp"
#include "harness.hpp"
#include "support/dns/dns_test_server.hpp"
#include "support/net/test_pki.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace cf_client_test;
using corofetch::test::example_tool;
using corofetch::test::process_result;
using corofetch::test::run_process;
using corofetch::test::split_lines;

namespace {

process_result cf_fetch(std::vector<std::string> args) {
  args.insert(args.begin(), example_tool("cf-fetch"));
  REQUIRE(std::filesystem::exists(args[0]));  // build the cf-fetch target first
  return run_process(args, 20s);
}

void check_one_line_failure(const process_result& r, int code, std::string_view contains) {
  CHECK(r.exit_code == code);
  CHECK(r.out.empty());
  const auto lines = split_lines(r.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("cf-fetch: ", 0) == 0);
  CHECK(lines[0].find(contains) != std::string::npos);
}

}  // namespace

TEST_CASE("cf-fetch --dry-run prints the request message and sends nothing", "[integration]") {
  const auto r = cf_fetch({"--dry-run", "-X", "POST", "-H", "X-Trace: 1", "-H", "User-Agent:", "-d",
                           "a=1", "http://user:pw@127.0.0.1:9/form"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "POST /form HTTP/1.1\r\nHost: 127.0.0.1:9\r\nAccept: */*\r\n"
        "Authorization: Basic dXNlcjpwdw==\r\nX-Trace: 1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1");
}

TEST_CASE("cf-fetch --dry-run --json describes each request", "[integration]") {
  const auto r = cf_fetch(
      {"--dry-run", "--json", "-G", "-d", "q=1", "http://127.0.0.1:9/s", "http://127.0.0.1:9/t"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["method"] == "GET");
  CHECK(j[0]["target"] == "/s?q=1");
  CHECK(j[1]["url"] == "http://127.0.0.1:9/t?q=1");
  CHECK(j[1]["request"].get<std::string>().rfind("GET /t?q=1 HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("cf-fetch writes the body to stdout or -o, whatever the status", "[integration]") {
  SECTION("stdout, a 404 still exits 0") {
    scripted_server server(
        {script().expect_until().send(response_bytes(404, "Not Found", "nope"))});
    const auto r = cf_fetch({url_of(server, "/missing")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "nope");
    CHECK(r.err.empty());
  }
  SECTION("-o FILE, -i, -I") {
    // One connection per cf-fetch run, one script per connection.
    scripted_server server(
        {script().expect_until().send(ok("to file")),
         script().expect_until().send(ok("with head", "X-A: b\r\n")),
         script().expect_until().send("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n")});
    const auto path =
        std::filesystem::temp_directory_path() / ("cf_fetch_out_" + std::to_string(server.port()));
    auto r = cf_fetch({"-o", path.string(), url_of(server, "/f")});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    std::ifstream in(path, std::ios::binary);
    std::stringstream got;
    got << in.rdbuf();
    CHECK(got.str() == "to file");
    std::filesystem::remove(path);
    r = cf_fetch({"-i", url_of(server, "/i")});
    CHECK(r.out == "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nX-A: b\r\n\r\nwith head");
    r = cf_fetch({"-I", "-i", url_of(server, "/h")});
    CHECK(r.out == "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n");
    CHECK(server.received(2).rfind("HEAD /h HTTP/1.1\r\n", 0) == 0);
  }
}

TEST_CASE("cf-fetch --json -L summarises the fetch and its redirects", "[integration]") {
  scripted_server server({script()
                              .expect_until()
                              .send(response_bytes(301, "Moved", "", "Location: /b\r\n"))
                              .expect_until()
                              .send(ok("final", "X-Y: z\r\n"))});
  const auto r = cf_fetch({"--json", "-L", url_of(server, "/a")});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["url"] == url_of(server, "/a"));
  CHECK(j["final_url"] == url_of(server, "/b"));
  CHECK(j["status"] == 200);
  CHECK(j["body_bytes"] == 5);
  CHECK(j["reused"] == true);
  CHECK(j["headers"][1] == nlohmann::json::array({"X-Y", "z"}));
  REQUIRE(j["redirects"].size() == 1);
  CHECK(j["redirects"][0]["status"] == 301);
  CHECK(j["redirects"][0]["location"] == "/b");
  CHECK(j["timings"]["total_ms"].get<double>() > 0);
  CHECK(j["timings"].contains("first_byte_ms"));
}

TEST_CASE("cf-fetch -v, --resolve and -x", "[integration]") {
  SECTION("-v with --resolve") {
    scripted_server server({script().expect_until().send(ok("v"))});
    const std::string port = std::to_string(server.port());
    const auto r = cf_fetch({"-v", "--resolve", "www.cf.test:" + port + ":127.0.0.1",
                             "http://www.cf.test:" + port + "/v"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "v");
    CHECK(r.err.find("> GET /v HTTP/1.1\n> Host: www.cf.test:" + port) != std::string::npos);
    CHECK(r.err.find("< HTTP/1.1 200 OK\n< Content-Length: 1") != std::string::npos);
    CHECK(r.err.find("* timing: queued ") != std::string::npos);
  }
  SECTION("--dns-server") {
    corofetch::test::dns_test_server dns;
    scripted_server server({script().expect_until().send(ok("dns"))});
    dns.add_a("named.cf.test", "127.0.0.1");
    const auto r = cf_fetch({"--dns-server", dns.endpoint(),
                             "http://named.cf.test:" + std::to_string(server.port()) + "/"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "dns");
  }
  SECTION("-x") {
    scripted_server proxy({script().expect_until().send(ok("proxied"))});
    const auto r = cf_fetch({"-x", url_of(proxy, ""), "http://far.cf.test/p"});
    CHECK(r.out == "proxied");
    CHECK(proxy.received(0).rfind("GET http://far.cf.test/p HTTP/1.1\r\n", 0) == 0);
  }
}

TEST_CASE("cf-fetch failures: one line on stderr and curl's exit codes", "[integration]") {
  SECTION("refused") {
    corofetch::test::refusing_port port;
    const auto r = cf_fetch({"http://127.0.0.1:" + std::to_string(port.endpoint().port()) + "/"});
    check_one_line_failure(r, 7, "refused");
  }
  SECTION("name not found") {
    corofetch::test::dns_test_server dns;
    dns.set_behaviour("gone.cf.test", corofetch::test::behaviour::nxdomain);
    const auto r = cf_fetch({"--dns-server", dns.endpoint(), "http://gone.cf.test/"});
    check_one_line_failure(r, 6, "gone.cf.test");
  }
  SECTION("timeout, naming its phase") {
    scripted_server server({script().expect_until().stall()});
    const auto r = cf_fetch({"-m", "0.3", url_of(server)});
    check_one_line_failure(r, 28, "(total)");
  }
  SECTION("connect timeout") {
    corofetch::test::blackhole_listener hole;
    const auto r = cf_fetch({"--connect-timeout", "0.2",
                             "http://127.0.0.1:" + std::to_string(hole.endpoint().port()) + "/"});
    check_one_line_failure(r, 28, "(connect)");
  }
  SECTION("TLS: self-signed, then accepted with -k") {
    const auto& pki = corofetch::test::shared_pki();
    scripted_server server(
        {script().expect_until().send(ok("k"))},
        scripted_server::options::tls(pki.self_signed().cert, pki.self_signed().key));
    auto r = cf_fetch({"--cacert", pki.ca_file().string(), url_of(server, "/", "https")});
    check_one_line_failure(r, 60, "TLS");
    r = cf_fetch({"-k", url_of(server, "/", "https")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "k");
  }
  SECTION("truncated body") {
    scripted_server server(
        {script().expect_until().send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").close()});
    const auto r = cf_fetch({"-o", "/dev/null", url_of(server)});
    check_one_line_failure(r, 18, "closed before the message was complete");
  }
  SECTION("protocol error") {
    scripted_server server({script().expect_until().send("SSH-2.0-OpenSSH\r\n\r\n")});
    const auto r = cf_fetch({url_of(server)});
    check_one_line_failure(r, 8, "GET http://127.0.0.1:");
  }
  SECTION("bad URL") {
    const auto r = cf_fetch({"http://[::1/"});
    check_one_line_failure(r, 3, "invalid URL");
  }
}
