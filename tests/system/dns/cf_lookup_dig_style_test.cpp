// cf-lookup used as dig is used (`cf-lookup @SERVER NAME TYPE +short`), run side by side with
// dig against one NSD on a loopback port serving a zone with a CNAME chain, a CNAME loop, SRV
// records of several priorities and weights, CAA, MX, a TYPE65 record and a type no tool knows
// by name: the whole reply, +noall +answer and +short must read as dig's.
#include "common/process.hpp"
#include "dns/real_dns_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <unistd.h>

using corofetch::test::example_tool;
using corofetch::test::process_result;
using corofetch::test::real_dns_server;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using corofetch::test::zone;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string dig_path = "/usr/bin/dig";

bool have_dig() {
  return ::access(dig_path.c_str(), X_OK) == 0;
}

// Every line of 100 bytes of data in dig's generic form, 28 bytes a word.
std::string hundred_bytes_hex() {
  std::string out;
  for (int i = 0; i < 100; ++i) {
    static constexpr const char* digits = "0123456789ABCDEF";
    out += digits[i / 16];
    out += digits[i % 16];
  }
  return out;
}

std::vector<zone> dig_zones() {
  return {{"dig.test",
           "$ORIGIN dig.test.\n"
           "$TTL 300\n"
           "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
           "@ IN NS ns1\n"
           "@ IN MX 20 mx2\n"
           "@ IN MX 10 mx1\n"
           "@ IN MX 30 mx3\n"
           "ns1 IN A 127.0.0.1\n"
           "a 600 IN CNAME b\n"
           "b 500 IN CNAME c\n"
           "c IN A 127.0.0.5\n"
           "c IN A 127.0.0.6\n"
           "out IN CNAME elsewhere.invalid.\n"
           "loop1 IN CNAME loop2\n"
           "loop2 IN CNAME loop1\n"
           "caa IN CAA 0 issue \"letsencrypt.org\"\n"
           "caa IN CAA 128 iodef \"mailto:sec@dig.test\"\n"
           "caa IN CAA 0 issuewild \";\"\n"
           "t65 IN TYPE65 \\# 3 000100\n"
           "long IN TYPE65280 \\# 100 " +
               hundred_bytes_hex() +
               "\n"
               "empty IN TYPE65280 \\# 0\n"
               "_s._tcp IN SRV 20 10 1 x\n"
               "_s._tcp IN SRV 10 5 2 y\n"
               "_s._tcp IN SRV 10 50 3 z\n"
               "_s._tcp IN SRV 20 90 4 w\n"}};
}

// One NSD for every test of this file (started by the first test that needs it).
const real_dns_server& nsd() {
  static const real_dns_server server(dig_zones());
  return server;
}

std::string at_server() {
  return "@" + nsd().address();
}
std::string port() {
  return std::to_string(nsd().port());
}

process_result cf_lookup(std::vector<std::string> args) {
  args.insert(args.begin(), example_tool("cf-lookup"));
  return run_process(args, 20s);
}

// dig with the options cf-lookup's defaults match: no cookie (cf-lookup sends none, so both
// queries, and so both replies, have the same size), bounded waits.
process_result dig(std::vector<std::string> args) {
  args.insert(args.begin(), {dig_path, at_server(), "-p", port(), "+nocookie", "+time=2"});
  return run_process(args, 20s);
}

