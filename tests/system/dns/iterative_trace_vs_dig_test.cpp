// cf-lookup --trace against a DNS hierarchy of real NSD servers on loopback, each zone on its
// own 127.0.0.x address and all on one port, compared with dig +trace from the same root: the
// same referrals, from the same servers, with the same records, to the same answer.
//
// dig +trace looks up every name server's address through the system's resolver, never with
// the glue (so a name like ns1.example.test means nothing to it here); the servers are
// therefore named by names that read as their addresses ("127.0.0.3."), which dig takes
// literally and the resolver under test finds like any name: in the root zone, as glue or, out
// of bailiwick, by a look-up of its own. Where a zone also names an in-bailiwick server with
// glue, dig skips it ("couldn't get address") and the resolver asks it at the same address.
#include "common/process.hpp"
#include "dns/real_dns_server.hpp"
#include "dns/shared_port.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

using corofetch::test::example_tool;
using corofetch::test::real_dns_server;
using corofetch::test::real_dns_server_options;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using corofetch::test::zone;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string dig_path = "/usr/bin/dig";

#define REQUIRE_NSD_AND_DIG()                                               \
  do {                                                                      \
    if (!real_dns_server::installed()) {                                    \
      WARN("nsd (Debian package nsd) is not installed: test not run");      \
      return;                                                               \
    }                                                                       \
    if (::access(dig_path.c_str(), X_OK) != 0) {                            \
      WARN("dig (Debian package dnsutils) is not installed: test not run"); \
      return;                                                               \
    }                                                                       \
  } while (false)

const std::string soa_ttl = "$TTL 3600\n";

// The zones and who serves them:
//   .             127.0.0.2   test. and net. with glue; the address records of every server
//   test.         127.0.0.3   example.test: 127.0.0.10. (no glue) and ns1.example.test (glue);
//                             lame.test: 127.0.0.11. (lame: REFUSED) and 127.0.0.10., no glue
//   net.          127.0.0.4   example.net: 127.0.0.12. and ns.example.net (glue)
//   example.test  127.0.0.10  also serves lame.test
//   example.net   127.0.0.12
//   (lame)        127.0.0.11  serves only an unrelated zone
std::vector<std::pair<std::string, std::vector<zone>>> hierarchy_zones() {
  zone root{".", "$ORIGIN .\n" + soa_ttl +
                     "@ 86400 IN SOA 127.0.0.2. hostmaster.root. 1 1800 900 604800 86400\n"
                     "@ 518400 IN NS 127.0.0.2.\n"
                     "127.0.0.2. 518400 IN A 127.0.0.2\n"
                     "test. 172800 IN NS 127.0.0.3.\n"
                     "127.0.0.3. 172800 IN A 127.0.0.3\n"
                     "net. 172800 IN NS 127.0.0.4.\n"
                     "127.0.0.4. 172800 IN A 127.0.0.4\n"
                     "127.0.0.10. 86400 IN A 127.0.0.10\n"
                     "127.0.0.11. 86400 IN A 127.0.0.11\n"
                     "127.0.0.12. 86400 IN A 127.0.0.12\n"};
  zone test{"test", "$ORIGIN test.\n" + soa_ttl +
                        "@ IN SOA 127.0.0.3. hostmaster.nic.test. 1 1800 900 604800 600\n"
                        "@ 172800 IN NS 127.0.0.3.\n"
                        "example 86400 IN NS 127.0.0.10.\n"
                        "example 86400 IN NS ns1.example.test.\n"
                        "ns1.example 86400 IN A 127.0.0.10\n"
                        "lame 86400 IN NS 127.0.0.11.\n"
                        "lame 86400 IN NS 127.0.0.10.\n"};
  zone net{"net", "$ORIGIN net.\n" + soa_ttl +
                      "@ IN SOA 127.0.0.4. hostmaster.nic.net. 1 1800 900 604800 600\n"
                      "@ 172800 IN NS 127.0.0.4.\n"
                      "example 86400 IN NS 127.0.0.12.\n"
                      "example 86400 IN NS ns.example.net.\n"
                      "ns.example 86400 IN A 127.0.0.12\n"};
  zone example_test{"example.test",
                    "$ORIGIN example.test.\n" + soa_ttl +
                        "@ IN SOA ns1.example.test. hostmaster.example.test. 1 1800 900 604800 "
                        "120\n"
                        "@ IN NS 127.0.0.10.\n"
                        "@ IN NS ns1.example.test.\n"
                        "ns1 IN A 127.0.0.10\n"
                        "www 300 IN A 127.0.0.80\n"
                        "mail 300 IN A 127.0.0.25\n"
                        "@ IN MX 10 mail.example.test.\n"
                        "alias 600 IN CNAME www.example.net.\n"};
  zone lame_test{"lame.test", "$ORIGIN lame.test.\n" + soa_ttl +
                                  "@ IN SOA 127.0.0.10. hostmaster.lame.test. 1 1800 900 604800 "
                                  "120\n"
                                  "@ IN NS 127.0.0.11.\n"
                                  "@ IN NS 127.0.0.10.\n"
                                  "www 300 IN A 127.0.0.81\n"};
  zone example_net{"example.net", "$ORIGIN example.net.\n" + soa_ttl +
                                      "@ IN SOA ns.example.net. hostmaster.example.net. 1 1800 "
                                      "900 604800 120\n"
                                      "@ IN NS 127.0.0.12.\n"
                                      "@ IN NS ns.example.net.\n"
                                      "ns IN A 127.0.0.12\n"
                                      "www 300 IN A 127.0.0.82\n"};
  zone elsewhere{"elsewhere.invalid", "$ORIGIN elsewhere.invalid.\n" + soa_ttl +
                                          "@ IN SOA ns. h. 1 1800 900 604800 120\n@ IN NS ns.\n"};
  return {{"127.0.0.2", {root}},       {"127.0.0.3", {test}},
          {"127.0.0.4", {net}},        {"127.0.0.10", {example_test, lame_test}},
          {"127.0.0.11", {elsewhere}}, {"127.0.0.12", {example_net}}};
}

