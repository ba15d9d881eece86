// cf-lookup against a real authoritative server (NSD, started on a loopback port by the
// fixture), checked record by record against dig's answer to the same question: owner name,
// TTL, type and presentation data must be identical, in text and in --json output.
#include "common/process.hpp"
#include "dns/real_dns_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

using corofetch::test::example_tool;
using corofetch::test::example_zones;
using corofetch::test::process_result;
using corofetch::test::real_dns_server;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string dig_path = "/usr/bin/dig";

// Skips the test, with the reason, when a Debian package it needs is not installed.
#define REQUIRE_REAL_SERVER_AND_DIG()                                       \
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

struct rr {
  std::string name;
  std::string ttl;
  std::string type;
  std::string data;
  friend bool operator==(const rr&, const rr&) = default;
  friend bool operator<(const rr& a, const rr& b) {
    return std::tie(a.name, a.type, a.data, a.ttl) < std::tie(b.name, b.type, b.data, b.ttl);
  }
};

std::ostream& operator<<(std::ostream& out, const rr& r) {
  return out << r.name << ' ' << r.ttl << " IN " << r.type << ' ' << r.data;
}

// Owner names compare case-insensitively (RFC 4343): dig shows the case of its question, which
// the server echoes, while a resolver answering a second spelling of a name from its cache may
// give the case it stored.
std::string lowercase(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "name TTL IN TYPE data": four whitespace-separated fields, then the data as written (TXT
// strings keep their inner spaces).
rr parse_line(const std::string& line) {
  std::istringstream in(line);
  rr r;
  std::string cls;
  in >> r.name >> r.ttl >> cls >> r.type >> std::ws;
  r.name = lowercase(r.name);
  std::getline(in, r.data);
  while (!r.data.empty() && (r.data.back() == ' ' || r.data.back() == '\t')) r.data.pop_back();
  INFO(line);
  CHECK(cls == "IN");
  return r;
}

std::vector<rr> parse_lines(const std::string& text) {
  std::vector<rr> out;
  for (const auto& line : split_lines(text)) {
    if (!line.empty() && line[0] != ';') out.push_back(parse_line(line));
  }
  return out;
}

// The question as dig and cf-lookup both take it: a name and a type, or -x and an address.
struct question {
  std::string name;
  std::string type;
  [[nodiscard]] bool reverse() const { return name == "-x"; }
  [[nodiscard]] std::string answer_type() const { return reverse() ? "PTR" : type; }
};

// dig's answer section: a CNAME chain, then the records of the type asked.
std::vector<rr> dig_section(const real_dns_server& server, const question& q) {
  auto r = run_process({dig_path, "@" + server.address(), "-p", std::to_string(server.port()),
                        "+norecurse", "+tries=2", "+time=2", "+noall", "+answer", q.name, q.type},
                       20s);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return parse_lines(r.out);
}

// The records of the type asked only: cf-lookup --json's "records".
std::vector<rr> dig_answer(const real_dns_server& server, const question& q) {
  auto records = dig_section(server, q);
  std::erase_if(records, [&](const rr& x) { return x.type != q.answer_type(); });
  return records;
}

std::string dig_status(const real_dns_server& server, const std::string& name,
                       const std::string& type) {
  auto r = run_process({dig_path, "@" + server.address(), "-p", std::to_string(server.port()),
                        "+norecurse", "+tries=2", "+time=2", name, type},
                       20s);
  auto at = r.out.find("status: ");
  return at == std::string::npos ? "" : r.out.substr(at + 8, r.out.find(',', at) - at - 8);
}

// cf-lookup as dig +noall +answer (its text is then dig's answer section), or with --json.
process_result cf_lookup(const real_dns_server& server, std::vector<std::string> args) {
  std::vector<std::string> argv{example_tool("cf-lookup"), "+norecurse", "+noall", "+answer"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--server=" + server.endpoint());
  return run_process(argv, 30s);
}

// The one JSON document's objects, one per name.
std::vector<json> queries(const std::string& out) {
  const auto doc = json::parse(out);
  return doc.at("queries").get<std::vector<json>>();
}

std::vector<std::string> cf_args(const question& q) {
  return q.reverse() ? std::vector<std::string>{"-x", q.type}
                     : std::vector<std::string>{"-t", q.type, q.name};
}

std::vector<rr> sorted(std::vector<rr> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("cf-lookup's answers equal dig's for every record type", "[system][dns]") {
  REQUIRE_REAL_SERVER_AND_DIG();
  real_dns_server nsd(example_zones());

  // One cf-lookup run per type with all its names (and one with every -x address), in text and
  // in --json; each name's records compared with dig's answer to the same question.
  struct group {
    std::string type;
    std::vector<std::string> names;  // addresses for PTR (-x)
  };
  const std::vector<group> groups{
      {"A", {"www.example.test", "mx1.example.test", "WWW.Example.Test"}},
      {"AAAA", {"www.example.test"}},
      {"MX", {"example.test"}},
      {"NS", {"example.test"}},
      {"CNAME", {"alias.example.test"}},
      {"TXT", {"example.test", "info.example.test"}},
      {"SOA", {"example.test", "0.0.127.in-addr.arpa"}},
      {"SRV", {"_http._tcp.example.test", "_sip._udp.example.test"}},
      {"PTR", {"127.0.0.10", "127.0.0.25", "2001:db8::10"}},
  };
  for (const auto& g : groups) {
    INFO("type " << g.type << "\nnsd log:\n" << nsd.log());
    const bool reverse = g.type == "PTR";
    std::vector<std::vector<rr>> expected;
    std::vector<rr> all_expected;  // whole answer sections
    std::vector<std::string> args;
    if (!reverse) args = {"-t", g.type};
    for (const auto& name : g.names) {
      const question q = reverse ? question{"-x", name} : question{name, g.type};
      expected.push_back(dig_answer(nsd, q));
      REQUIRE_FALSE(expected.back().empty());
      const auto section = dig_section(nsd, q);
      all_expected.insert(all_expected.end(), section.begin(), section.end());
      if (reverse) args.emplace_back("-x");
      args.push_back(name);
    }

    auto text = cf_lookup(nsd, args);
    INFO("cf-lookup stdout:\n" << text.out << "stderr:\n" << text.err);
    CHECK(text.exit_code == 0);
    CHECK(sorted(parse_lines(text.out)) == sorted(all_expected));

    args.insert(args.begin(), "--json");
    auto js = cf_lookup(nsd, args);
    INFO("cf-lookup --json stdout:\n" << js.out << "stderr:\n" << js.err);
    CHECK(js.exit_code == 0);
    const auto objects = queries(js.out);
    REQUIRE(objects.size() == g.names.size());
    for (std::size_t i = 0; i < objects.size(); ++i) {
      const auto& object = objects[i];
      CHECK(object.at("type") == g.type);
      if (!reverse) CHECK(object.at("name") == g.names[i]);
      REQUIRE(object.contains("records"));
      std::vector<rr> from_json;
      for (const auto& rec : object["records"]) {
        from_json.push_back({lowercase(rec.at("name").get<std::string>()),
                             std::to_string(rec.at("ttl").get<std::uint32_t>()),
                             rec.at("type").get<std::string>(), rec.at("data").get<std::string>()});
      }
      CHECK(sorted(from_json) == sorted(expected[i]));
    }
  }
}

TEST_CASE("cf-lookup sorts MX records by preference, as a mail sender tries them",
          "[system][dns]") {
  REQUIRE_REAL_SERVER_AND_DIG();
  real_dns_server nsd(example_zones());
  auto r = cf_lookup(nsd, {"-t", "MX", "example.test"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto got = parse_lines(r.out);
  std::vector<std::string> data;
  for (const auto& x : got) data.push_back(x.data);
  CHECK(data == std::vector<std::string>{"10 mx1.example.test.", "20 mx2.example.test.",
                                         "30 mx3.example.test."});
}

TEST_CASE("a CNAME is followed to the records of the type asked, as dig shows them",
          "[system][dns]") {
  REQUIRE_REAL_SERVER_AND_DIG();
  real_dns_server nsd(example_zones());
  const question q{"alias.example.test", "A"};
  const auto expected = dig_section(nsd, q);
  REQUIRE(expected.size() == 3);  // the CNAME, then two A records
  auto r = cf_lookup(nsd, cf_args(q));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(parse_lines(r.out) == expected);
  auto js = cf_lookup(nsd, {"--json", "alias.example.test"});
  const auto object = queries(js.out).at(0);
  CHECK(object.at("cnames").size() == 1);
  CHECK(object.at("records").size() == 2);
}

TEST_CASE("cf-lookup reports NXDOMAIN, NODATA and REFUSED as dig sees them, with its exit status",
          "[system][dns]") {
  REQUIRE_REAL_SERVER_AND_DIG();
  real_dns_server nsd(example_zones());

  SECTION("NXDOMAIN: exit 1") {
    CHECK(dig_status(nsd, "nope.example.test", "A") == "NXDOMAIN");
    auto r = cf_lookup(nsd, {"--json", "nope.example.test"});
    CHECK(r.exit_code == 1);
    REQUIRE(queries(r.out).size() == 1);
    auto object = queries(r.out)[0];
    CHECK(object.at("name") == "nope.example.test");
    CHECK(object.at("type") == "A");
    CHECK(object.at("error") == "NXDOMAIN");
    CHECK_FALSE(object.contains("records"));
    auto text = cf_lookup(nsd, {"nope.example.test", "+short"});
    CHECK(text.exit_code == 1);
    CHECK(text.out.empty());
    CHECK(text.err.find("NXDOMAIN") != std::string::npos);
  }
  SECTION("NODATA: a name with an A record asked for AAAA, exit 1") {
    CHECK(dig_status(nsd, "v4only.example.test", "AAAA") == "NOERROR");
    CHECK(dig_answer(nsd, {"v4only.example.test", "AAAA"}).empty());
    auto r = cf_lookup(nsd, {"--json", "-t", "AAAA", "v4only.example.test"});
    CHECK(r.exit_code == 1);
    REQUIRE(queries(r.out).size() == 1);
    CHECK(queries(r.out)[0].at("error") == "NODATA");
  }
  SECTION("REFUSED for a name outside NSD's zones: exit 2") {
    CHECK(dig_status(nsd, "outside.invalid", "A") == "REFUSED");
    auto r = cf_lookup(nsd, {"--json", "outside.invalid."});
    CHECK(r.exit_code == 2);
    REQUIRE(queries(r.out).size() == 1);
    CHECK(queries(r.out)[0].at("error") == "REFUSED");
  }
  SECTION("several names: the answered ones printed, exit 1 for the missing one") {
    auto r = cf_lookup(nsd, {"--json", "www.example.test", "nope.example.test"});
    CHECK(r.exit_code == 1);
    const auto objects = queries(r.out);
    REQUIRE(objects.size() == 2);
    CHECK(objects[0].at("records").size() == 2);
    CHECK(objects[1].at("error") == "NXDOMAIN");
  }
}

TEST_CASE("cf-lookup takes --server before the names, as dig users write it", "[system][dns]") {
  REQUIRE_REAL_SERVER_AND_DIG();
  real_dns_server nsd(example_zones());
  for (const auto& server_args : {std::vector<std::string>{"--server", nsd.endpoint()},
                                  std::vector<std::string>{"--server=" + nsd.endpoint()}}) {
    std::vector<std::string> argv{example_tool("cf-lookup")};
    argv.insert(argv.end(), server_args.begin(), server_args.end());
    argv.insert(argv.end(), {"www.example.test", "mx1.example.test", "+noall", "+answer"});
    auto r = run_process(argv, 30s);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(parse_lines(r.out).size() == 3);
  }
}

TEST_CASE("the real DNS server fixture serves the zones it was given", "[system][dns]") {
  REQUIRE_REAL_SERVER_AND_DIG();
  real_dns_server nsd(example_zones());
  CHECK(nsd.endpoint() == "127.0.0.1:" + std::to_string(nsd.port()));
  // Every record type of the zones, straight from NSD through dig.
  CHECK(dig_answer(nsd, {"example.test", "SOA"}) ==
        std::vector<rr>{{"example.test.", "3600", "SOA",
                         "ns1.example.test. hostmaster.example.test. 2024010101 7200 900 "
                         "1209600 300"}});
  CHECK(sorted(dig_answer(nsd, {"example.test", "MX"})) ==
        std::vector<rr>{{"example.test.", "3600", "MX", "10 mx1.example.test."},
                        {"example.test.", "3600", "MX", "20 mx2.example.test."},
                        {"example.test.", "3600", "MX", "30 mx3.example.test."}});
  CHECK(dig_answer(nsd, {"info.example.test", "TXT"}) ==
        std::vector<rr>{{"info.example.test.", "120", "TXT",
                         R"txt("hello world" "say \"hi\" and \\ back" "semi;colon (paren)")txt"}});
  CHECK(sorted(dig_answer(nsd, {"www.example.test", "AAAA"})) ==
        std::vector<rr>{{"www.example.test.", "300", "AAAA", "2001:db8::10"},
                        {"www.example.test.", "300", "AAAA", "::1"}});
  CHECK(dig_answer(nsd, {"-x", "2001:db8::10"}).size() == 1);
  CHECK(dig_answer(nsd, {"-x", "127.0.0.25"}) ==
        std::vector<rr>{{"25.0.0.127.in-addr.arpa.", "900", "PTR", "mx1.example.test."}});
  // Two servers at once get two ports.
  real_dns_server second(example_zones());
  CHECK(second.port() != nsd.port());
  CHECK(dig_answer(second, {"www.example.test", "A"}).size() == 2);
}