// The lines that differ from run to run (message id, timing, date) or by tool (the banner).
std::vector<std::string> comparable(const std::string& text) {
  std::vector<std::string> out;
  for (auto line : split_lines(text)) {
    if (line.starts_with("; <<>>") || line.starts_with("; (") ||
        line.starts_with(";; global options") || line.starts_with(";; Query time: ") ||
        line.starts_with(";; WHEN: ")) {
      continue;
    }
    if (line.starts_with(";; ->>HEADER<<-")) line = line.substr(0, line.rfind(", id: "));
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// dig +unknownformat writes the class of a type it knows by name as CLASS1.
std::string generic_class_as_in(std::string text) {
  for (auto at = text.find("\tCLASS1\t"); at != std::string::npos; at = text.find("\tCLASS1\t"))
    text.replace(at, 8, "\tIN\t");
  return text;
}

#define REQUIRE_NSD()                                                  \
  do {                                                                 \
    if (!real_dns_server::installed()) {                               \
      WARN("nsd (Debian package nsd) is not installed: test not run"); \
      return;                                                          \
    }                                                                  \
  } while (false)

}  // namespace

TEST_CASE("cf-lookup's whole reply reads as dig's, header to footer", "[system][dns]") {
  REQUIRE_NSD();
  for (const auto& q : {std::vector<std::string>{"a.dig.test", "A"},
                        {"caa.dig.test", "CAA"},
                        {"nope.dig.test", "A"},
                        {"dig.test", "NS"},
                        {"long.dig.test", "TYPE65280"},
                        {"empty.dig.test", "TYPE65280"},
                        {"c.dig.test", "AAAA"}}) {
    auto mine = cf_lookup({at_server(), "-p", port(), q[0], q[1]});
    INFO(q[0] << " " << q[1] << "\ncf-lookup:\n" << mine.out << mine.err);
    CHECK(mine.exit_code == (q[0] == "nope.dig.test" || q[1] == "AAAA" ? 1 : 0));
    // The footer as dig writes it.
    CHECK(std::regex_search(mine.out, std::regex("\n;; Query time: [0-9]+ msec\n")));
    CHECK(std::regex_search(mine.out, std::regex("\n;; WHEN: [A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} "
                                                 "[0-9]{2}:[0-9]{2}:[0-9]{2} .* [0-9]{4}\n")));
    CHECK(mine.out.find(";; SERVER: 127.0.0.1#" + port() + "(127.0.0.1) (UDP)\n") !=
          std::string::npos);
    if (!have_dig()) continue;
    auto theirs = dig({q[0], q[1]});
    INFO("dig:\n" << theirs.out);
    REQUIRE(theirs.exit_code == 0);
    // Header, flags, counts, EDNS, every section, server and MSG SIZE: the same lines.
    CHECK(comparable(mine.out) == comparable(theirs.out));
  }
}

TEST_CASE("+noall +answer and +short read as dig's; MX and SRV in the order to try them",
          "[system][dns]") {
  REQUIRE_NSD();
  struct question {
    std::string name;
    std::string type;
    bool dig_orders = true;  // false: cf-lookup sorts (MX, SRV), compare as sets
  };
  for (const auto& q : std::vector<question>{{"a.dig.test", "A"},
                                             {"out.dig.test", "A"},
                                             {"caa.dig.test", "CAA"},
                                             {"long.dig.test", "TYPE65280"},
                                             {"dig.test", "MX", false},
                                             {"_s._tcp.dig.test", "SRV", false},
                                             {"loop1.dig.test", "A"}}) {
    auto answer = cf_lookup({at_server(), "-p", port(), q.name, q.type, "+noall", "+answer"});
    auto short_form = cf_lookup({at_server(), "-p", port(), q.name, q.type, "+short"});
    INFO(q.name << " " << q.type << "\n" << answer.out << answer.err << short_form.out);
    CHECK(answer.exit_code == (q.name == "loop1.dig.test" ? 2 : 0));
    CHECK(short_form.exit_code == answer.exit_code);
    REQUIRE_FALSE(answer.out.empty());
    if (!have_dig()) continue;
    auto dig_answer = dig({q.name, q.type, "+noall", "+answer"});
    auto dig_short = dig({q.name, q.type, "+short"});
    INFO("dig:\n" << dig_answer.out << dig_short.out);
    if (q.dig_orders) {
      CHECK(answer.out == dig_answer.out);
      CHECK(short_form.out == dig_short.out);
    } else {
      CHECK(sorted(split_lines(answer.out)) == sorted(split_lines(dig_answer.out)));
      CHECK(sorted(split_lines(short_form.out)) == sorted(split_lines(dig_short.out)));
    }
  }
  // The order: MX by preference; SRV by priority, the heavier weight first within one.
  CHECK(cf_lookup({at_server(), "-p", port(), "dig.test", "MX", "+short"}).out ==
        "10 mx1.dig.test.\n20 mx2.dig.test.\n30 mx3.dig.test.\n");
  CHECK(cf_lookup({at_server(), "-p", port(), "_s._tcp.dig.test", "SRV", "+short"}).out ==
        "10 50 3 z.dig.test.\n10 5 2 y.dig.test.\n20 90 4 w.dig.test.\n20 10 1 x.dig.test.\n");
  // CNAMEs hop by hop, then the records, as dig prints the chain.
  CHECK(cf_lookup({at_server(), "-p", port(), "a.dig.test", "+short"}).out ==
        "b.dig.test.\nc.dig.test.\n127.0.0.5\n127.0.0.6\n");
}

TEST_CASE("TYPE65: asked by number, shown in RFC 3597's generic form", "[system][dns]") {
  REQUIRE_NSD();
  auto answer =
      cf_lookup({at_server(), "-p", port(), "t65.dig.test", "TYPE65", "+noall", "+answer"});
  INFO(answer.out << answer.err);
  CHECK(answer.exit_code == 0);
  CHECK(answer.out == "t65.dig.test.\t\t300\tIN\tTYPE65\t\\# 3 000100\n");
  auto short_form = cf_lookup({at_server(), "-p", port(), "t65.dig.test", "type65", "+short"});
  CHECK(short_form.out == "\\# 3 000100\n");
  if (!have_dig()) return;
  // dig knows type 65 as HTTPS; +unknownformat makes it write what cf-lookup writes.
  auto theirs = dig({"t65.dig.test", "TYPE65", "+noall", "+answer", "+unknownformat"});
  CHECK(generic_class_as_in(theirs.out) == answer.out);
  CHECK(dig({"t65.dig.test", "TYPE65", "+short", "+unknownformat"}).out == short_form.out);
}

TEST_CASE("a CNAME loop is shown as dig shows it and reported as a loop", "[system][dns]") {
  REQUIRE_NSD();
  auto text = cf_lookup({at_server(), "-p", port(), "loop1.dig.test"});
  INFO(text.out << text.err);
  CHECK(text.exit_code == 2);
  CHECK(split_lines(text.err).size() == 1);
  CHECK(text.err.find("LOOP") != std::string::npos);
  CHECK(text.err.find("NODATA") == std::string::npos);
  auto js = cf_lookup({at_server(), "-p", port(), "loop1.dig.test", "--json"});
  CHECK(js.exit_code == 2);
  const auto doc = json::parse(js.out);
  CHECK(doc.at("queries").at(0).at("error") == "LOOP");
  CHECK(doc["queries"][0].at("cnames").size() == 2);
  CHECK_FALSE(doc["queries"][0].contains("records"));
  if (!have_dig()) return;
  CHECK(comparable(text.out) == comparable(dig({"loop1.dig.test"}).out));
}

TEST_CASE("servers and types written the ways dig takes them", "[system][dns]") {
  REQUIRE_NSD();
  const std::string addr = nsd().address();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"@" + addr + "#" + port(), "c.dig.test", "+short"},
           {"@" + addr + ":" + port(), "c.dig.test", "+short"},
           {"@" + addr, "-p", port(), "+short", "c.dig.test"},
           {"--server", addr + ":" + port(), "+short", "c.dig.test", "A"},
           {"@" + addr + "#" + port(), "A", "c.dig.test", "+short"},
           {"@" + addr + "#" + port(), "c.dig.test", "IN", "A", "+short"},
           {"-t", "A", "@" + addr + "#" + port(), "c.dig.test", "+short"},
           {"@localhost", "-p", port(), "c.dig.test", "+short"}}) {
    auto r = cf_lookup(args);
    INFO(args.front() << " " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "127.0.0.5\n127.0.0.6\n");
  }
  // Several names, each with the type written after it; one JSON document for all.
  auto r = cf_lookup(
      {"@" + addr + "#" + port(), "dig.test", "MX", "caa.dig.test", "CAA", "c.dig.test", "--json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  REQUIRE(doc.at("queries").size() == 3);
  CHECK(doc["queries"][0].at("type") == "MX");
  CHECK(doc["queries"][0].at("records").size() == 3);
  CHECK(doc["queries"][1].at("type") == "CAA");
  CHECK(doc["queries"][1].at("records").at(0).at("data") == "0 issue \"letsencrypt.org\"");
  CHECK(doc["queries"][2].at("type") == "A");
  CHECK(doc["queries"][2].at("status") == "NOERROR");
  CHECK(doc["queries"][2].at("server").at("port") == nsd().port());
  CHECK(doc["queries"][2].at("msg_size").get<int>() > 0);
  CHECK(doc["queries"][2].at("flags") == json::array({"qr", "aa", "rd"}));
}

TEST_CASE("+tcp asks over TCP as dig +tcp does, same reply", "[system][dns]") {
  REQUIRE_NSD();
  auto mine = cf_lookup({at_server(), "-p", port(), "a.dig.test", "+tcp"});
  INFO(mine.out << mine.err);
  CHECK(mine.exit_code == 0);
  CHECK(mine.out.find("(127.0.0.1) (TCP)\n") != std::string::npos);
  if (!have_dig()) return;
  CHECK(comparable(mine.out) == comparable(dig({"a.dig.test", "+tcp"}).out));
}

TEST_CASE("+time, +tries, +norecurse and the section switches are dig's", "[system][dns]") {
  REQUIRE_NSD();
  auto r = cf_lookup({at_server(), "-p", port(), "c.dig.test", "+norecurse", "+time=1", "+tries=1",
                      "+noall", "+comments"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(";; flags: qr aa; QUERY: 1") != std::string::npos);
  CHECK(r.out.find("WARNING") == std::string::npos);
  CHECK(r.out.find(";; ANSWER SECTION") == std::string::npos);
  if (have_dig()) {
    CHECK(comparable(r.out) ==
          comparable(dig({"c.dig.test", "+norecurse", "+noall", "+comments"}).out));
  }
  // +tries=1 +time=1 against a port nobody answers on: one second, not dig's 3 x 5.
  auto silent = cf_lookup({"@127.0.0.1#9", "c.dig.test", "+time=1", "+tries=1", "+short"});
  CHECK(silent.exit_code == 2);
  CHECK(silent.out.empty());
  CHECK(split_lines(silent.err).size() == 1);
}

TEST_CASE("bad usage: exit 2, one line, and with --json one JSON document", "[system][dns]") {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"@127.0.0.1:99999", "c.dig.test"},
                                             {"@[::1", "c.dig.test"},
                                             {"@127.0.0.1#0", "c.dig.test"},
                                             {"@", "c.dig.test"},
                                             {"--server", "127.0.0.1:99999", "c.dig.test"},
                                             {"@127.0.0.1", "-p", "70000", "c.dig.test"},
                                             {"@127.0.0.1", "c.dig.test", "+dnssec"},
                                             {"@127.0.0.1", "c.dig.test", "+time=0"},
                                             {"@127.0.0.1", "c.dig.test", "+tries=x"},
                                             {"@127.0.0.1", "c.dig.test", "A", "AAAA"},
                                             {"@127.0.0.1", "c.dig.test", "DS"},
                                             {"@127.0.0.1", "dig.test", "AXFR"},
                                             {"@127.0.0.1", "c.dig.test", "CH"},
                                             {"@127.0.0.1", "-t", "NOPE", "c.dig.test"},
                                             {"@127.0.0.1", "--no-such-option", "c.dig.test"},
                                             {"@127.0.0.1"}}) {
    auto r = cf_lookup(args);
    INFO(args.front() << " " << args.back() << "\n" << r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(split_lines(r.err).size() == 1);
    auto with_json = args;
    with_json.push_back("--json");
    auto js = cf_lookup(with_json);
    CHECK(js.exit_code == 2);
    CHECK(json::parse(js.out).at("error").at("exit_code") == 2);
  }
}

TEST_CASE("cf-lookup --version and --help with the exit codes", "[system][dns]") {
  auto version = cf_lookup({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(std::regex_match(version.out, std::regex("cf-lookup [0-9]+\\.[0-9]+\\.[0-9]+\n")));
  auto help = cf_lookup({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Exit codes:") != std::string::npos);
  CHECK(help.out.find("+short") != std::string::npos);
}
