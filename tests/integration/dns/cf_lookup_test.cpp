#include <catch2/catch.hpp>
#include <common/process.hpp>
#include <dns/dns_test_server.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using corofetch::test::behaviour;
using corofetch::test::dns_test_server;
using corofetch::test::example_tool;
using corofetch::test::run_process;
using corofetch::test::split_lines;

namespace {

std::vector<std::string> args(const dns_test_server& server, std::vector<std::string> rest) {
  std::vector<std::string> argv{
      example_tool("cf-lookup"), "--server", server.endpoint(), "--timeout", "300", "--tries", "1"};
  argv.insert(argv.end(), rest.begin(), rest.end());
  return argv;
}

// The answer section only, as dig +noall +answer.
std::vector<std::string> answer_args(const dns_test_server& server, std::vector<std::string> rest) {
  rest.insert(rest.begin(), {"+noall", "+answer"});
  return args(server, std::move(rest));
}

// The one JSON document's objects, one per name.
std::vector<nlohmann::json> queries(const std::string& out) {
  return nlohmann::json::parse(out).at("queries").get<std::vector<nlohmann::json>>();
}

}  // namespace

TEST_CASE("cf-lookup prints dig's answer lines, MX by preference", "[integration]") {
  dns_test_server server;
  server.add_mx("example.test", 20, "mx2.example.test", 600)
      .add_mx("example.test", 10, "mx1.example.test", 600)
      .add_a("www.example.test", "127.0.0.1", 300)
      .add_reverse("127.0.0.1", "localhost.example.test", 86400);
  auto mx = run_process(answer_args(server, {"-t", "mx", "example.test"}));
  CHECK(mx.exit_code == 0);
  CHECK(split_lines(mx.out) ==
        std::vector<std::string>{"example.test.\t\t600\tIN\tMX\t10 mx1.example.test.",
                                 "example.test.\t\t600\tIN\tMX\t20 mx2.example.test."});
  // Names right after --server stay names (one value per --server, as dig users write it).
  auto after = run_process({example_tool("cf-lookup"), "--server", server.endpoint(),
                            "www.example.test", "example.test", "-t", "A", "+noall", "+answer"});
  CHECK(after.exit_code == 1);  // example.test has MX only: NODATA for A
  CHECK(split_lines(after.out) ==
        std::vector<std::string>{"www.example.test.\t300\tIN\tA\t127.0.0.1"});
  auto both = run_process(args(server, {"www.example.test", "-x", "127.0.0.1", "+short"}));
  CHECK(both.exit_code == 0);
  CHECK(split_lines(both.out) == std::vector<std::string>{"127.0.0.1", "localhost.example.test."});
}

TEST_CASE("cf-lookup --json, one document, and its exit status", "[integration]") {
  dns_test_server server;
  server.add_txt("example.test", "hello \"world\"", 60)
      .add_a("www.example.test", "127.0.0.1", 300)
      .set_behaviour("fail.example.test", behaviour::servfail);
  auto ok = run_process(args(server, {"--json", "-t", "TXT", "example.test"}));
  CHECK(ok.exit_code == 0);
  REQUIRE(queries(ok.out).size() == 1);
  const auto line = queries(ok.out)[0];
  CHECK(line["name"] == "example.test");
  CHECK(line["type"] == "TXT");
  REQUIRE(line["records"].size() == 1);
  CHECK(line["records"][0]["name"] == "example.test.");
  CHECK(line["records"][0]["ttl"] == 60);
  CHECK(line["records"][0]["data"] == "\"hello \\\"world\\\"\"");

  auto none = run_process(args(server, {"--json", "www.example.test", "nx.example.test"}));
  CHECK(none.exit_code == 1);
  const auto objects = queries(none.out);
  REQUIRE(objects.size() == 2);
  CHECK(objects[1]["error"] == "NXDOMAIN");

  auto nodata = run_process(args(server, {"-t", "MX", "www.example.test", "+short"}));
  CHECK(nodata.exit_code == 1);
  CHECK(nodata.out.empty());
  CHECK(split_lines(nodata.err).size() == 1);

  auto fail = run_process(args(server, {"--json", "fail.example.test", "nx.example.test"}));
  CHECK(fail.exit_code == 2);
  CHECK(queries(fail.out).at(0)["error"] == "SERVFAIL");
  CHECK(queries(fail.out).at(1)["error"] == "NXDOMAIN");
}

TEST_CASE("cf-lookup rejects bad input with one line on stderr", "[integration]") {
  dns_test_server server;
  auto bad_type = run_process(args(server, {"-t", "AXFR", "example.test"}));
  CHECK(bad_type.exit_code == 2);
  CHECK(split_lines(bad_type.err).size() == 1);
  auto bad_x = run_process(args(server, {"-x", "not-an-address"}));
  CHECK(bad_x.exit_code == 2);
  auto nothing = run_process(args(server, {}));
  CHECK(nothing.exit_code == 2);
  auto alias = run_process({example_tool("cf-lookup"), "--dns-server", server.endpoint(),
                            "--timeout", "300", "--tries", "1", "a.example.test", "+short"});
  CHECK(alias.exit_code == 1);  // NXDOMAIN through the --dns-server alias
  auto help = run_process({example_tool("cf-lookup"), "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--json") != std::string::npos);
}
