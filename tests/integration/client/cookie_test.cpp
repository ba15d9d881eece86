// Cookies in the client (RFC 6265) against the scripted loopback server: stored from every
// response head, redirects included, sent by domain, path and Secure, kept in a Netscape file,
// and compared with what curl stores from the same responses.
#include <corofetch/client/client.hpp>
#include <corofetch/client/cookie_jar.hpp>

#include "common/process.hpp"
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

using namespace cf_client_test;
using corofetch::http::method;

namespace {

client::fetch_options following() {
  client::fetch_options fo;
  fo.follow_redirects = true;
  return fo;
}

client::client_options with_jar(std::shared_ptr<client::cookie_jar> jar) {
  auto co = loopback_options();
  co.cookies = std::move(jar);
  return co;
}

// The Cookie field of each request head the server received ("-" when there was none).
std::vector<std::string> cookie_fields(const std::string& received) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (;;) {
    const auto end = received.find("\r\n\r\n", at);
    if (end == std::string::npos) return out;
    const std::string head = received.substr(at, end - at);
    const auto field = head.find("\r\nCookie: ");
    out.push_back(field == std::string::npos
                      ? "-"
                      : head.substr(field + 10, head.find("\r\n", field + 2) - field - 10));
    at = end + 4;
  }
}

corofetch::url::url parsed(const std::string& text) {
  auto u = corofetch::url::parse(text);
  if (!u) throw std::runtime_error("bad test URL " + text);
  return std::move(*u);
}