// Every server of the hierarchy, started once per test process on one port.
class nsd_hierarchy {
 public:
  nsd_hierarchy() {
    const auto layout = hierarchy_zones();
    std::vector<std::string> addresses;
    addresses.reserve(layout.size());
    for (const auto& [address, zones] : layout) addresses.push_back(address);
    for (int attempt = 0;; ++attempt) {
      try {
        servers_.clear();
        port_ = corofetch::test::port_free_on(addresses);
        for (const auto& [address, zones] : layout) {
          servers_.push_back(
              std::make_unique<real_dns_server>(zones, real_dns_server_options{address, port_}));
        }
        return;
      } catch (const std::runtime_error&) {
        if (attempt == 2) throw;  // the port was taken meanwhile: another one
      }
    }
  }
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string root() const { return "127.0.0.2:" + std::to_string(port_); }

 private:
  std::vector<std::unique_ptr<real_dns_server>> servers_;
  std::uint16_t port_ = 0;
};

nsd_hierarchy& hierarchy() {
  static nsd_hierarchy h;
  return h;
}

// One step of a trace as both tools print it: the records (sorted, owner names lowercase) and
// the server that sent them, "ADDR#PORT".
struct step {
  std::vector<std::string> records;
  std::string server;
  friend bool operator==(const step&, const step&) = default;
};

std::ostream& operator<<(std::ostream& out, const step& s) {
  out << "from " << s.server << ":";
  for (const auto& r : s.records) out << "\n    " << r;
  return out;
}

// "name TTL IN TYPE data" with single spaces, the owner in lowercase.
std::string normalized(const std::string& line) {
  std::istringstream in(line);
  std::string name;
  std::string ttl;
  std::string cls;
  std::string type;
  in >> name >> ttl >> cls >> type >> std::ws;
  std::string data;
  std::getline(in, data);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name + " " + ttl + " " + cls + " " + type + " " + data;
}

struct trace {
  std::vector<step> steps;
  std::vector<std::string> answer;  // cf-lookup's ";; ANSWER" block
};

