#include <corofetch/load/error.hpp>
#include <corofetch/load/target.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

using corofetch::load::load_targets_file;
using corofetch::load::parse_targets;
using corofetch::load::targets_error;

TEST_CASE("targets: vegeta's HTTP format, headers and @file bodies", "[unit]") {
  const auto parsed = parse_targets(
      "GET http://goku:9090/path/to/dragon?item=balls\n"
      "X-Account-ID: 8675309\n"
      "\n"
      "# a comment\n"
      "DELETE http://goku:9090/path/to/remove\r\n"
      "Confirmation-Token: 90215\r\n"
      "Authorization: Token DEADBEEF\r\n"
      "\r\n"
      "POST https://goku:9090/things\n"
      "@/path/to/newthing.json\n");
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 3);
  const auto& a = (*parsed)[0];
  CHECK(a.method == "GET");
  CHECK(a.url == "http://goku:9090/path/to/dragon?item=balls");
  REQUIRE(a.headers.size() == 1);
  CHECK(a.headers[0].first == "X-Account-ID");
  CHECK(a.headers[0].second == "8675309");
  CHECK(a.line == 1);
  const auto& b = (*parsed)[1];
  CHECK(b.method == "DELETE");
  REQUIRE(b.headers.size() == 2);
  CHECK(b.headers[1].second == "Token DEADBEEF");
  CHECK(b.line == 5);
  const auto& c = (*parsed)[2];
  CHECK(c.method == "POST");
  CHECK(c.body_file == "/path/to/newthing.json");
  CHECK(c.headers.empty());
}

TEST_CASE("targets: a request line right after a block starts the next target", "[unit]") {
  const auto parsed = parse_targets("GET http://a.test/1\nHEAD http://a.test/2\n");
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[1].method == "HEAD");
  CHECK((*parsed)[0].headers.empty());
}

TEST_CASE("targets: bad lines are refused with their line number", "[unit]") {
  struct bad_case {
    const char* text;
    std::size_t line;
  };
  const bad_case cases[] = {
      {"GET\n", 1},                                  // no URL
      {"\n\nG(T http://a.test/\n", 3},               // not a method token
      {"GET /relative\n", 1},                        // not absolute
      {"GET ftp://a.test/x\n", 1},                   // not http(s)
      {"GET http://a.test/\nno colon here\n", 2},    // a header without a colon
      {"GET http://a.test/\n: empty name\n", 2},     // a header without a name
      {"POST http://a.test/\n@a\n@b\n", 3},          // two bodies
      {"POST http://a.test/\n@a\nX-After: 1\n", 3},  // a header after the body
      {"POST http://a.test/\n@\n", 2},               // @ without a file
      {"GET http://[::1/\n", 1},                     // a URL that does not parse
      {"", 0},                                       // nothing at all
      {"# only a comment\n\n", 0},
  };
  for (const auto& bad : cases) {
    targets_error where;
    const auto parsed = parse_targets(bad.text, &where);
    INFO(bad.text);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error() == corofetch::load::errc::invalid_targets);
    CHECK(where.line == bad.line);
    CHECK_FALSE(where.message.empty());
  }
}

TEST_CASE("targets: load_targets_file reads the @file bodies", "[unit]") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("cf_targets_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto body = dir / "body.json";
  std::ofstream(body, std::ios::binary) << "{\"a\":1}\n";
  const auto file = dir / "targets.txt";
  std::ofstream(file) << "POST http://a.test/things\nContent-Type: application/json\n@"
                      << body.string() << "\n\nGET http://a.test/\n";
  const auto loaded = load_targets_file(file.string());
  REQUIRE(loaded);
  REQUIRE(loaded->size() == 2);
  CHECK((*loaded)[0].body == "{\"a\":1}\n");
  CHECK((*loaded)[1].body.empty());

  std::ofstream(file) << "POST http://a.test/things\n@" << (dir / "missing").string() << "\n";
  targets_error where;
  const auto missing = load_targets_file(file.string(), &where);
  REQUIRE_FALSE(missing);
  CHECK(missing.error() == std::errc::no_such_file_or_directory);
  CHECK(where.line == 1);
  CHECK(where.message.find("missing") != std::string::npos);

  const auto none = load_targets_file((dir / "nope.txt").string(), &where);
  REQUIRE_FALSE(none);
  CHECK(where.line == 0);
  std::filesystem::remove_all(dir);
}