std::string temp_dir() {
  auto dir =
      std::filesystem::temp_directory_path() / ("cf-cookie-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

TEST_CASE("cookies: a redirect's Set-Cookie goes with the next hop and later requests",
          "[integration]") {
  const std::string redirect =
      response_bytes(302, "Found", "",
                     "Set-Cookie: sid=abc; Path=/\r\nSet-Cookie: adm=1; Path=/admin\r\n"
                     "Set-Cookie: sec=1; Secure\r\nLocation: /next\r\n");
  scripted_server server({script()
                              .expect_until()
                              .send(redirect)
                              .expect_until()
                              .send(ok("next", "Set-Cookie: later=2\r\n"))
                              .expect_until()
                              .send(ok("other"))
                              .expect_until()
                              .send(ok("admin"))});
  auto jar = std::make_shared<client::cookie_jar>();
  const auto outcome = fetch_sequence(
      {make(method::get, url_of(server, "/start")), make(method::get, url_of(server, "/other")),
       make(method::get, url_of(server, "/admin/users"))},
      following(), with_jar(jar));
  for (const auto& f : outcome.results) REQUIRE_FALSE(f.error);
  CHECK(outcome.results[0].response.body == "next");
  CHECK(server.accepted() == 1);
  // Longer paths first (RFC 6265 5.4); the Secure cookie never goes over http.
  CHECK(cookie_fields(server.received(0)) ==
        std::vector<std::string>{"-", "sid=abc", "sid=abc; later=2", "adm=1; sid=abc; later=2"});
  // RFC 6265 stores a Secure cookie received over http; it is only never sent there.
  CHECK(jar->cookie_header(parsed(url_of(server, "/", "https")), jar->now()) ==
        "sid=abc; sec=1; later=2");
}

TEST_CASE("cookies: a request's own Cookie field, and no jar", "[integration]") {
  SECTION("the request's Cookie wins over the jar's") {
    scripted_server server({serve_n(1, ok("x"))});
    auto jar = std::make_shared<client::cookie_jar>();
    REQUIRE_FALSE(jar->store("jar=1", parsed(url_of(server)), jar->now()));
    auto req = make(method::get, url_of(server));
    req.fields.add("Cookie", "mine=1");
    const auto f = fetch_once(req, {}, with_jar(jar));
    REQUIRE_FALSE(f.error);
    CHECK(cookie_fields(server.received(0)) == std::vector<std::string>{"mine=1"});
  }
  SECTION("without a jar, nothing is stored or sent") {
    scripted_server server({serve_n(2, ok("x", "Set-Cookie: a=1\r\n"))});
    const auto outcome =
        fetch_sequence({make(method::get, url_of(server)), make(method::get, url_of(server))}, {});
    CHECK_FALSE(outcome.results[1].error);
    CHECK(cookie_fields(server.received(0)) == std::vector<std::string>{"-", "-"});
  }
}

TEST_CASE("cookies: domain cookies follow a redirect to another host, host-only ones do not",
          "[integration]") {
  scripted_server api({script().expect_until().send(ok("api"))});
  scripted_server www({script().expect_until().send(
      response_bytes(302, "Found", "",
                     "Set-Cookie: host=1\r\nSet-Cookie: dom=2; Domain=example.test\r\n"
                     "Set-Cookie: bad=3; Domain=test\r\nLocation: http://api.example.test:" +
                         std::to_string(api.port()) + "/\r\n"))});
  auto jar = std::make_shared<client::cookie_jar>();
  auto co = with_jar(jar);
  co.resolve_overrides.push_back({"www.example.test", www.port(), "127.0.0.1"});
  co.resolve_overrides.push_back({"api.example.test", api.port(), "127.0.0.1"});
  const auto start = "http://www.example.test:" + std::to_string(www.port()) + "/";
  const auto f = fetch_once(make(method::get, start), following(), co);
  REQUIRE_FALSE(f.error);
  CHECK(f.response.body == "api");
  CHECK(cookie_fields(www.received(0)) == std::vector<std::string>{"-"});
  CHECK(cookie_fields(api.received(0)) == std::vector<std::string>{"dom=2"});
  CHECK(jar->size() == 2);  // bad=3 named a public suffix
}

TEST_CASE("cookies: a jar saved to a file and loaded by another keeps sending", "[integration]") {
  const std::string dir = temp_dir();
  const std::string file = dir + "/jar.txt";
  {
    scripted_server server({serve_n(
        1, ok("x", "Set-Cookie: sid=abc; Max-Age=3600; HttpOnly\r\nSet-Cookie: tmp=1\r\n"))});
    auto jar = std::make_shared<client::cookie_jar>();
    REQUIRE_FALSE(fetch_once(make(method::get, url_of(server, "/login")), {}, with_jar(jar)).error);
    REQUIRE_FALSE(jar->save(file, jar->now()));
  }
  auto jar = std::make_shared<client::cookie_jar>();
  const auto report = jar->load(file, jar->now());
  REQUIRE(report);
  CHECK(report->loaded == 2);
  CHECK(report->problems.empty());
  scripted_server server({serve_n(1, ok("again"))});
  // The cookies were set by 127.0.0.1 on another port: cookies ignore ports (RFC 6265 8.5).
  REQUIRE_FALSE(fetch_once(make(method::get, url_of(server, "/account")), {}, with_jar(jar)).error);
  CHECK(cookie_fields(server.received(0)) == std::vector<std::string>{"sid=abc; tmp=1"});
  std::filesystem::remove_all(dir);
}

// ---- the same responses through curl -c ------------------------------------------------------

namespace {

// The Set-Cookie lines every host of the comparison answers with, accepted or refused alike.
const std::vector<std::string> common_cookies = {
    "host=1",
    "dom=2; Domain=.example.test; Path=/",
    "pth=3; Path=/p",
    "ho=5; HttpOnly; SameSite=Lax",
    "ma=6; Max-Age=3600",
    "far=7; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
    "exp=8; Expires=Thu, 01 Jan 1970 00:00:01 GMT",
    "psl=9; Domain=test",
    "two=10; Expires=Sunday, 06-Nov-94 08:49:37 GMT",
    "both=11; Max-Age=100; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
    "y38=12; Expires=Wed, 09-Jun-38 10:18:14 GMT",
    " sp = a b ; Path = /x ",
    "uk=13; Domain=co.uk",
    "reg=14; Domain=foo.co.uk",
    "dup=15; Path=/a; Path=/b",
    "ip=16; Domain=127.0.0.1",
    "asc=17; Expires=Sun Nov  6 08:49:37 2095",
    "noeq",
    "neg=18; Max-Age=-5",
    "up=19; Domain=WWW.Example.Test",
};

std::string cookie_response(bool secure_cookie) {
  std::string extra = "Connection: close\r\n";
  for (const auto& c : common_cookies) extra += "Set-Cookie: " + c + "\r\n";
  // curl (like RFC 6265bis) refuses Secure cookies over http except from loopback hosts, where
  // it counts the channel as secure; RFC 6265, which the jar follows, takes them from any.
  if (secure_cookie) extra += "Set-Cookie: sec=4; Secure\r\n";
  return ok("ok", extra);
}

// One cookie-file line as a comparable key (the domain lowercased: curl keeps Domain's case),
// with its expiry.
std::map<std::string, long long> file_cookies(const std::string& text) {
  std::map<std::string, long long> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string key;
    if (line.rfind("#HttpOnly_", 0) == 0) {
      line.erase(0, 10);
      key = "HttpOnly ";
    } else if (line.empty() || line[0] == '#') {
      continue;
    }
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string part; std::getline(fields, part, '\t');) f.push_back(part);
    if (f.size() == 6) f.emplace_back();
    REQUIRE(f.size() == 7);
    std::transform(f[0].begin(), f[0].end(), f[0].begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    key += f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " " + f[5] + "=" + f[6];
    out[key] = std::stoll(f[4]);
  }
  return out;
}

std::vector<std::string> keys_of(const std::map<std::string, long long>& cookies) {
  std::vector<std::string> keys;
  keys.reserve(cookies.size());
  for (const auto& [key, expiry] : cookies) keys.push_back(key);
  return keys;
}

}  // namespace

TEST_CASE("cookies: the jar stores what curl stores from the same responses", "[integration]") {
  // Connections 0-2 are curl's, the next three the client's, each host in the same order.
  const std::string plain = cookie_response(false);
  const std::string loopback = cookie_response(true);
  const bool have_curl = std::filesystem::exists("/usr/bin/curl");
  std::vector<script> scripts;
  for (int round = have_curl ? 0 : 1; round < 2; ++round) {
    scripts.push_back(script().expect_until().send(plain));
    scripts.push_back(script().expect_until().send(plain));
    scripts.push_back(script().expect_until().send(loopback));
  }
  scripted_server server(scripts);
  const std::string port = std::to_string(server.port());
  const std::vector<std::string> urls = {"http://www.example.test:" + port + "/page",
                                         "http://foo.co.uk:" + port + "/page",
                                         "http://127.0.0.1:" + port + "/page"};
  const std::string dir = temp_dir();
  const std::string curl_file = dir + "/curl.txt";

  if (have_curl) {
    std::vector<std::string> argv = {"/usr/bin/curl",
                                     "-q",
                                     "-s",
                                     "--noproxy",
                                     "*",
                                     "-c",
                                     curl_file,
                                     "--resolve",
                                     "www.example.test:" + port + ":127.0.0.1",
                                     "--resolve",
                                     "foo.co.uk:" + port + ":127.0.0.1"};
    argv.insert(argv.end(), urls.begin(), urls.end());
    const auto r = corofetch::test::run_process(argv, 20s);
    REQUIRE(r.exit_code == 0);
  }

  auto jar = std::make_shared<client::cookie_jar>();
  auto co = with_jar(jar);
  co.resolve_overrides.push_back({"www.example.test", server.port(), "127.0.0.1"});
  co.resolve_overrides.push_back({"foo.co.uk", server.port(), "127.0.0.1"});
  const std::vector<client::request> requests = {
      make(method::get, urls[0]), make(method::get, urls[1]), make(method::get, urls[2])};
  const auto outcome = fetch_sequence(requests, {}, co);
  for (const auto& f : outcome.results) REQUIRE_FALSE(f.error);
  const auto ours = file_cookies(jar->write_netscape(jar->now()));

  // What RFC 6265 keeps, whatever curl does.
  CHECK(ours.size() == 35);
  CHECK(ours.count(".example.test TRUE / FALSE dom=2") == 1);
  CHECK(ours.count(".foo.co.uk TRUE / FALSE reg=14") == 1);
  CHECK(ours.count("127.0.0.1 FALSE / FALSE ip=16") == 1);
  CHECK(ours.count("127.0.0.1 FALSE / TRUE sec=4") == 1);
  CHECK(ours.count("HttpOnly www.example.test FALSE / FALSE ho=5") == 1);
  CHECK(ours.count(".www.example.test TRUE / FALSE up=19") == 1);
  CHECK(ours.count("www.example.test FALSE /b FALSE dup=15") == 1);
  CHECK(ours.count("www.example.test FALSE /x FALSE sp=a b") == 1);
  CHECK(ours.at("www.example.test FALSE / FALSE far=7") == 4102444800LL);
  CHECK(ours.at("www.example.test FALSE / FALSE y38=12") == 2159691494LL);
  CHECK(ours.at("www.example.test FALSE / FALSE asc=17") == 3971407777LL);

  if (!have_curl) {
    WARN("/usr/bin/curl is missing: the comparison with curl is skipped");
    std::filesystem::remove_all(dir);
    return;
  }
  std::ifstream in(curl_file);
  std::stringstream text;
  text << in.rdbuf();
  const auto theirs = file_cookies(text.str());
  CHECK(keys_of(ours) == keys_of(theirs));
  for (const auto& [key, expiry] : ours) {
    const auto it = theirs.find(key);
    if (it == theirs.end()) continue;
    INFO(key);
    // Max-Age counts from when each one received the response: a few seconds apart at most.
    CHECK(std::llabs(it->second - expiry) <= 30);
    CHECK((it->second == 0) == (expiry == 0));
  }
  std::filesystem::remove_all(dir);
}