// The steps of dig +trace's or cf-lookup --trace's text: record lines gather until a
// ";; Received N bytes from ADDR#PORT(NAME) in T ms" line closes the step. Other comment lines
// and dig's "couldn't get address" notes are skipped. cf-lookup's sub-resolution steps (a
// "[name server address" comment first) are left out: dig has none.
trace parse_trace(const std::string& text) {
  trace out;
  step current;
  bool nested = false;
  bool in_answer = false;
  for (const auto& line : split_lines(text)) {
    if (line.rfind(";; ANSWER", 0) == 0) {
      in_answer = true;
    } else if (line.rfind(";; [name server address", 0) == 0) {
      nested = true;
    } else if (line.rfind(";; no reply from ", 0) == 0) {  // a step without a reply
      current = {};
      nested = false;
    } else if (line.rfind(";; Received ", 0) == 0) {
      const auto from = line.find(" from ") + 6;
      current.server = line.substr(from, line.find('(', from) - from);
      std::sort(current.records.begin(), current.records.end());
      if (!nested) out.steps.push_back(current);
      current = {};
      nested = false;
    } else if (!line.empty() && line[0] != ';' && line.rfind("couldn't", 0) != 0) {
      (in_answer ? out.answer : current.records).push_back(normalized(line));
    }
  }
  return out;
}

trace dig_trace(const std::string& name, const std::string& type) {
  const auto& h = hierarchy();
  auto r = run_process({dig_path, "+trace", "@127.0.0.2", "-p", std::to_string(h.port()),
                        "+tries=2", "+time=2", name, type},
                       20s);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return parse_trace(r.out);
}

corofetch::test::process_result cf_trace(std::vector<std::string> args) {
  std::vector<std::string> argv{example_tool("cf-lookup"), "--trace", "--root", hierarchy().root()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, 20s);
}

std::vector<std::string> records_of_type(const std::vector<step>& steps, const std::string& type) {
  std::vector<std::string> out;
  for (const auto& r : steps.back().records) {
    if (r.find(" IN " + type + " ") != std::string::npos) out.push_back(r);
  }
  return out;
}

}  // namespace

TEST_CASE("cf-lookup --trace takes the referrals dig +trace takes, to the same answer",
          "[system][dns][iterative]") {
  REQUIRE_NSD_AND_DIG();
  const auto [name, type] = GENERATE(table<std::string, std::string>({
      {"www.example.test", "A"},
      {"WWW.Example.Test", "A"},
      {"example.test", "MX"},
      {"www.example.net", "A"},
  }));
  INFO(name << " " << type);
  const auto expected = dig_trace(name, type);
  auto r = cf_trace({name, type});
  INFO("cf-lookup:\n" << r.out << r.err);
  CHECK(r.exit_code == 0);
  const auto got = parse_trace(r.out);
  REQUIRE(expected.steps.size() == 4);  // priming, root, top-level domain, the domain
  CHECK(got.steps == expected.steps);
  CHECK(got.answer == records_of_type(expected.steps, type));
}

TEST_CASE("cf-lookup --trace of a name that does not exist ends as dig's, with the SOA",
          "[system][dns][iterative]") {
  REQUIRE_NSD_AND_DIG();
  const auto expected = dig_trace("nope.example.test", "A");
  auto r = cf_trace({"nope.example.test"});
  INFO("cf-lookup:\n" << r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("NXDOMAIN") != std::string::npos);
  const auto got = parse_trace(r.out);
  CHECK(got.steps == expected.steps);
  REQUIRE_FALSE(got.steps.empty());
  CHECK(records_of_type(got.steps, "SOA").size() == 1);
  CHECK(got.answer.empty());
}

TEST_CASE("cf-lookup --trace follows a CNAME into another zone where dig +trace stops",
          "[system][dns][iterative]") {
  REQUIRE_NSD_AND_DIG();
  const auto to_cname = dig_trace("alias.example.test", "A");
  const auto from_target = dig_trace("www.example.net", "A");
  auto r = cf_trace({"alias.example.test", "A"});
  INFO("cf-lookup:\n" << r.out << r.err);
  CHECK(r.exit_code == 0);
  const auto got = parse_trace(r.out);
  // dig's steps to the CNAME, then dig's steps for the target without the priming: the target
  // starts at the root servers already known.
  auto expected = to_cname.steps;
  expected.insert(expected.end(), from_target.steps.begin() + 1, from_target.steps.end());
  CHECK(got.steps == expected);
  std::vector<std::string> answer = records_of_type(to_cname.steps, "CNAME");
  const auto target = records_of_type(from_target.steps, "A");
  answer.insert(answer.end(), target.begin(), target.end());
  CHECK(got.answer == answer);
}

