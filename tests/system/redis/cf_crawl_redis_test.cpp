// cf-crawl, the built tool, as workers of one job in a real redis-server: two processes with
// the same --redis and --job, run at once on one generated loopback site, write between them
// each page of the site once; --status then shows the job ended (text and --json), --reset
// removes its keys, and the usage and connection errors are one line each.
#include "support/common/process.hpp"
#include "support/crawl/crawl_server.hpp"
#include "support/crawl/generated_site.hpp"
#include "support/redis/redis_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using corofetch::test::crawl_server;
using corofetch::test::example_tool;
using corofetch::test::generated_site;
using corofetch::test::process_result;
using corofetch::test::redis_server;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using json = nlohmann::json;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string templ = (fs::temp_directory_path() / "cf_crawl_redis_XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The path of each --jsonl line's URL ("http://site.test:PORT/p/1.html" -> "/p/1.html").
std::vector<std::string> jsonl_paths(const fs::path& p) {
  std::vector<std::string> out;
  for (const auto& line : split_lines(read_text(p))) {
    const std::string url = json::parse(line).at("url");
    out.push_back(url.substr(url.find('/', url.find("//") + 2)));
  }
  return out;
}

std::vector<std::string> tool(std::vector<std::string> args) {
  args.insert(args.begin(), {example_tool("cf-crawl"), "--allow-private", "loopback"});
  return args;
}

// A loopback port nothing listens on: bound to learn it, then closed.
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool one_line(const std::string& text) {
  return !text.empty() && text.find('\n') == text.size() - 1;
}

}  // namespace

TEST_CASE("cf-crawl --redis: two workers crawl a site together, each page once; --status, --reset",
          "[system]") {
  redis_server redis;
  generated_site site;
  site.pages = 300;
  site.delay = 20ms;  // the crawl lasts long enough for both workers to get a share
  crawl_server server([&](const crawl_server::request& r) { return site.answer(r); });
  temp_dir dir;
  const std::string job = "cf-crawl-test";
  // A worker holds at most --concurrency (4) of the host's --per-host (8) slots, so neither can
  // take them all: the one that ends a fetch takes the next URL in the same round trip, and a
  // worker polling for a free slot would otherwise find none.
  const auto worker = [&](const std::string& name) {
    return tool({"--json", "--redis", redis.url(), "--job", job, "--resolve",
                 server.resolve("site.test"), "--delay", "0", "--per-host", "8", "--concurrency",
                 "4", "--jsonl", (dir.path / (name + ".jsonl")).string(),
                 server.url("site.test", "/p/0.html")});
  };
  auto first = std::async(std::launch::async, [&] { return run_process(worker("a"), 60s); });
  auto second = std::async(std::launch::async, [&] { return run_process(worker("b"), 60s); });
  const process_result a = first.get();
  const process_result b = second.get();
  INFO(a.err << b.err << a.out << b.out);
  // The site has links to missing pages (404): exit status 1, as without --redis.
  CHECK(a.exit_code == 1);
  CHECK(b.exit_code == 1);

  const auto from_a = jsonl_paths(dir.path / "a.jsonl");
  const auto from_b = jsonl_paths(dir.path / "b.jsonl");
  CHECK_FALSE(from_a.empty());
  CHECK_FALSE(from_b.empty());
  std::set<std::string> all;
  for (const auto* lines : {&from_a, &from_b}) {
    for (const auto& path : *lines) {
      INFO("reported twice: " << path);
      CHECK(all.insert(path).second);  // no page in both files, nor twice in one
    }
  }
  std::set<std::string> expected = site.expected_paths();
  expected.erase("/robots.txt");
  CHECK(all == expected);

  {  // --status shows the job ended, as text and as JSON
    const auto text = run_process(tool({"--redis", redis.url(), "--job", job, "--status"}));
    INFO(text.err);
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("job       " + job + " in ") == 0);
    CHECK(text.out.find("\nfetched   " + std::to_string(expected.size()) + "\n") !=
          std::string::npos);
    CHECK(text.out.find("\nqueued    0 (0 delayed for a retry)\n") != std::string::npos);
    CHECK(text.out.find("\nleased    0 (0 leases expired so far)\n") != std::string::npos);

    const auto doc =
        run_process(tool({"--redis", redis.url(), "--job", job, "--status", "--json"}));
    REQUIRE(doc.exit_code == 0);
    const json s = json::parse(doc.out);
    CHECK(s.at("job") == job);
    CHECK(s.at("exists") == true);
    CHECK(s.at("fetched") == expected.size());
    CHECK(s.at("failed") == 0);
    CHECK(s.at("queued") == 0);
    CHECK(s.at("delayed") == 0);
    CHECK(s.at("leased") == 0);
    CHECK(s.at("expired_leases") == 0);
    CHECK(s.at("hosts_met") == 1);
    CHECK(s.at("seen").get<std::uint64_t>() >= expected.size());
    CHECK(s.at("per_host") == 8);
    CHECK(s.at("lease_ms") == 60000);
    CHECK(s.at("pages_per_sec").get<double>() > 0);
  }

  {  // --reset removes the job's keys; --status then finds no job
    const auto reset = run_process(tool({"--redis", redis.url(), "--job", job, "--reset"}));
    INFO(reset.err);
    REQUIRE(reset.exit_code == 0);
    CHECK(reset.out.find("job " + job + ": ") == 0);
    const std::size_t keys = std::stoul(reset.out.substr(job.size() + 6));
    CHECK(keys > 2);  // meta, stats, hosts, the seen-set's buckets, ...
    CHECK(reset.out.find(" keys removed\n") != std::string::npos);

    const auto text = run_process(tool({"--redis", redis.url(), "--job", job, "--status"}));
    CHECK(text.exit_code == 0);
    CHECK(text.out == "job " + job + ": no such job in " + redis.url() + "\n");
    const auto doc =
        run_process(tool({"--redis", redis.url(), "--job", job, "--status", "--json"}));
    CHECK(doc.exit_code == 0);
    CHECK(json::parse(doc.out).at("exists") == false);

    const auto again =
        run_process(tool({"--redis", redis.url(), "--job", job, "--reset", "--json"}));
    CHECK(again.exit_code == 0);
    CHECK(json::parse(again.out).at("removed_keys") == 0);
  }
}

