// cf-url as a user runs it: the seed's five example URLs (1-1), --base, --json, bad input.
#include "common/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using corofetch::test::example_tool;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using nlohmann::json;

namespace {

json run_json(const std::vector<std::string>& urls, int expected_exit = 0) {
  std::vector<std::string> argv{example_tool("cf-url"), "--json"};
  argv.insert(argv.end(), urls.begin(), urls.end());
  const auto result = run_process(argv);
  INFO(result.err);
  REQUIRE(result.exit_code == expected_exit);
  // One document: {"urls": [...]}, one object per URL.
  const json lines = json::parse(result.out).at("urls");
  REQUIRE(lines.size() == urls.size());
  return lines;
}

}  // namespace

TEST_CASE("cf-url takes the seed's five example URLs apart", "[system][url]") {
  const auto lines = run_json({
      "http://user:password@www.cyber.co.kr:80/dir/file.html",
      "ftp://user:password@ftp.cyber.co.kr:21/dir/file1.html",
      "file://localhost/c:/path/file1/zip",
      "mailto:tone@cyber.co.kr",
      "news:comp.protocols.tcp-ip",
  });
  CHECK(lines[0] == json::parse(R"({"input":"http://user:password@www.cyber.co.kr:80/dir/file.html",
      "href":"http://user:password@www.cyber.co.kr/dir/file.html","scheme":"http","user":"user",
      "password":"password","host":"www.cyber.co.kr","port":80,"path":"/dir/file.html",
      "query":null,"fragment":null})"));
  CHECK(lines[1] == json::parse(R"({"input":"ftp://user:password@ftp.cyber.co.kr:21/dir/file1.html",
      "href":"ftp://user:password@ftp.cyber.co.kr/dir/file1.html","scheme":"ftp","user":"user",
      "password":"password","host":"ftp.cyber.co.kr","port":21,"path":"/dir/file1.html",
      "query":null,"fragment":null})"));
  // A file URL's "localhost" host is the empty host (URL Standard, file host state).
  CHECK(lines[2] == json::parse(R"({"input":"file://localhost/c:/path/file1/zip",
      "href":"file:///c:/path/file1/zip","scheme":"file","user":"","password":"","host":"",
      "port":null,"path":"/c:/path/file1/zip","query":null,"fragment":null})"));
  CHECK(lines[3] ==
        json::parse(R"({"input":"mailto:tone@cyber.co.kr","href":"mailto:tone@cyber.co.kr",
      "scheme":"mailto","user":"","password":"","host":"","port":null,"path":"tone@cyber.co.kr",
      "query":null,"fragment":null})"));
  CHECK(lines[4] ==
        json::parse(R"({"input":"news:comp.protocols.tcp-ip","href":"news:comp.protocols.tcp-ip",
      "scheme":"news","user":"","password":"","host":"","port":null,"path":"comp.protocols.tcp-ip",
      "query":null,"fragment":null})"));
}

TEST_CASE("cf-url --base resolves relative references", "[system][url]") {
  const auto result = run_process({example_tool("cf-url"), "--json", "--base",
                                   "http://www.lab.cyber.co.kr/dir/page.html?x#y", "../img/a.png",
                                   "?q=1", "#top", "//other.example/"});
  REQUIRE(result.exit_code == 0);
  const auto lines = json::parse(result.out).at("urls");
  REQUIRE(lines.size() == 4);
  CHECK(lines[0]["href"] == "http://www.lab.cyber.co.kr/img/a.png");
  CHECK(lines[1]["href"] == "http://www.lab.cyber.co.kr/dir/page.html?q=1");
  CHECK(lines[2]["href"] == "http://www.lab.cyber.co.kr/dir/page.html?x#top");
  CHECK(lines[3]["href"] == "http://other.example/");
}

TEST_CASE("cf-url reports invalid URLs and exits 1, keeping the valid ones", "[system][url]") {
  const auto lines =
      run_json({"http://exa mple.com/", "http://h:65536/", "http://1.2.3.4.5/", "http://256.0.0.1/",
                "http://[::1/", "http:///", "http://ok.example/"},
               1);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    INFO(lines[i].dump());
    CHECK(lines[i].contains("error"));
    CHECK(!lines[i]["error"].get<std::string>().empty());
  }
  CHECK(lines.back()["href"] == "http://ok.example/");
}

TEST_CASE("cf-url prints a readable table and one clear error line", "[system][url]") {
  const auto ok = run_process({example_tool("cf-url"), "http://www.lab.cyber.co.kr/dir/"});
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("host      www.lab.cyber.co.kr") != std::string::npos);
  CHECK(ok.out.find("port      80 (default)") != std::string::npos);
  CHECK(ok.out.find("file      index.html") != std::string::npos);

  const auto bad = run_process({example_tool("cf-url"), "no scheme here"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.empty());
  CHECK(split_lines(bad.err).size() == 1);
  CHECK(bad.err.rfind("cf-url: invalid URL 'no scheme here': ", 0) == 0);

  const auto usage = run_process({example_tool("cf-url")});
  CHECK(usage.exit_code == 2);
}

TEST_CASE("cf-url: --version, --help with exit codes, bad usage exits 2 with one line",
          "[system][url]") {
  const auto version = run_process({example_tool("cf-url"), "--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("cf-url ", 0) == 0);
  CHECK(split_lines(version.out).size() == 1);
  const auto help = run_process({example_tool("cf-url"), "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Exit codes:") != std::string::npos);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"--no-such-option", "http://h/"}, {"--base", "not a url", "x"}, {"--base"}}) {
    std::vector<std::string> argv{example_tool("cf-url")};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run_process(argv);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(split_lines(r.err).size() == 1);
    argv.push_back("--json");
    const auto js = run_process(argv);
    CHECK(js.exit_code == 2);
    CHECK(json::parse(js.out).at("error").at("exit_code") == 2);
  }
}
