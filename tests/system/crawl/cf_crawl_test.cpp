// cf-crawl, the built tool, against loopback sites served by crawl_server: the exact URLs of a
// generated site in --jsonl, each once, with their fields; the scope, depth, page limit,
// include and exclude flags; --warc read back by our reader and by warcio (npm; that part is
// skipped without node); the exit codes; and a crawl killed with SIGKILL, then run again with
// the same --state, ending with every URL of the site reported exactly once.
#include <corofetch/crawl/warc.hpp>

#include "support/common/process.hpp"
#include "support/crawl/crawl_server.hpp"
#include "support/crawl/generated_site.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace crawl = corofetch::crawl;
namespace fs = std::filesystem;
using corofetch::test::crawl_server;
using corofetch::test::example_tool;
using corofetch::test::generated_site;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using json = nlohmann::json;

namespace {

fs::path fresh_dir() {
  std::string templ = (fs::temp_directory_path() / "cf_crawl_sys_XXXXXX").string();
  REQUIRE(::mkdtemp(templ.data()) != nullptr);
  return templ;
}

struct temp_dir {
  fs::path path = fresh_dir();
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<json> read_jsonl(const fs::path& p) {
  std::vector<json> out;
  for (const auto& line : split_lines(read_file(p))) out.push_back(json::parse(line));
  return out;
}

// The path of each line's URL ("http://site.test:PORT/p/1.html" -> "/p/1.html"), each once:
// a URL reported twice fails the test.
std::set<std::string> paths_once(const std::vector<json>& lines) {
  std::set<std::string> out;
  for (const auto& l : lines) {
    const std::string url = l.at("url");
    const std::string path = url.substr(url.find('/', url.find("//") + 2));
    INFO("reported twice: " << url);
    CHECK(out.insert(path).second);
  }
  return out;
}

std::set<std::string> without_robots(std::set<std::string> paths) {
  paths.erase("/robots.txt");
  return paths;
}

// The tool's flags for a crawl of `host` on `server`: quiet, no delay, 4 requests at once to the
// host and 8 in all unless `more` says otherwise.
std::vector<std::string> crawl_args(const crawl_server& server, const std::string& host,
                                    std::vector<std::string> more) {
  std::vector<std::string> args{example_tool("cf-crawl"), "-q",      "--resolve",
                                server.resolve(host),     "--delay", "0",
                                "--allow-private",        "loopback"};
  const auto given = [&](const char* flag) {
    return std::find(more.begin(), more.end(), flag) != more.end();
  };
  if (!given("--per-host")) args.insert(args.end(), {"--per-host", "4"});
  if (!given("--concurrency")) args.insert(args.end(), {"--concurrency", "8"});
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// A small site with a tree of directories, every page 200, robots.txt 404:
//   /         -> /docs/ /blog/
//   /docs/    -> /docs/a.html /docs/b.html /blog/post.html /docs/old/z.html
//   /docs/a.html -> /docs/a2.html      /docs/b.html -> /      /docs/old/z.html -> /docs/a.html
//   /blog/    -> /blog/post.html       /blog/post.html -> /docs/
crawl_server::reply tree_site(const crawl_server::request& r) {
  static const std::map<std::string, std::vector<std::string>> links{
      {"/", {"/docs/", "/blog/"}},
      {"/docs/", {"a.html", "b.html", "/blog/post.html", "old/z.html"}},
      {"/docs/a.html", {"a2.html"}},
      {"/docs/a2.html", {}},
      {"/docs/b.html", {"/"}},
      {"/docs/old/z.html", {"../a.html"}},
      {"/blog/", {"post.html"}},
      {"/blog/post.html", {"/docs/"}},
  };
  crawl_server::reply out;
  const auto it = links.find(r.path);
  if (it == links.end()) {
    out.status = 404;
    out.content_type = "text/plain";
    out.body = "no such page";
    return out;
  }
  out.body = "<!doctype html><title>" + r.path + "</title>";
  for (const auto& l : it->second) out.body += "<a href=\"" + l + "\">link</a>\n";
  return out;
}

std::set<std::string> tree_crawl(const std::vector<std::string>& flags,
                                 const std::string& seed_path = "/", int expected_exit = 0) {
  crawl_server server(tree_site);
  temp_dir dir;
  const fs::path jsonl = dir.path / "out.jsonl";
  auto args = crawl_args(server, "tree.test", flags);
  args.insert(args.end(), {"--jsonl", jsonl.string(), server.url("tree.test", seed_path)});
  const auto run = run_process(args);
  INFO(run.err);
  CHECK(run.exit_code == expected_exit);
  CHECK(run.out.empty());  // -q
  return paths_once(read_jsonl(jsonl));
}

}  // namespace

TEST_CASE("cf-crawl: --jsonl has every URL of a generated site once, with its fields", "[system]") {
  generated_site site;
  site.pages = 300;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  temp_dir dir;
  const fs::path jsonl = dir.path / "pages.jsonl";
  const auto run = run_process(
      crawl_args(server, "site.test",
                 {"--json", "--jsonl", jsonl.string(), server.url("site.test", "/p/0.html")}));
  INFO(run.err);
  CHECK(run.exit_code == 1);  // the site has missing pages: 404
  const auto lines = read_jsonl(jsonl);
  const std::set<std::string> expected = site.expected_paths();
  CHECK(paths_once(lines) == without_robots(expected));
  CHECK(server.requests() == expected.size());  // each once, robots.txt included

  const std::string base = server.url("site.test", "");
  std::size_t missing = 0;
  for (const auto& l : lines) {
    const std::string url = l["url"];
    INFO(l.dump());
    CHECK(l["error"].is_null());
    CHECK(l["final_url"] == url);
    if (url == base + "/p/0.html") {
      CHECK(l["status"] == 200);
      CHECK(l["depth"] == 0);
      CHECK(l["referrer"].is_null());
      CHECK(l["content_type"] == "text/html");
      CHECK(l["bytes"] == site.page_html(0, "site.test:" + std::to_string(server.port())).size());
      CHECK(l["links"] == 10);  // 4 page links, redirect, missing, file, private, nofollow, out
      CHECK(l["followed"] == 7);
      CHECK(l["ms"].get<double>() >= 0);
    } else if (url == base + "/r/0") {
      CHECK(l["status"] == 301);
      CHECK(l["depth"] == 1);
      CHECK(l["referrer"] == base + "/p/0.html");
      CHECK(l["links"] == 1);
    } else if (url == base + "/files/0.bin") {
      CHECK(l["content_type"] == "application/octet-stream");
      CHECK(l["links"] == 0);
    }
    if (url.find("/missing/") != std::string::npos) {
      CHECK(l["status"] == 404);
      ++missing;
    }
  }
  CHECK(missing > 0);
  const json summary = json::parse(run.out);
  CHECK(summary["pages"] == lines.size());
  CHECK(summary["fetched"] == lines.size());
  CHECK(summary["failed"] == 0);
  CHECK(summary["http_errors"] == missing);
  CHECK(summary["robots_fetches"] == 1);
  CHECK(summary["exit_code"] == 1);
}

TEST_CASE("cf-crawl: --report-skipped adds robots-disallowed and out-of-scope URLs", "[system]") {
  generated_site site;
  site.pages = 60;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  temp_dir dir;
  const fs::path jsonl = dir.path / "pages.jsonl";
  const auto run = run_process(crawl_args(
      server, "site.test",
      {"--report-skipped", "--jsonl", jsonl.string(), server.url("site.test", "/p/0.html")}));
  INFO(run.err);
  CHECK(run.exit_code == 1);
  std::map<std::string, std::string> skipped;
  std::set<std::string> fetched;
  for (const auto& l : read_jsonl(jsonl)) {
    if (l.contains("skipped")) {
      CHECK(skipped.emplace(l["url"].get<std::string>(), l["skipped"].get<std::string>()).second);
      CHECK_FALSE(l["reason"].get<std::string>().empty());
    } else {
      CHECK(fetched.insert(l["url"].get<std::string>()).second);
    }
  }
  const std::string base = server.url("site.test", "");
  CHECK(skipped.at(base + "/private/0.html") == "robots disallowed");
  CHECK(skipped.at("http://elsewhere.test/0") == "out of scope");
  CHECK(fetched.size() == site.expected_paths().size() - 1);
  CHECK(server.hits("site.test", "/private/0.html") == 0);
}

TEST_CASE("cf-crawl: --scope prefix, --include, --exclude, --depth and --max-pages", "[system]") {
  using paths = std::set<std::string>;
  SECTION("the whole tree") {
    CHECK(tree_crawl({}) == paths{"/", "/docs/", "/blog/", "/docs/a.html", "/docs/b.html",
                                  "/blog/post.html", "/docs/old/z.html", "/docs/a2.html"});
  }
  SECTION("--scope prefix stays under the seed's directory") {
    CHECK(tree_crawl({"--scope", "prefix"}, "/docs/") ==
          paths{"/docs/", "/docs/a.html", "/docs/b.html", "/docs/old/z.html", "/docs/a2.html"});
  }
  SECTION("--exclude drops what matches") {
    CHECK(tree_crawl({"--exclude", "/old/", "--exclude", "a2"}) ==
          paths{"/", "/docs/", "/blog/", "/docs/a.html", "/docs/b.html", "/blog/post.html"});
  }
  SECTION("--include keeps only what matches, the seed always") {
    CHECK(tree_crawl({"--include", "/docs/"}) == paths{"/", "/docs/", "/docs/a.html",
                                                       "/docs/b.html", "/docs/old/z.html",
                                                       "/docs/a2.html"});
  }
  SECTION("--depth") {
    CHECK(tree_crawl({"--depth", "0"}) == paths{"/"});
    CHECK(tree_crawl({"--depth", "1"}) == paths{"/", "/docs/", "/blog/"});
    CHECK(tree_crawl({"--depth", "2"}) == paths{"/", "/docs/", "/blog/", "/docs/a.html",
                                                "/docs/b.html", "/blog/post.html",
                                                "/docs/old/z.html"});
  }
  SECTION("--max-pages") {
    CHECK(tree_crawl({"--max-pages", "3", "--concurrency", "1"}).size() == 3);
  }
}

TEST_CASE("cf-crawl: exit codes, one line on stderr for bad usage", "[system]") {
  SECTION("0: every URL answered below 400") {
    crawl_server server(tree_site);
    const auto run = run_process(crawl_args(server, "tree.test", {server.url("tree.test")}));
    INFO(run.err);
    CHECK(run.exit_code == 0);
  }
  SECTION("1: a page answers 500, another 404") {
    crawl_server server([](const crawl_server::request& r) {
      crawl_server::reply out;
      if (r.path == "/") out.body = "<a href=/broken>b</a><a href=/gone>g</a><a href=/ok>o</a>";
      if (r.path == "/broken") out.status = 500;
      if (r.path == "/gone" || r.path == "/robots.txt") out.status = 404;
      return out;
    });
    temp_dir dir;
    const fs::path jsonl = dir.path / "out.jsonl";
    const auto run = run_process(crawl_args(
        server, "err.test", {"--retries", "0", "--jsonl", jsonl.string(), server.url("err.test")}));
    INFO(run.err);
    CHECK(run.exit_code == 1);
    std::map<std::string, int> status;
    for (const auto& l : read_jsonl(jsonl)) {
      status[l["url"].get<std::string>()] = l["status"].get<int>();
    }
    const std::string base = server.url("err.test", "");
    CHECK(status == std::map<std::string, int>{{base + "/", 200},
                                               {base + "/broken", 500},
                                               {base + "/gone", 404},
                                               {base + "/ok", 200}});
  }
  SECTION("1: a page that cannot be fetched at all, with its error in the JSONL") {
    temp_dir dir;
    const fs::path jsonl = dir.path / "out.jsonl";
    // Port 1 on loopback: nothing listens, the connection is refused.
    const auto run = run_process({example_tool("cf-crawl"), "-q", "--no-robots", "--retries", "0",
                                  "--allow-private", "loopback", "--jsonl", jsonl.string(),
                                  "http://127.0.0.1:1/"});
    CHECK(run.exit_code == 1);
    const auto lines = read_jsonl(jsonl);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["status"].is_null());
    CHECK(lines[0]["error"].get<std::string>().find("refused") != std::string::npos);
  }
  SECTION("1b: the private-address guard is on by default: loopback is refused, named") {
    temp_dir dir;
    const fs::path jsonl = dir.path / "out.jsonl";
    const auto run = run_process({example_tool("cf-crawl"), "-q", "--no-robots", "--retries", "0",
                                  "--jsonl", jsonl.string(), "http://127.0.0.1:1/"});
    CHECK(run.exit_code == 1);
    const auto lines = read_jsonl(jsonl);
    REQUIRE(lines.size() == 1);
    const std::string error = lines[0]["error"];
    INFO(error);
    CHECK(error.find("refusing 127.0.0.1 (loopback): not a public address") != std::string::npos);
    // --allow-private takes class names only.
    const auto bad = run_process(
        {example_tool("cf-crawl"), "--allow-private", "intranet", "http://127.0.0.1:1/"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--allow-private") != std::string::npos);
  }
  SECTION("2: bad usage") {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"--bogus", "http://127.0.0.1:1/"},
                                               {"--depth", "deep", "http://127.0.0.1:1/"},
                                               {"--scope", "planet", "http://127.0.0.1:1/"},
                                               {"--per-host", "0", "http://127.0.0.1:1/"},
                                               {"--include", "([unclosed", "http://127.0.0.1:1/"},
                                               {"--resolve", "nonsense", "http://127.0.0.1:1/"},
                                               {"ftp://127.0.0.1/"},
                                               {"http://exa mple.test/"},
                                               {}}) {
      std::vector<std::string> argv{example_tool("cf-crawl")};
      argv.insert(argv.end(), args.begin(), args.end());
      const auto run = run_process(argv);
      INFO(run.err);
      CHECK(run.exit_code == 2);
      CHECK(split_lines(run.err).size() == 1);
      CHECK(run.err.rfind("cf-crawl: ", 0) == 0);
    }
  }
  SECTION("--help names the exit codes; --version") {
    const auto help = run_process({example_tool("cf-crawl"), "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("Exit codes:\n  0   the crawl ended") != std::string::npos);
    CHECK(help.out.find("--warc") != std::string::npos);
    const auto version = run_process({example_tool("cf-crawl"), "--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.out.rfind("cf-crawl ", 0) == 0);
  }
}

namespace {

struct warcio_peer {
  std::string node;
  std::string modules;
  std::string script;
};

std::optional<warcio_peer> find_warcio() {
  const auto found = run_process({"/bin/sh", "-c", "command -v node"});
  const auto lines = split_lines(found.out);
  if (found.exit_code != 0 || lines.empty()) {
    WARN("node is not installed: the warcio comparison is skipped");
    return std::nullopt;
  }
  const std::string modules = CF_SOURCE_DIR "/tests/npm/node_modules";
  if (!fs::exists(modules + "/warcio/package.json")) {
    WARN("warcio is not in tests/npm: the comparison is skipped");
    return std::nullopt;
  }
  return warcio_peer{lines.front(), modules, CF_TEST_DATA_DIR "/crawl/warcio_dump.mjs"};
}

}  // namespace

TEST_CASE("cf-crawl: --warc holds each exchange, read back by our reader and by warcio",
          "[system]") {
  generated_site site;
  site.pages = 50;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  temp_dir dir;
  const fs::path warc = dir.path / "crawl.warc.gz";
  const std::string authority = "site.test:" + std::to_string(server.port());
  const auto run = run_process(crawl_args(
      server, "site.test",
      {"--warc", warc.string(), "-A", "cf-test/1.0", server.url("site.test", "/p/0.html")}));
  INFO(run.err);
  CHECK(run.exit_code == 1);
  std::string detail;
  auto records = crawl::read_warc_records(warc, std::uint64_t{1} << 30, &detail);
  INFO(detail);
  REQUIRE(records);
  REQUIRE(records->size() >= 3);
  const crawl::warc_record& info = records->front();
  CHECK(info.field("WARC-Type") == "warcinfo");
  CHECK(info.block.find("http-header-user-agent: cf-test/1.0") != std::string::npos);

  const std::string base = server.url("site.test", "");
  std::set<std::string> responses;
  std::map<std::string, std::string> request_ids;  // record id -> target
  for (std::size_t i = 1; i < records->size(); ++i) {
    const crawl::warc_record& r = (*records)[i];
    const std::string type(r.field("WARC-Type").value_or(""));
    const std::string target(r.field("WARC-Target-URI").value_or(""));
    INFO(type << " " << target);
    CHECK(r.version == "WARC/1.1");
    CHECK(r.field("WARC-Warcinfo-ID") == info.field("WARC-Record-ID"));
    CHECK(r.field("WARC-Date").has_value());
    if (type == "request") {
      REQUIRE(i + 1 < records->size());
      const crawl::warc_record& response = (*records)[i + 1];
      CHECK(response.field("WARC-Type") == "response");
      CHECK(response.field("WARC-Target-URI") == target);
      CHECK(r.field("WARC-Concurrent-To") == response.field("WARC-Record-ID"));
      CHECK(response.field("WARC-Concurrent-To") == r.field("WARC-Record-ID"));
      CHECK(r.field("WARC-Date") == response.field("WARC-Date"));
      const std::string path = target.substr(base.size());
      CHECK(r.block.rfind("GET " + path + " HTTP/1.1\r\n", 0) == 0);
      CHECK(r.block.find("User-Agent: cf-test/1.0\r\n") != std::string::npos);
      continue;
    }
    REQUIRE(type == "response");
    CHECK(r.field("WARC-IP-Address") == "127.0.0.1");
    const std::size_t head_end = r.block.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    const std::string body = r.block.substr(head_end + 4);
    CHECK(r.field("WARC-Payload-Digest") == crawl::warc_sha1_digest(body));
    CHECK(r.field("WARC-Block-Digest") == crawl::warc_sha1_digest(r.block));
    CHECK(r.block.find("Content-Length: " + std::to_string(body.size()) + "\r\n") !=
          std::string::npos);
    const std::string path = target.substr(base.size());
    CHECK(responses.insert(path).second);
    if (path == "/p/1.html") {
      CHECK(r.block.rfind("HTTP/1.1 200 ", 0) == 0);
      CHECK(body == site.page_html(1, authority));
    } else if (path == "/robots.txt") {
      CHECK(body == site.robots);
    } else if (path.rfind("/missing/", 0) == 0) {
      CHECK(r.block.rfind("HTTP/1.1 404 ", 0) == 0);
    }
  }
  CHECK(responses == site.expected_paths());  // robots.txt archived too

  const auto peer = find_warcio();
  if (!peer) return;
  const auto read = run_process({peer->node, peer->script, peer->modules, warc.string()});
  INFO("warcio: " << read.err);
  REQUIRE(read.exit_code == 0);
  const json theirs = json::parse(read.out);
  REQUIRE(theirs.size() == records->size());
  CHECK(theirs[0]["type"] == "warcinfo");
  for (std::size_t i = 1; i < theirs.size(); ++i) {
    const json& t = theirs[i];
    INFO(t.dump());
    CHECK(t["uri"] == std::string((*records)[i].field("WARC-Target-URI").value_or("")));
    CHECK(t["blockDigest"] == t["computedBlockDigest"]);
    CHECK(t["payloadDigest"] == t["computedPayloadDigest"]);
    if (t["type"] == "response" && t["uri"] == base + "/p/2.html") {
      CHECK(t["status"] == 200);
      CHECK(t["content"] == site.page_html(2, authority));
    }
  }
}

namespace {

// Starts cf-crawl with `args` (argv[0] the tool), its output thrown away; returns its pid.
pid_t spawn_quiet(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

}  // namespace

TEST_CASE("cf-crawl: killed with SIGKILL, run again with --state, every URL once", "[system]") {
  generated_site site;
  site.pages = 600;
  site.delay = 3ms;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  temp_dir dir;
  const fs::path jsonl = dir.path / "pages.jsonl";
  const fs::path state = dir.path / "crawl.state";
  const fs::path warc = dir.path / "crawl.warc.gz";
  const auto args =
      crawl_args(server, "site.test",
                 {"--per-host", "4", "--concurrency", "4", "--state", state.string(), "--jsonl",
                  jsonl.string(), "--warc", warc.string(), server.url("site.test", "/p/0.html")});
  const std::set<std::string> expected = without_robots(site.expected_paths());

  const pid_t first = spawn_quiet(args);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (server.requests() < 150 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  ::kill(first, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(first, &status, 0) == first);
  REQUIRE(WIFSIGNALED(status));  // killed in the middle, not ended before
  const std::size_t before = read_jsonl(jsonl).size();
  CHECK(before > 0);
  CHECK(before < expected.size());

  const auto second = run_process(args);
  INFO(second.err);
  CHECK(second.exit_code == 1);  // the missing pages
  const auto lines = read_jsonl(jsonl);
  CHECK(paths_once(lines) == expected);
  CHECK(lines.size() == expected.size());
  // Only what was in flight at the kill (at most --concurrency URLs) is fetched twice, and
  // robots.txt once per run.
  std::size_t twice = 0;
  for (const auto& path : expected) {
    const std::size_t hits = server.hits("site.test", path);
    CHECK(hits >= 1);
    CHECK(hits <= 2);
    twice += hits == 2 ? 1U : 0U;
  }
  CHECK(twice <= 4);
  CHECK(server.hits("site.test", "/robots.txt") == 2);

  // The WARC too holds every page's response once: one fetched again after the kill is not
  // archived a second time (nor robots.txt).
  std::string detail;
  const auto records = crawl::read_warc_records(warc, std::uint64_t{1} << 30, &detail);
  REQUIRE(records.has_value());
  std::map<std::string, int> responses;
  for (const crawl::warc_record& r : *records) {
    if (r.field("WARC-Type") != "response") continue;
    const std::string uri(r.field("WARC-Target-URI").value_or(""));
    ++responses[uri.substr(uri.find('/', uri.find("//") + 2))];
  }
  std::set<std::string> archived;
  for (const auto& [path, n] : responses) {
    INFO(path);
    CHECK(n == 1);
    if (path != "/robots.txt") archived.insert(path);
  }
  CHECK(archived == expected);
}

TEST_CASE("cf-crawl: --max-pages counts the runs of one --state together", "[system]") {
  crawl_server server(tree_site);
  temp_dir dir;
  const fs::path jsonl = dir.path / "out.jsonl";
  const fs::path state = dir.path / "crawl.state";
  const auto args = crawl_args(server, "tree.test",
                               {"--concurrency", "1", "--max-pages", "3", "--state", state.string(),
                                "--jsonl", jsonl.string(), server.url("tree.test")});
  const auto first = run_process(args);
  INFO(first.err);
  CHECK(first.exit_code == 0);
  CHECK(read_jsonl(jsonl).size() == 3);
  auto more = args;
  more[more.size() - 6] = "6";  // --max-pages 6: three more
  const auto second = run_process(more);
  INFO(second.err);
  CHECK(second.exit_code == 0);
  const auto lines = read_jsonl(jsonl);
  CHECK(lines.size() == 6);
  CHECK(paths_once(lines).size() == 6);
}

TEST_CASE("cf-crawl: SIGINT stops the crawl gracefully, exit status 130", "[system]") {
  generated_site site;
  site.pages = 600;
  site.delay = 3ms;
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  temp_dir dir;
  const fs::path jsonl = dir.path / "pages.jsonl";
  const pid_t child =
      spawn_quiet(crawl_args(server, "site.test",
                             {"--per-host", "4", "--concurrency", "4", "--jsonl", jsonl.string(),
                              server.url("site.test", "/p/0.html")}));
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (server.requests() < 100 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  ::kill(child, SIGINT);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  // Every fetch that started ended and was reported: as many lines as pages requested.
  const auto lines = read_jsonl(jsonl);
  CHECK(lines.size() + 1 == server.requests());  // robots.txt is not a line
  CHECK(lines.size() < without_robots(site.expected_paths()).size());
}