TEST_CASE("cf-lookup --trace passes over a lame server and finds servers without glue",
          "[system][dns][iterative]") {
  REQUIRE_NSD_AND_DIG();
  const auto& h = hierarchy();
  // dig picks one of lame.test's servers at random and stops at a REFUSED: its answer comes
  // from asking the zone's good server directly.
  auto dig = run_process({dig_path, "@127.0.0.10", "-p", std::to_string(h.port()), "+norecurse",
                          "+noall", "+answer", "www.lame.test", "A"},
                         20s);
  REQUIRE(dig.exit_code == 0);
  auto r = cf_trace({"--json", "www.lame.test"});
  INFO("cf-lookup:\n" << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto object = json::parse(r.out).at("queries").at(0);
  REQUIRE(object.at("records").size() == 1);
  const auto& rec = object["records"][0];
  CHECK(normalized(split_lines(dig.out).at(0)) ==
        normalized(rec.at("name").get<std::string>() + " " +
                   std::to_string(rec.at("ttl").get<int>()) + " IN " +
                   rec.at("type").get<std::string>() + " " + rec.at("data").get<std::string>()));
  bool lame_seen = false;
  bool nested_seen = false;
  for (const auto& s : object.at("steps")) {
    if (s.at("outcome") == "lame") {
      lame_seen = true;
      CHECK(s.at("address") == "127.0.0.11");
      CHECK(s.at("error") == "REFUSED");
    }
    if (s.at("depth") == 1) {
      nested_seen = true;
      CHECK(s.at("zone") == ".");  // 127.0.0.11. and 127.0.0.10. are root-zone names
    }
  }
  CHECK(lame_seen);
  CHECK(nested_seen);
  CHECK(object["steps"].back().at("address") == "127.0.0.10");
  CHECK(object["steps"].back().at("outcome") == "answer");
}

TEST_CASE("cf-lookup --trace remembers delegations: the next name starts below the root",
          "[system][dns][iterative]") {
  REQUIRE_NSD_AND_DIG();
  auto r = cf_trace({"--json", "www.example.test", "mail.example.test"});
  INFO("cf-lookup:\n" << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto queries = json::parse(r.out).at("queries");
  REQUIRE(queries.size() == 2);
  const auto first = queries[0];
  const auto second = queries[1];
  CHECK(first.at("steps").size() == 4);
  REQUIRE(second.at("steps").size() == 1);
  CHECK(second["steps"][0].at("zone") == "example.test.");
  CHECK(second["steps"][0].at("address") == "127.0.0.10");
  CHECK(second.at("records").at(0).at("data") == "127.0.0.25");
}

TEST_CASE("cf-lookup --trace rejects a root server that is not ADDR[:PORT]",
          "[system][dns][iterative]") {
  for (const auto& root : {"ns.example", "127.0.0.2:0", "127.0.0.2:http"}) {
    auto r =
        run_process({example_tool("cf-lookup"), "--trace", "--root", root, "example.test"}, 20s);
    INFO(root << "\n" << r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(split_lines(r.err).size() == 1);
  }
}

TEST_CASE("+trace, as dig users write it, is --trace; with +trace, @SERVER is the root",
          "[system][dns][iterative]") {
  REQUIRE_NSD_AND_DIG();
  const auto long_form = cf_trace({"www.example.test", "A"});
  REQUIRE(long_form.exit_code == 0);
  const auto dig_form = run_process(
      {example_tool("cf-lookup"), "@" + hierarchy().root(), "www.example.test", "A", "+trace"},
      20s);
  INFO("cf-lookup +trace:\n" << dig_form.out << dig_form.err);
  CHECK(dig_form.exit_code == 0);
  CHECK(parse_trace(dig_form.out).steps == parse_trace(long_form.out).steps);
  CHECK(parse_trace(dig_form.out).answer == parse_trace(long_form.out).answer);
}