TEST_CASE("cf-crawl --redis: bad usage is exit 2 with one line", "[system]") {
  const std::string url = "http://127.0.0.1:1/";
  const std::vector<std::vector<std::string>> bad{
      {"--redis", "redis://127.0.0.1:6379/0", "--state", "crawl.state", url},
      {"--redis", "http://127.0.0.1:6379/", url},
      {"--redis", "redis://127.0.0.1:6379/0", "--lease", "0", url},
      {"--redis", "redis://127.0.0.1:6379/0", "--lease", "86401", url},
      {"--job", "j", url},
      {"--status"},
      {"--reset"},
      {"--redis", "redis://127.0.0.1:6379/0", "--status", "--reset"},
      {"--redis", "redis://127.0.0.1:6379/0", "--status", url},
      {"--redis", "redis://127.0.0.1:6379/0"},
  };
  for (const auto& args : bad) {
    const auto r = run_process(tool(args));
    std::string line;
    for (const auto& a : args) line += a + " ";
    INFO(line << "-> " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
    CHECK(r.err.find("cf-crawl: ") == 0);
    CHECK(r.out.empty());
  }
}

TEST_CASE("cf-crawl --redis: a bad --job name is exit 2, also for --status", "[system]") {
  redis_server redis;
  for (const auto& args : std::vector<std::vector<std::string>>{
           std::vector<std::string>{"--redis", redis.url(), "--job", "no spaces", "--status"},
           std::vector<std::string>{"--redis", redis.url(), "--job", "no spaces", "--reset"},
           std::vector<std::string>{"--redis", redis.url(), "--job", std::string(65, 'j'),
                                    "http://127.0.0.1:1/"}}) {
    const auto r = run_process(tool(args));
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
    CHECK(r.err.find("--job \"") != std::string::npos);
  }
}

TEST_CASE("cf-crawl --redis: Redis unreachable is exit 1 with one line", "[system]") {
  const std::string url = "redis://127.0.0.1:" + std::to_string(free_port()) + "/0";
  for (const auto& args : std::vector<std::vector<std::string>>{
           std::vector<std::string>{"--redis", url, "http://127.0.0.1:1/"},
           std::vector<std::string>{"--redis", url, "--status"},
           std::vector<std::string>{"--redis", url, "--reset"}}) {
    const auto r = run_process(tool(args));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(one_line(r.err));
    CHECK(r.err.find("cf-crawl: " + url + ": could not connect to Redis") == 0);
    CHECK(r.out.empty());
  }
}
