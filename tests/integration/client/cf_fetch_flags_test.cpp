// cf-fetch's curl flags, each checked against a loopback server and, where curl has the flag,
// against what curl itself does with the same arguments on the same server (only that
// comparison is skipped when curl is not installed).
#include "client/fetch_peer.hpp"
#include "common/process.hpp"
#include "harness.hpp"
#include "support/net/test_pki.hpp"

#include <corofetch/http/request.hpp>
#include <corofetch/http/syntax.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <unistd.h>

using namespace cf_client_test;
using corofetch::test::example_tool;
using corofetch::test::fetch_peer;
using corofetch::test::find_program;
using corofetch::test::process_result;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using nlohmann::json;

namespace {

process_result cf_fetch(std::vector<std::string> args) {
  args.insert(args.begin(), example_tool("cf-fetch"));
  REQUIRE(std::filesystem::exists(args[0]));  // build the cf-fetch target first
  return run_process(args, 20s);
}

// curl with the same arguments, or nullopt when curl is not installed.
std::optional<process_result> curl(std::vector<std::string> args) {
  static const std::string path = find_program("curl");
  if (path.empty()) {
    WARN("curl is not installed: the comparison with curl is skipped");
    return std::nullopt;
  }
  args.insert(args.begin(), path);
  return run_process(args, 20s);
}

// A fresh directory for files a test writes, removed at the end.
struct scratch_dir {
  std::filesystem::path path;
  scratch_dir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() /
           ("cf_fetch_flags_" + std::to_string(::getpid()) + "_" + std::to_string(++n));
    std::filesystem::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Runs `argv` in `dir` (for -O, which writes into the working directory).
process_result run_in(const std::string& dir, std::vector<std::string> argv) {
  std::string command = "cd '" + dir + "' && exec";
  for (const auto& a : argv) command += " '" + a + "'";
  return run_process({"/bin/sh", "-c", command}, 20s);
}

// The value of a field in the echo server's JSON ("" when absent).
std::string header(const json& echo, const std::string& name) {
  for (const auto& h : echo["headers"]) {
    std::string n = h[0];
    if (corofetch::http::iequals(n, name)) return h[1];
  }
  return {};
}

// What the echo server saw, minus what differs between two clients by design.
json comparable(const json& echo) {
  json out{{"method", echo["method"]}, {"target", echo["target"]}, {"body", echo["body"]}};
  for (const char* name : {"Content-Type", "Authorization", "Referer", "Cookie", "Range", "X-A"}) {
    out[name] = header(echo, name);
  }
  if (echo.contains("parts")) out["parts"] = echo["parts"];
  const std::string type = out["Content-Type"];
  if (const auto at = type.find("boundary="); at != std::string::npos) {
    // The boundary is random: the same bytes around it are what must match.
    const std::string boundary = type.substr(at + 9);
    std::string body = out["body"];
    for (auto b = body.find(boundary); b != std::string::npos; b = body.find(boundary, b)) {
      body.replace(b, boundary.size(), "BOUNDARY");
    }
    out["body"] = body;
    out["Content-Type"] = type.substr(0, at) + "boundary=BOUNDARY";
  }
  return out;
}

const std::string text_body = [] {
  std::string t;
  for (int i = 0; i < 40; ++i) t += "abcdefghijklmnopqrstuvwxyz";
  return t;
}();

}  // namespace

TEST_CASE("cf-fetch -H before the URL does not swallow it (CLI11 vector options)",
          "[integration]") {
  fetch_peer peer;
  const auto r = cf_fetch({"-H", "X-A: b", peer.url("/echo")});
  REQUIRE(r.exit_code == 0);
  CHECK(header(json::parse(r.out), "X-A") == "b");
  const auto two = cf_fetch({"-H", "X-A: 1", "-H", "X-A: 2", peer.url("/echo")});
  REQUIRE(two.exit_code == 0);
  CHECK(json::parse(two.out)["headers"].dump().find("\"2\"") != std::string::npos);
}

TEST_CASE("cf-fetch -s, -S and -f: error lines and exit 22", "[integration]") {
  fetch_peer peer;
  corofetch::test::refusing_port port;
  const std::string refused = "http://127.0.0.1:" + std::to_string(port.endpoint().port()) + "/";
  SECTION("-s hides the error, -sS shows it") {
    auto r = cf_fetch({"-s", refused});
    CHECK(r.exit_code == 7);
    CHECK(r.err.empty());
    r = cf_fetch({"-sS", refused});
    CHECK(r.exit_code == 7);
    REQUIRE(split_lines(r.err).size() == 1);
    CHECK(r.err.rfind("cf-fetch: (7) ", 0) == 0);
    if (auto c = curl({"-s", refused})) {
      CHECK(c->exit_code == 7);
      CHECK(c->err.empty());
    }
  }
  SECTION("-f: no body and 22 for a status >= 400; the body and 0 without") {
    auto r = cf_fetch({"-f", peer.url("/status/404")});
    CHECK(r.exit_code == 22);
    CHECK(r.out.empty());
    CHECK(r.err == "cf-fetch: (22) The requested URL returned error: 404\n");
    r = cf_fetch({peer.url("/status/404")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "status 404\n");
    if (auto c = curl({"-sf", peer.url("/status/404")})) {
      CHECK(c->exit_code == 22);
      CHECK(c->out.empty());
    }
    r = cf_fetch({"-sf", peer.url("/status/200")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "status 200\n");
  }
}

TEST_CASE("cf-fetch -o, -O and several URLs over one pool", "[integration]") {
  fetch_peer peer;
  scratch_dir dir;
  SECTION("-O names the file after the URL's last segment, as curl does") {
    auto r = run_in(dir.path.string(), {example_tool("cf-fetch"), "-O", peer.url("/text")});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(read_all(dir.file("text")) == text_body);
    r = cf_fetch({"-O", peer.url("/")});
    CHECK(r.exit_code == 23);
    CHECK(r.err.find("Remote file name has no length") != std::string::npos);
    if (auto c = curl({"-sO", peer.url("/")})) CHECK(c->exit_code == 23);
  }
  SECTION("-o per URL in order, one pooled connection for both") {
    const auto r = cf_fetch({"-o", dir.file("a"), peer.url("/redirect/0"), "-o", dir.file("b"),
                             peer.url("/text"), "-w", "%{num_connects} %{http_code}\n"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "1 200\n0 200\n");
    CHECK(read_all(dir.file("a")) == "done\n");
    CHECK(read_all(dir.file("b")) == text_body);
  }
  SECTION("the exit status is the last transfer's, as curl's") {
    corofetch::test::refusing_port port;
    const std::string refused = "http://127.0.0.1:" + std::to_string(port.endpoint().port());
    auto r = cf_fetch({"-s", refused, peer.url("/redirect/0")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "done\n");
    r = cf_fetch({"-s", peer.url("/redirect/0"), refused});
    CHECK(r.exit_code == 7);
    if (auto c = curl({"-s", peer.url("/redirect/0"), refused})) CHECK(c->exit_code == 7);
  }
  SECTION("--json: an array for several URLs, the second on the reused connection") {
    const auto r = cf_fetch({"--json", peer.url("/redirect/0"), peer.url("/text")});
    REQUIRE(r.exit_code == 0);
    const auto j = json::parse(r.out);
    REQUIRE(j.size() == 2);
    CHECK(j[0]["reused"] == false);
    CHECK(j[1]["reused"] == true);
    CHECK(j[0]["connection_id"] == j[1]["connection_id"]);
    CHECK(j[1]["body_bytes"] == text_body.size());
  }
}

TEST_CASE("cf-fetch -w prints curl's variables", "[integration]") {
  fetch_peer peer;
  const std::string format =
      "%{http_code} %{url_effective} %{num_redirects} %{remote_ip} %{remote_port} "
      "%{size_download} %{content_type} %{exitcode}\\n";
  const auto r = cf_fetch({"-sL", "-o", "/dev/null", "-w", format, peer.url("/redirect/2")});
  CHECK(r.exit_code == 0);
  const std::string expected = "200 " + peer.url("/redirect/0") + " 2 127.0.0.1 " +
                               std::to_string(peer.port()) + " 5 text/plain 0\n";
  CHECK(r.out == expected);
  if (auto c = curl({"-sL", "-o", "/dev/null", "-w", format, peer.url("/redirect/2")})) {
    CHECK(c->out == r.out);
  }
  SECTION("times: cumulative, in curl's order, six decimals") {
    const auto t = cf_fetch({"-s", "-o", "/dev/null", "-w",
                             "%{time_namelookup} %{time_connect} %{time_appconnect} "
                             "%{time_starttransfer} %{time_total}",
                             peer.url("/text")});
    std::istringstream in(t.out);
    double lookup = -1, connect = -1, app = -1, start = -1, total = -1;
    in >> lookup >> connect >> app >> start >> total;
    CHECK(lookup >= 0);
    CHECK(connect >= lookup);
    CHECK(app == 0);  // no TLS
    CHECK(start >= connect);
    CHECK(total >= start);
    CHECK(t.out.find('.') == t.out.find(' ') - 7);  // "0.000123 ..."
  }
  SECTION("an unknown variable is named and expands to nothing; %header{}") {
    const auto u = cf_fetch(
        {"-o", "/dev/null", "-w", "[%{nope}][%header{content-length}]", peer.url("/text")});
    CHECK(u.out == "[][1040]");
    CHECK(u.err.find("unknown --write-out variable: 'nope'") != std::string::npos);
  }
}

namespace {

// A response head without its Date line (two runs may straddle a second).
std::string without_date(const std::string& head) {
  std::string out;
  for (const auto& line : split_lines(head)) {
    if (line.rfind("Date:", 0) != 0) out += line + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("cf-fetch -I prints the head of a HEAD request; -i the head before the body",
          "[integration]") {
  fetch_peer peer;
  const auto r = cf_fetch({"-I", peer.url("/text")});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(r.out.find("Content-Length: 1040\r\n") != std::string::npos);
  CHECK(r.out.ends_with("\r\n\r\n"));
  if (auto c = curl({"-sI", peer.url("/text")})) CHECK(without_date(c->out) == without_date(r.out));
  const auto i = cf_fetch({"-i", peer.url("/redirect/0")});
  CHECK(i.out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(i.out.ends_with("\r\n\r\ndone\n"));
  SECTION("-i -L: every head, the redirects' too") {
    const auto l = cf_fetch({"-i", "-L", peer.url("/redirect/1")});
    CHECK(l.out.rfind("HTTP/1.1 302 Found\r\n", 0) == 0);
    CHECK(l.out.find("\r\n\r\nHTTP/1.1 200 OK\r\n") != std::string::npos);
    if (auto c = curl({"-si", "-L", peer.url("/redirect/1")})) {
      CHECK(without_date(c->out) == without_date(l.out));
    }
  }
}

TEST_CASE("cf-fetch -d, --data-binary, --data-urlencode, -G as curl sends them", "[integration]") {
  fetch_peer peer;
  scratch_dir dir;
  write_all(dir.file("lines.txt"), "one\r\ntwo\nthree\n");
  write_all(dir.file("raw.bin"), "a b\nc");
  const std::vector<std::vector<std::string>> cases{
      {"-d", "a=1", "-d", "b=2"},
      {"-d", "@" + dir.file("lines.txt"), "--data-binary", "@" + dir.file("raw.bin")},
      {"--data-raw", "@not-a-file"},
      {"--data-urlencode", "name=a b&c", "--data-urlencode", "=x/y", "--data-urlencode",
       "plain text", "--data-urlencode", "f@" + dir.file("raw.bin"), "--data-urlencode",
       "@" + dir.file("raw.bin")},
      {"-G", "-d", "a=1", "--data-urlencode", "q=x y"},
      {"-d", "a=1", "-H", "Content-Type: text/plain", "-X", "PUT"},
  };
  for (const auto& flags : cases) {
    auto args = flags;
    args.push_back(peer.url("/echo?x=1"));
    const auto r = cf_fetch(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto ours = comparable(json::parse(r.out));
    if (auto c = curl(args)) {
      REQUIRE(c->exit_code == 0);
      CHECK(ours.dump() == comparable(json::parse(c->out)).dump());
    }
  }
  const auto first =
      comparable(json::parse(cf_fetch({"-d", "a=1", "-d", "b=2", peer.url("/echo")}).out));
  CHECK(first["method"] == "POST");
  CHECK(first["body"] == "a=1&b=2");
  CHECK(first["Content-Type"] == "application/x-www-form-urlencoded");
  const auto encoded =
      comparable(json::parse(cf_fetch({"--data-urlencode", "name=a b&c", "-d",
                                       "@" + dir.file("lines.txt"), peer.url("/echo")})
                                 .out));
  CHECK(encoded["body"] == "name=a+b%26c&onetwothree");
  const auto get =
      comparable(json::parse(cf_fetch({"-G", "-d", "a=1", peer.url("/echo?x=1")}).out));
  CHECK(get["method"] == "GET");
  CHECK(get["target"] == "/echo?x=1&a=1");
  CHECK(get["body"] == "");
}

TEST_CASE("cf-fetch -u, -A, -e, -H, -b NAME=VALUE send what curl sends", "[integration]") {
  fetch_peer peer;
  const std::vector<std::string> args{
      "-u",         "user:pa:ss", "-A",     "agent/1",        "-e", "http://from.test/", "-b",
      "k=v; k2=v2", "-H",         "X-A: 1", peer.url("/echo")};
  const auto r = cf_fetch(args);
  REQUIRE(r.exit_code == 0);
  const auto echo = json::parse(r.out);
  CHECK(header(echo, "Authorization") == "Basic " + corofetch::http::base64_encode("user:pa:ss"));
  CHECK(header(echo, "User-Agent") == "agent/1");
  CHECK(header(echo, "Referer") == "http://from.test/");
  CHECK(header(echo, "Cookie") == "k=v; k2=v2");
  if (auto c = curl(args)) {
    const auto theirs = json::parse(c->out);
    CHECK(comparable(echo).dump() == comparable(theirs).dump());
    CHECK(header(theirs, "User-Agent") == "agent/1");
  }
  SECTION("-u without a password is bad usage (cf-fetch never prompts)") {
    const auto u = cf_fetch({"-u", "user", peer.url("/echo")});
    CHECK(u.exit_code == 2);
    CHECK(u.out.empty());
  }
}

TEST_CASE(
    "cf-fetch -F sends multipart/form-data that python's email parser reads back as "
    "curl's",
    "[integration]") {
  fetch_peer peer;
  scratch_dir dir;
  write_all(dir.file("note.txt"), "line 1\nline 2\n");
  write_all(dir.file("blob.bin"), std::string("\0\x01\x02zz", 5));
  const std::vector<std::string> args{"-F",
                                      "name=value",
                                      "-F",
                                      "upload=@" + dir.file("note.txt"),
                                      "-F",
                                      "data=@" + dir.file("blob.bin") + ";type=image/x-test",
                                      "-F",
                                      "named=@" + dir.file("note.txt") + ";filename=other.txt",
                                      "-F",
                                      "inline=<" + dir.file("note.txt"),
                                      "--form-string",
                                      "literal=@not;type=x",
                                      peer.url("/echo")};
  const auto r = cf_fetch(args);
  REQUIRE(r.exit_code == 0);
  const auto echo = json::parse(r.out);
  CHECK(echo["method"] == "POST");
  CHECK(header(echo, "Content-Type").rfind("multipart/form-data; boundary=", 0) == 0);
  const auto& parts = echo["parts"];
  REQUIRE(parts.size() == 6);
  CHECK(
      parts[0] ==
      json{{"name", "name"}, {"filename", nullptr}, {"content_type", nullptr}, {"value", "value"}});
  CHECK(parts[1] == json{{"name", "upload"},
                         {"filename", "note.txt"},
                         {"content_type", "text/plain"},
                         {"value", "line 1\nline 2\n"}});
  CHECK(parts[2]["content_type"] == "image/x-test");
  CHECK(parts[2]["value"] == std::string("\0\x01\x02zz", 5));
  CHECK(parts[3]["filename"] == "other.txt");
  CHECK(parts[4]["filename"] == nullptr);
  CHECK(parts[4]["value"] == "line 1\nline 2\n");
  CHECK(parts[5]["value"] == "@not;type=x");
  if (auto c = curl(args)) CHECK(comparable(echo).dump() == comparable(json::parse(c->out)).dump());
  SECTION("a file that cannot be read: exit 26, as curl") {
    const auto m = cf_fetch({"-F", "f=@" + dir.file("missing"), peer.url("/echo")});
    CHECK(m.exit_code == 26);
    if (auto c = curl({"-s", "-F", "f=@" + dir.file("missing"), peer.url("/echo")})) {
      CHECK(c->exit_code == 26);
    }
  }
}

TEST_CASE("cf-fetch -T uploads a file with PUT", "[integration]") {
  fetch_peer peer;
  scratch_dir dir;
  write_all(dir.file("up.txt"), "uploaded\nbytes");
  const std::vector<std::string> args{"-T", dir.file("up.txt"), peer.url("/echo/")};
  const auto r = cf_fetch(args);
  REQUIRE(r.exit_code == 0);
  const auto echo = json::parse(r.out);
  CHECK(echo["method"] == "PUT");
  CHECK(echo["target"] == "/echo/up.txt");
  CHECK(echo["body"] == "uploaded\nbytes");
  CHECK(header(echo, "Content-Length") == "14");
  if (auto c = curl(args)) CHECK(comparable(echo).dump() == comparable(json::parse(c->out)).dump());
  const auto missing = cf_fetch({"-T", dir.file("nope"), peer.url("/echo/")});
  CHECK(missing.exit_code == 26);
  if (auto c = curl({"-s", "-T", dir.file("nope"), peer.url("/echo/")})) CHECK(c->exit_code == 26);
}

TEST_CASE("cf-fetch --compressed asks for gzip and decodes; without it the bytes are raw",
          "[integration]") {
  fetch_peer peer;
  const auto r = cf_fetch({"--compressed", peer.url("/gzip")});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "decoded text\n");
  const auto raw = cf_fetch({"-o", "-", peer.url("/gzip")});
  CHECK(raw.out.rfind("\x1f\x8b", 0) == 0);
  if (auto c = curl({"-s", "--compressed", peer.url("/gzip")})) CHECK(c->out == r.out);
  if (auto c = curl({"-s", peer.url("/gzip")})) CHECK(c->out == raw.out);
}

TEST_CASE("cf-fetch --retry: transient statuses and timeouts, Retry-After, the last answer kept",
          "[integration]") {
  fetch_peer peer;
  scratch_dir dir;
  SECTION("a 503 with Retry-After: 1, then 200") {
    const auto r = cf_fetch({"--retry", "2", "-o", dir.file("out"), "-w", "%{http_code}",
                             peer.url("/flaky/a?fail=1&retry_after=1")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "200");
    CHECK(read_all(dir.file("out")) == "ok after 1\n");
    CHECK(r.err.find("Will retry in 1 seconds. 2 retries left.") != std::string::npos);
    if (auto c = curl({"-s", "--retry", "2", "-o", dir.file("curl"),
                       peer.url("/flaky/b?fail=1&retry_after=1")})) {
      CHECK(c->exit_code == 0);
      CHECK(read_all(dir.file("curl")) == "ok after 1\n");
    }
  }
  SECTION("retries run out: the last response stands; 404 is not transient") {
    const auto r = cf_fetch({"-s", "--retry", "1", "--retry-delay", "0.05", "-f",
                             peer.url("/flaky/c?fail=5&status=429")});
    CHECK(r.exit_code == 22);
    const auto n = cf_fetch({"--retry", "3", "--retry-delay", "0.05", peer.url("/status/404")});
    CHECK(n.exit_code == 0);
    CHECK(n.err.empty());
    const auto j = json::parse(cf_fetch({"--json", "--retry", "2", "--retry-delay", "0.05",
                                         peer.url("/flaky/d?fail=2&status=500")})
                                   .out);
    CHECK(j["retries"] == 2);
    CHECK(j["status"] == 200);
  }
  SECTION("a timeout is transient") {
    const auto r =
        cf_fetch({"--retry", "1", "--retry-delay", "0.05", "-m", "0.3", peer.url("/slow?ms=1500")});
    CHECK(r.exit_code == 28);
    CHECK(r.err.find("Problem : timeout. Will retry") != std::string::npos);
  }
}

TEST_CASE("cf-fetch -C - resumes a partial file with a Range request", "[integration]") {
  fetch_peer peer;
  scratch_dir dir;
  write_all(dir.file("part"), text_body.substr(0, 100));
  auto r = cf_fetch({"-C", "-", "-o", dir.file("part"), peer.url("/text")});
  CHECK(r.exit_code == 0);
  CHECK(read_all(dir.file("part")) == text_body);
  SECTION("a server without ranges: 33 for a partial file, 0 for a complete one") {
    write_all(dir.file("short"), "abc");
    r = cf_fetch({"-s", "-C", "-", "-o", dir.file("short"), peer.url("/norange")});
    CHECK(r.exit_code == 33);
    CHECK(read_all(dir.file("short")) == "abc");
    r = cf_fetch({"-C", "-", "-o", dir.file("part"), peer.url("/norange")});
    CHECK(r.exit_code == 0);
    CHECK(read_all(dir.file("part")) == text_body);
    if (auto c = curl({"-s", "-C", "-", "-o", dir.file("short"), peer.url("/norange")})) {
      CHECK(c->exit_code == 33);
    }
    if (auto c = curl({"-s", "-C", "-", "-o", dir.file("part"), peer.url("/norange")})) {
      CHECK(c->exit_code == 0);
    }
  }
  SECTION("the request carries the Range curl sends") {
    write_all(dir.file("echo"), "12345");
    const auto e =
        cf_fetch({"-C", "-", "-o", dir.file("echo"), "-w", "%{http_code}", peer.url("/echo")});
    CHECK(e.exit_code == 33);  // /echo ignores Range
  }
}

TEST_CASE("cf-fetch -b FILE and -c FILE keep cookies in curl's file format", "[integration]") {
  fetch_peer peer;
  scratch_dir dir;
  auto r = cf_fetch({"-c", dir.file("jar"), peer.url("/cookie/set?a=1&b=2")});
  REQUIRE(r.exit_code == 0);
  const std::string jar = read_all(dir.file("jar"));
  CHECK(jar.find("127.0.0.1\tFALSE\t/\tFALSE\t0\ta\t1") != std::string::npos);
  r = cf_fetch({"-b", dir.file("jar"), peer.url("/cookie/show")});
  CHECK(r.out == "a=1; b=2\n");
  r = cf_fetch(
      {"-b", dir.file("missing-jar"), "-c", dir.file("jar2"), "-L", peer.url("/cookie/set?c=3")});
  CHECK(r.exit_code == 0);
  CHECK(read_all(dir.file("jar2")).find("\tc\t3") != std::string::npos);
  if (auto c = curl({"-s", "-b", dir.file("jar"), peer.url("/cookie/show")})) {
    // curl reads our jar (and orders cookies of equal path length its own way)
    CHECK((c->out == "a=1; b=2\n" || c->out == "b=2; a=1\n"));
  }
  if (auto c = curl({"-s", "-c", dir.file("curl-jar"), peer.url("/cookie/set?d=4")})) {
    r = cf_fetch({"-b", dir.file("curl-jar"), peer.url("/cookie/show")});
    CHECK(r.out == "d=4\n");  // we read curl's
  }
}

TEST_CASE("cf-fetch -v names the address tried and connected, and the TLS session",
          "[integration]") {
  fetch_peer peer;
  const std::string port = std::to_string(peer.port());
  auto r = cf_fetch({"-v", peer.url("/text"), peer.url("/redirect/0")});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("*   Trying 127.0.0.1:" + port +
                   "...\n* Connected to 127.0.0.1 (127.0.0.1) "
                   "port " +
                   port + " (#") != std::string::npos);
  CHECK(r.err.find("> GET /text HTTP/1.1\n") != std::string::npos);
  CHECK(r.err.find("< HTTP/1.1 200 OK\n") != std::string::npos);
  CHECK(r.err.find("* Re-using existing connection #") != std::string::npos);
  SECTION("TLS: version, cipher, certificate subject and issuer") {
    const auto& pki = corofetch::test::shared_pki();
    scripted_server server({script().expect_until().send(ok("tls"))},
                           scripted_server::options::tls(pki.server().cert, pki.server().key));
    r = cf_fetch({"-v", "--cacert", pki.ca_file().string(), url_of(server, "/", "https")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "tls");
    CHECK(r.err.find("* SSL connection using TLSv1.") != std::string::npos);
    CHECK(r.err.find("*  subject: ") != std::string::npos);
    CHECK(r.err.find("*  issuer: ") != std::string::npos);
  }
}

TEST_CASE("cf-fetch exit codes match curl's on the same failures", "[integration]") {
  fetch_peer peer;
  scratch_dir dir;
  struct failure {
    std::vector<std::string> args;
    int code;
  };
  const std::vector<failure> failures{
      {{peer.url("/empty")}, 52},
      {{"-L", "--max-redirs", "1", peer.url("/redirect/3")}, 47},
      {{"-o", dir.file("no/such/dir/file"), peer.url("/text")}, 23},
      {{"https://127.0.0.1:" + std::to_string(peer.port()) + "/"}, 35},
      {{"http://[::1/"}, 3},
      {{"--no-such-option", peer.url("/")}, 2},
      {{"-m", "0.2", peer.url("/slow?ms=1500")}, 28},
  };
  for (const auto& f : failures) {
    auto args = f.args;
    args.insert(args.begin(), "-s");
    const auto r = cf_fetch(args);
    INFO(args.back());
    CHECK(r.exit_code == f.code);
    if (auto c = curl(args)) CHECK(c->exit_code == f.code);
  }
  const auto empty = cf_fetch({peer.url("/empty")});
  CHECK(empty.err.find("Empty reply from server") != std::string::npos);
}

TEST_CASE("cf-fetch refuses binary output to a terminal unless told -o -", "[integration]") {
  fetch_peer peer;
  // A pseudo-terminal as stdout and stderr, through python's pty module.
  const std::string pty_run =
      "import os, pty, sys\n"
      "pid, fd = pty.fork()\n"
      "if pid == 0:\n"
      "    os.execv(sys.argv[1], sys.argv[1:])\n"
      "out = b''\n"
      "while True:\n"
      "    try:\n"
      "        d = os.read(fd, 4096)\n"
      "    except OSError:\n"
      "        break\n"
      "    if not d:\n"
      "        break\n"
      "    out += d\n"
      "_, status = os.waitpid(pid, 0)\n"
      "sys.stdout.buffer.write(out)\n"
      "sys.exit(os.waitstatus_to_exitcode(status))\n";
  const std::string python = "/usr/bin/python3";
  auto r = run_process({python, "-c", pty_run, example_tool("cf-fetch"), peer.url("/binary")}, 20s);
  CHECK(r.exit_code == 23);
  CHECK(r.out.find("Binary output can mess up your terminal") != std::string::npos);
  CHECK(r.out.find("binary") == std::string::npos);
  r = run_process({python, "-c", pty_run, example_tool("cf-fetch"), "-o", "-", peer.url("/binary")},
                  20s);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("binary") != std::string::npos);
  r = run_process({python, "-c", pty_run, example_tool("cf-fetch"), peer.url("/text")}, 20s);
  CHECK(r.exit_code == 0);
  const std::string curl_path = find_program("curl");
  if (!curl_path.empty()) {
    r = run_process({python, "-c", pty_run, curl_path, "-s", peer.url("/binary")}, 20s);
    CHECK(r.exit_code == 23);
  }
}

TEST_CASE(
    "cf-fetch --version, --help with the exit codes, bad usage in one line, --json on "
    "failure",
    "[integration]") {
  auto r = cf_fetch({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("cf-fetch 0.1.0 (corofetch 0.1.0", 0) == 0);
  r = cf_fetch({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Exit codes") != std::string::npos);
  CHECK(r.out.find("52  empty reply") != std::string::npos);
  r = cf_fetch({"-w"});
  CHECK(r.exit_code == 2);
  CHECK(split_lines(r.err).size() == 1);
  r = cf_fetch({});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "cf-fetch: no URL specified (see --help)\n");
  corofetch::test::refusing_port port;
  r = cf_fetch({"--json", "http://127.0.0.1:" + std::to_string(port.endpoint().port()) + "/"});
  CHECK(r.exit_code == 7);
  CHECK(r.err.empty());
  const auto j = json::parse(r.out);
  CHECK(j["exit_code"] == 7);
  CHECK(j["error"]["exit_code"] == 7);
  CHECK(j["error"]["message"].get<std::string>().find("refused") != std::string::npos);
}
