// page::to_har against a loopback site: an entry per exchange (redirect hops their own, with
// redirectURL), request heads as written, status text, server address, connection, query
// string, cookies, sizes, a failed resource with its error, timings that add up; and the file
// passes har-validator (npm, tests/npm) when node is installed.
#include <corofetch/page/har.hpp>

#include "support/common/process.hpp"
#include "support/page/load.hpp"
#include "support/page/site_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

namespace page = corofetch::page;
using corofetch::test::load_page;
using corofetch::test::site_server;
using json = nlohmann::json;
using route = site_server::route;

namespace {

route typed(std::string type, std::string body) {
  route r;
  r.content_type = std::move(type);
  r.body = std::move(body);
  return r;
}

// A page behind a redirect, setting a cookie, naming an image with a query, a redirected
// stylesheet, a missing image and one whose connection is reset.
site_server har_site() {
  route start;
  start.status = 301;
  start.location = "/page.html";
  route doc = typed("text/html", R"(<title>HAR</title><link rel="stylesheet" href="/old.css">
      <img src="/q.png?a=1&amp;b=x%20y"><img src="/missing.png"><img src="/reset.png">)");
  doc.headers = {"Set-Cookie: session=abc; Path=/; HttpOnly"};
  route old_css;
  old_css.status = 302;
  old_css.location = "/new.css";
  route reset;
  reset.reset = true;
  return site_server({{"/start", start},
                      {"/page.html", doc},
                      {"/old.css", old_css},
                      {"/new.css", typed("text/css", "b{color:red}")},
                      {"/q.png?a=1&b=x%20y", typed("image/png", "png!")},
                      {"/reset.png", reset}});
}

double number(const json& j) {
  return j.get<double>();
}

// HAR 1.2: time is the sum of the timings that apply (-1: not applicable; ssl is inside
// connect).
void check_sum(const json& e) {
  const json& t = e["timings"];
  double sum = 0;
  for (const char* phase : {"blocked", "dns", "connect", "send", "wait", "receive"}) {
    INFO(phase);
    const double v = number(t[phase]);
    if (std::string(phase) == "dns" || std::string(phase) == "connect" ||
        std::string(phase) == "blocked") {
      CHECK((v >= 0 || v == -1));
    } else {
      CHECK(v >= 0);
    }
    if (v > 0) sum += v;
  }
  CHECK(number(e["time"]) == Approx(sum).margin(0.0011));
  if (number(t["ssl"]) >= 0) CHECK(number(t["ssl"]) <= number(t["connect"]));
}

const json* entry_for(const json& entries, const std::string& url) {
  for (const auto& e : entries) {
    if (e["request"]["url"] == url) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("HAR: an entry per exchange, heads as written, sums that hold", "[integration]") {
  site_server site = har_site();
  page::load_options lo;
  lo.requisites = page::requisites::all;
  lo.extra_fields.add("Cookie", "theme=dark; lang=en");
  auto r = load_page(site.url("/start"), lo);
  REQUIRE(r);
  REQUIRE(r->document.ok());
  const json har = json::parse(page::to_har(*r, {"test", "1", std::chrono::system_clock::now()}));
  const json& log = har["log"];
  CHECK(log["version"] == "1.2");
  CHECK(log["pages"][0]["title"] == "HAR");
  const json& timings = log["pages"][0]["pageTimings"];
  CHECK(number(timings["onContentLoad"]) > 0);
  CHECK(number(timings["onContentLoad"]) <= number(timings["onLoad"]));
  const json& entries = log["entries"];
  // start (301), page, old.css (302), new.css, q.png, missing.png, reset.png
  REQUIRE(entries.size() == 7);
  for (const auto& e : entries) {
    INFO(e["request"]["url"]);
    check_sum(e);
    CHECK(e["pageref"] == "page_1");
  }

  const json& hop = entries[0];
  CHECK(hop["request"]["url"] == site.url("/start"));
  CHECK(hop["response"]["status"] == 301);
  CHECK(hop["response"]["statusText"] == "Moved Permanently");
  CHECK(hop["response"]["redirectURL"] == site.url("/page.html"));
  const json& doc = entries[1];
  CHECK(doc["request"]["url"] == site.url("/page.html"));
  CHECK(doc["response"]["status"] == 200);
  CHECK(doc["response"]["statusText"] == "OK");
  CHECK(doc["response"]["httpVersion"] == "HTTP/1.1");
  CHECK(doc["serverIPAddress"] == "127.0.0.1");
  CHECK_FALSE(doc["connection"].get<std::string>().empty());
  CHECK(doc["response"]["cookies"][0]["name"] == "session");
  CHECK(doc["response"]["cookies"][0]["value"] == "abc");
  CHECK(doc["response"]["cookies"][0]["httpOnly"] == true);
  CHECK(doc["response"]["bodySize"] == r->document.wire_bytes);
  CHECK(doc["response"]["content"]["size"] == r->document.bytes);
  CHECK(doc["response"]["headersSize"].get<long long>() > 0);

  // The request head as the server received it.
  const json& req = doc["request"];
  const std::string head = site.last_head("/page.html");
  CHECK(req["headersSize"] == head.size());
  bool host_seen = false;
  for (const auto& h : req["headers"]) {
    const std::string line = h["name"].get<std::string>() + ": " + h["value"].get<std::string>();
    CHECK(head.find(line + "\r\n") != std::string::npos);
    host_seen |= h["name"] == "Host";
  }
  CHECK(host_seen);
  REQUIRE(req["cookies"].size() == 2);
  CHECK(req["cookies"][0]["name"] == "theme");
  CHECK(req["cookies"][1]["value"] == "en");

  const json* q = entry_for(entries, site.url("/q.png?a=1&b=x%20y"));
  REQUIRE(q != nullptr);
  REQUIRE((*q)["request"]["queryString"].size() == 2);
  CHECK((*q)["request"]["queryString"][1]["name"] == "b");
  CHECK((*q)["request"]["queryString"][1]["value"] == "x y");
  const json* old_css = entry_for(entries, site.url("/old.css"));
  REQUIRE(old_css != nullptr);
  CHECK((*old_css)["response"]["redirectURL"] == site.url("/new.css"));
  CHECK((*old_css)["_resourceType"] == "stylesheet");
  const json* missing = entry_for(entries, site.url("/missing.png"));
  REQUIRE(missing != nullptr);
  CHECK((*missing)["response"]["status"] == 404);
  const json* reset = entry_for(entries, site.url("/reset.png"));
  REQUIRE(reset != nullptr);
  CHECK((*reset)["response"]["status"] == 0);
  CHECK_FALSE((*reset)["_error"].get<std::string>().empty());
  CHECK(number((*reset)["timings"]["send"]) >= 0);

  // The entries of one resource follow each other: a hop's end is the next one's start.
  const page::resource* moved = nullptr;
  for (const auto& res : r->images) {
    if (res.url == site.url("/old.css")) moved = &res;
  }
  REQUIRE(moved != nullptr);
  REQUIRE(moved->exchanges.size() == 2);
  CHECK(moved->exchanges[1].started ==
        moved->exchanges[0].started + moved->exchanges[0].timing.total());
}

TEST_CASE("HAR: har-validator accepts the file", "[integration]") {
  const auto found = corofetch::test::run_process({"/bin/sh", "-c", "command -v node"});
  const auto lines = corofetch::test::split_lines(found.out);
  const std::string modules = CF_SOURCE_DIR "/tests/npm/node_modules";
  if (found.exit_code != 0 || lines.empty() ||
      !std::filesystem::exists(modules + "/har-validator/package.json")) {
    WARN("node or har-validator (tests/npm) is missing: the validation is skipped");
    return;
  }
  site_server site = har_site();
  page::load_options lo;
  lo.requisites = page::requisites::all;
  auto r = load_page(site.url("/start"), lo);
  REQUIRE(r);
  const auto file = std::filesystem::temp_directory_path() /
                    ("cf_page_har_" + std::to_string(::getpid()) + ".har");
  {
    std::ofstream out(file);
    out << page::to_har(*r, {"test", "1", std::chrono::system_clock::now()});
  }
  const std::string script =
      "const v = require(process.argv[1] + '/har-validator');"
      "const har = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));"
      "v.har(har).then(() => console.log('valid'), e => {"
      "  console.log(JSON.stringify(e.errors || e.message)); process.exit(1); });";
  const auto run = corofetch::test::run_process({lines.front(), "-e", script, modules, file});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out == "valid\n");
  std::filesystem::remove(file);
}
