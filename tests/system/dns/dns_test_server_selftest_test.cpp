// The scriptable DNS test server (tests/support/dns) checked by an independent client, dig:
// every record type, every scripted misbehaviour, TC with dig's own retry over TCP, counters.
// The resolver's integration tests rely on this server, so it is proven against BIND's parser.
#include "common/process.hpp"
#include "dns/dns_test_server.hpp"

#include <asio.hpp>
#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <future>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using corofetch::test::behaviour;
using corofetch::test::dns_test_server;
using corofetch::test::negative_soa;
using corofetch::test::rr_type;
using corofetch::test::run_process;
using corofetch::test::split_lines;
using corofetch::test::transport;
using namespace std::chrono_literals;

namespace {

const std::string dig_path = "/usr/bin/dig";

bool have_dig() {
  return ::access(dig_path.c_str(), X_OK) == 0;
}

#define REQUIRE_DIG()                                                       \
  do {                                                                      \
    if (!have_dig()) {                                                      \
      WARN("dig (Debian package dnsutils) is not installed: test not run"); \
      return;                                                               \
    }                                                                       \
  } while (false)

// dig against the test server: no recursion asked, one try of `wait_s` seconds, then `args`.
corofetch::test::process_result dig(const dns_test_server& server,
                                    const std::vector<std::string>& args, int wait_s = 2) {
  std::vector<std::string> argv{dig_path,
                                "@" + server.address(),
                                "-p",
                                std::to_string(server.port()),
                                "+norecurse",
                                "+tries=1",
                                "+time=" + std::to_string(wait_s)};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, 20s);
}

// A record line as dig prints it ("name<TAB>ttl<TAB>IN<TAB>TYPE<TAB>data"), fields separated
// by one space so tests compare plain strings.
std::string normalize(const std::string& line) {
  std::istringstream in(line);
  std::string field;
  std::string out;
  while (in >> field) out += (out.empty() ? "" : " ") + field;
  return out;
}

// The records of `dig +noall +answer` (or +authority) output.
std::vector<std::string> records(const std::string& dig_output) {
  std::vector<std::string> out;
  for (const auto& line : split_lines(dig_output)) {
    if (line.empty() || line[0] == ';') continue;
    out.push_back(normalize(line));
  }
  return out;
}

std::vector<std::string> answer(const dns_test_server& server, const std::string& name,
                                const std::string& type) {
  auto r = dig(server, {"+noall", "+answer", name, type});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return records(r.out);
}

std::string status_of(const std::string& dig_output) {
  std::smatch m;
  static const std::regex status(R"(status: ([A-Z]+))");
  return std::regex_search(dig_output, m, status) ? m[1].str() : "";
}

std::string flags_of(const std::string& dig_output) {
  std::smatch m;
  static const std::regex flags(R"(;; flags: ([a-z ]*);)");
  return std::regex_search(dig_output, m, flags) ? m[1].str() : "";
}

// The authority section of a full dig answer.
std::vector<std::string> authority(const std::string& dig_output) {
  std::vector<std::string> out;
  bool in_authority = false;
  for (const auto& line : split_lines(dig_output)) {
    if (line.rfind(";; AUTHORITY SECTION:", 0) == 0) {
      in_authority = true;
    } else if (line.empty() || line[0] == ';') {
      if (in_authority && !line.empty()) in_authority = false;
    } else if (in_authority) {
      out.push_back(normalize(line));
    }
  }
  return out;
}

// Sends `query` over UDP and returns the reply, or nothing after 1 s.
std::vector<std::uint8_t> exchange_raw(const dns_test_server& server,
                                       const std::vector<std::uint8_t>& query) {
  asio::io_context io;
  asio::ip::udp::socket socket(io, asio::ip::udp::v4());
  asio::ip::udp::endpoint to(asio::ip::make_address(server.address()), server.port());
  socket.send_to(asio::buffer(query), to);
  std::vector<std::uint8_t> reply(4096);
  std::size_t received = 0;
  asio::ip::udp::endpoint from;
  socket.async_receive_from(asio::buffer(reply), from, [&](std::error_code ec, std::size_t n) {
    if (!ec) received = n;
  });
  io.run_for(1s);
  reply.resize(received);
  return reply;
}

// Header (id 0x1234, RD) and the question "www.example.test IN A".
std::vector<std::uint8_t> raw_query_head(std::uint16_t arcount) {
  std::vector<std::uint8_t> q{0x12, 0x34, 0x01, 0x00, 0, 1,
                              0,    0,    0,    0,    0, static_cast<std::uint8_t>(arcount)};
  for (std::string label : {"www", "example", "test"}) {
    q.push_back(static_cast<std::uint8_t>(label.size()));
    q.insert(q.end(), label.begin(), label.end());
  }
  q.insert(q.end(), {0, 0, 1, 0, 1});
  return q;
}

}  // namespace

TEST_CASE("dig reads every record type the test server serves", "[system][dns]") {
  REQUIRE_DIG();
  dns_test_server server;
  server.add_a("www.example.test", "127.0.0.1", 300)
      .add_a("www.example.test", "127.0.0.2", 300)
      .add_aaaa("www.example.test", "2001:db8::1", 120)
      .add_mx("example.test", 20, "mx2.example.test", 3600)
      .add_mx("example.test", 10, "mx1.example.test", 3600)
      .add_ns("example.test", "ns1.example.test", 86400)
      .add_cname("alias.example.test", "www.example.test", 60)
      .add_cname("outside.example.test", "elsewhere.invalid", 60)
      .add_txt("example.test", std::vector<std::string>{"v=spf1 -all", "say \"hi\""}, 30)
      .add_txt("long.example.test", std::string(300, 'x'), 30)
      .add_soa("example.test",
               {"ns1.example.test", "admin.example.test", 2024, 7200, 900, 604800, 45}, 3600)
      .add_srv("_http._tcp.example.test", 1, 5, 8080, "www.example.test", 600)
      .add_reverse("127.0.0.1", "www.example.test", 900)
      .add_reverse("2001:db8::1", "v6.example.test", 900)
      .add_raw("raw.example.test", static_cast<rr_type>(65280), {0x01, 0x02, 0xFF}, 10);

  CHECK(answer(server, "www.example.test", "A") ==
        std::vector<std::string>{"www.example.test. 300 IN A 127.0.0.1",
                                 "www.example.test. 300 IN A 127.0.0.2"});
  CHECK(answer(server, "www.example.test", "AAAA") ==
        std::vector<std::string>{"www.example.test. 120 IN AAAA 2001:db8::1"});
  // The server keeps insertion order; sorting by preference is the resolver's job.
  CHECK(answer(server, "example.test", "MX") ==
        std::vector<std::string>{"example.test. 3600 IN MX 20 mx2.example.test.",
                                 "example.test. 3600 IN MX 10 mx1.example.test."});
  CHECK(answer(server, "example.test", "NS") ==
        std::vector<std::string>{"example.test. 86400 IN NS ns1.example.test."});
  CHECK(answer(server, "alias.example.test", "A") ==
        std::vector<std::string>{"alias.example.test. 60 IN CNAME www.example.test.",
                                 "www.example.test. 300 IN A 127.0.0.1",
                                 "www.example.test. 300 IN A 127.0.0.2"});
  CHECK(answer(server, "alias.example.test", "CNAME") ==
        std::vector<std::string>{"alias.example.test. 60 IN CNAME www.example.test."});
  CHECK(answer(server, "outside.example.test", "A") ==
        std::vector<std::string>{"outside.example.test. 60 IN CNAME elsewhere.invalid."});
  CHECK(answer(server, "example.test", "TXT") ==
        std::vector<std::string>{R"(example.test. 30 IN TXT "v=spf1 -all" "say \"hi\"")"});
  CHECK(answer(server, "long.example.test", "TXT") ==
        std::vector<std::string>{"long.example.test. 30 IN TXT \"" + std::string(255, 'x') +
                                 "\" \"" + std::string(45, 'x') + "\""});
  CHECK(answer(server, "example.test", "SOA") ==
        std::vector<std::string>{
            "example.test. 3600 IN SOA ns1.example.test. admin.example.test. 2024 7200 900 "
            "604800 45"});
  CHECK(answer(server, "_http._tcp.example.test", "SRV") ==
        std::vector<std::string>{"_http._tcp.example.test. 600 IN SRV 1 5 8080 www.example.test."});
  CHECK(answer(server, "-x", "127.0.0.1") ==
        std::vector<std::string>{"1.0.0.127.in-addr.arpa. 900 IN PTR www.example.test."});
  CHECK(answer(server, "-x", "2001:db8::1") ==
        std::vector<std::string>{
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 900 IN PTR "
            "v6.example.test."});
  CHECK(answer(server, "raw.example.test", "TYPE65280") ==
        std::vector<std::string>{R"(raw.example.test. 10 IN TYPE65280 \# 3 0102FF)"});
  CHECK(answer(server, "example.test", "ANY").size() == 5);  // 2 MX, NS, TXT, SOA
  // Names compare case-insensitively; the answer keeps the question's case (RFC 4343).
  CHECK(answer(server, "WWW.Example.TEST", "AAAA") ==
        std::vector<std::string>{"WWW.Example.TEST. 120 IN AAAA 2001:db8::1"});
  // Authoritative answers, no recursion offered.
  auto full = dig(server, {"www.example.test", "A"});
  CHECK(status_of(full.out) == "NOERROR");
  CHECK(flags_of(full.out) == "qr aa");
}

TEST_CASE("negative answers carry the SOA RFC 2308 needs, or none when scripted so",
          "[system][dns]") {
  REQUIRE_DIG();
  dns_test_server server;
  server.add_a("host.test", "192.0.2.1")
      .set_nxdomain("gone.test", negative_soa{30, 15})
      .set_nodata("host.test", rr_type::txt, negative_soa{900, 120})
      .set_behaviour("nosoa.test", behaviour::nxdomain_no_soa)
      .set_behaviour("host.test", rr_type::srv, behaviour::nodata_no_soa)
      .set_default_negative_soa(negative_soa{600, 300});

  SECTION("an unknown name: NXDOMAIN with the default SOA") {
    auto r = dig(server, {"unknown.test", "A"});
    CHECK(status_of(r.out) == "NXDOMAIN");
    CHECK(authority(r.out) ==
          std::vector<std::string>{
              "test. 600 IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 300"});
  }
  SECTION("scripted NXDOMAIN: the SOA TTL and MINIMUM asked for") {
    auto r = dig(server, {"gone.test", "AAAA"});
    CHECK(status_of(r.out) == "NXDOMAIN");
    CHECK(
        authority(r.out) ==
        std::vector<std::string>{"test. 30 IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 15"});
  }
  SECTION("NXDOMAIN without SOA") {
    auto r = dig(server, {"nosoa.test", "A"});
    CHECK(status_of(r.out) == "NXDOMAIN");
    CHECK(authority(r.out).empty());
    CHECK(r.out.find("AUTHORITY: 0") != std::string::npos);
  }
  SECTION("a name with records of another type only: NODATA with the SOA") {
    auto r = dig(server, {"host.test", "MX"});
    CHECK(status_of(r.out) == "NOERROR");
    CHECK(r.out.find("ANSWER: 0, AUTHORITY: 1") != std::string::npos);
    CHECK(authority(r.out) ==
          std::vector<std::string>{
              "test. 600 IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 300"});
  }
  SECTION("scripted NODATA for one type, its own SOA; the other types still answer") {
    auto r = dig(server, {"host.test", "TXT"});
    CHECK(status_of(r.out) == "NOERROR");
    CHECK(r.out.find("ANSWER: 0, AUTHORITY: 1") != std::string::npos);
    CHECK(authority(r.out) ==
          std::vector<std::string>{
              "test. 900 IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 120"});
    CHECK(answer(server, "host.test", "A") ==
          std::vector<std::string>{"host.test. 300 IN A 192.0.2.1"});
  }
  SECTION("a name with no record but names below it: NODATA (RFC 8020)") {
    server.add_a("leaf.branch.test", "192.0.2.2");
    auto r = dig(server, {"branch.test", "A"});
    CHECK(status_of(r.out) == "NOERROR");
    CHECK(r.out.find("ANSWER: 0, AUTHORITY: 1") != std::string::npos);
    CHECK(status_of(dig(server, {"twig.branch.test", "A"}).out) == "NXDOMAIN");
  }
  SECTION("NODATA without SOA") {
    auto r = dig(server, {"host.test", "SRV"});
    CHECK(status_of(r.out) == "NOERROR");
    CHECK(r.out.find("ANSWER: 0, AUTHORITY: 0") != std::string::npos);
  }
}

TEST_CASE("SERVFAIL and REFUSED as scripted, per name and per type", "[system][dns]") {
  REQUIRE_DIG();
  dns_test_server server;
  server.add_a("broken.test", "192.0.2.1")
      .add_a("closed.test", "192.0.2.2")
      .add_a("mixed.test", "192.0.2.3")
      .set_behaviour("broken.test", behaviour::servfail)
      .set_behaviour("closed.test", behaviour::refused)
      .set_behaviour("mixed.test", rr_type::aaaa, behaviour::servfail);

  CHECK(status_of(dig(server, {"broken.test", "A"}).out) == "SERVFAIL");
  CHECK(status_of(dig(server, {"closed.test", "A"}).out) == "REFUSED");
  CHECK(status_of(dig(server, {"mixed.test", "AAAA"}).out) == "SERVFAIL");
  CHECK(answer(server, "mixed.test", "A") ==
        std::vector<std::string>{"mixed.test. 300 IN A 192.0.2.3"});
  CHECK(server.query_count("broken.test", rr_type::a) == 1);
  CHECK(server.query_count("closed.test") == 1);
  CHECK(server.query_count("mixed.test") == 2);

  server.clear_behaviour("broken.test");
  CHECK(answer(server, "broken.test", "A") ==
        std::vector<std::string>{"broken.test. 300 IN A 192.0.2.1"});
}

TEST_CASE("silence and slow answers", "[system][dns]") {
  REQUIRE_DIG();
  dns_test_server server;
  server.add_a("quiet.test", "192.0.2.1")
      .add_a("slow.test", "192.0.2.2")
      .add_a("fast.test", "192.0.2.3")
      .set_behaviour("quiet.test", behaviour::silence)
      .set_delay("slow.test", 1500ms);

  SECTION("silence: dig times out, the query was received") {
    auto r = dig(server, {"quiet.test", "A"}, 1);
    CHECK(r.exit_code == 9);
    CHECK(r.out.find("timed out") != std::string::npos);
    CHECK(server.query_count("quiet.test", rr_type::a, transport::udp) == 1);
  }
  SECTION("silence over TCP too") {
    auto r = dig(server, {"+tcp", "quiet.test", "A"}, 1);
    CHECK(r.exit_code != 0);
    CHECK(server.query_count("quiet.test", rr_type::a, transport::tcp) == 1);
  }
  SECTION("a delayed answer arrives after its delay, and does not hold up other names") {
    auto start = std::chrono::steady_clock::now();
    auto slow = std::async(std::launch::async, [&] { return dig(server, {"slow.test", "A"}, 3); });
    REQUIRE(server.wait_for_queries(1, 2s));
    auto fast_start = std::chrono::steady_clock::now();
    CHECK(answer(server, "fast.test", "A") ==
          std::vector<std::string>{"fast.test. 300 IN A 192.0.2.3"});
    CHECK(std::chrono::steady_clock::now() - fast_start < 1s);
    auto r = slow.get();
    CHECK(std::chrono::steady_clock::now() - start >= 1500ms);
    CHECK(status_of(r.out) == "NOERROR");
    CHECK(records(r.out).size() == 1);
  }
  SECTION("a delay longer than dig waits is a timeout") {
    auto r = dig(server, {"slow.test", "A"}, 1);
    CHECK(r.exit_code == 9);
  }
  SECTION("a delayed answer over TCP") {
    auto start = std::chrono::steady_clock::now();
    auto r = dig(server, {"+tcp", "+noall", "+answer", "slow.test", "A"}, 3);
    CHECK(std::chrono::steady_clock::now() - start >= 1500ms);
    CHECK(records(r.out) == std::vector<std::string>{"slow.test. 300 IN A 192.0.2.2"});
  }
}

TEST_CASE("a truncated UDP answer makes dig retry over TCP", "[system][dns]") {
  REQUIRE_DIG();
  dns_test_server server;
  server.add_a("tc.test", "192.0.2.7").set_behaviour("tc.test", behaviour::truncate_udp);
  for (int i = 0; i < 60; ++i) server.add_a("big.test", "10.0.0." + std::to_string(i));

  SECTION("scripted TC: empty over UDP, full over TCP") {
    auto r = dig(server, {"tc.test", "A"});
    CHECK(r.out.find("Truncated, retrying in TCP mode") != std::string::npos);
    CHECK(records(r.out) == std::vector<std::string>{"tc.test. 300 IN A 192.0.2.7"});
    CHECK(server.query_count("tc.test", rr_type::a, transport::udp) == 1);
    CHECK(server.query_count("tc.test", rr_type::a, transport::tcp) == 1);
    CHECK(server.tcp_connection_count() == 1);
    auto ignoring_tc = dig(server, {"+ignore", "tc.test", "A"});
    CHECK(flags_of(ignoring_tc.out) == "qr aa tc");
    CHECK(ignoring_tc.out.find("ANSWER: 0") != std::string::npos);
  }
  SECTION("an answer over 512 bytes without EDNS is truncated by itself (RFC 1035 4.2.1)") {
    auto r = dig(server, {"+noedns", "big.test", "A"});
    CHECK(r.out.find("Truncated, retrying in TCP mode") != std::string::npos);
    CHECK(records(r.out).size() == 60);
    CHECK(server.tcp_query_count() == 1);
  }
  SECTION("with EDNS and a 4096-byte buffer the same answer fits one datagram") {
    auto r = dig(server, {"+bufsize=4096", "big.test", "A"});
    CHECK(r.out.find("Truncated") == std::string::npos);
    CHECK(records(r.out).size() == 60);
    CHECK(server.tcp_query_count() == 0);
  }
}

TEST_CASE("malformed answers as scripted", "[system][dns]") {
  REQUIRE_DIG();
  dns_test_server server;
  for (auto name : {"malformed.test", "cut.test", "wrongid.test", "garbage.test"}) {
    server.add_a(name, "192.0.2.9");
  }
  server.set_behaviour("malformed.test", behaviour::malformed_answer)
      .set_behaviour("cut.test", behaviour::cut_short)
      .set_behaviour("wrongid.test", behaviour::wrong_id)
      .set_behaviour("garbage.test", behaviour::garbage);

  auto malformed = dig(server, {"malformed.test", "A"}, 1);
  CHECK(malformed.out.find("malformed message packet") != std::string::npos);
  CHECK(records(malformed.out).empty());

  auto cut = dig(server, {"cut.test", "A"}, 1);
  CHECK(cut.out.find("malformed message packet") != std::string::npos);
  CHECK(records(cut.out).empty());

  auto wrong = dig(server, {"wrongid.test", "A"}, 1);
  CHECK(wrong.out.find("ID mismatch") != std::string::npos);
  CHECK(wrong.exit_code == 9);

  auto garbage = dig(server, {"garbage.test", "A"}, 1);
  CHECK((garbage.out + garbage.err).find("Got bad packet") != std::string::npos);
  CHECK(garbage.out.find("ANSWER SECTION") == std::string::npos);

  CHECK(server.query_count() == 4);
}

TEST_CASE("the server counts queries by name, type and transport", "[system][dns]") {
  REQUIRE_DIG();
  dns_test_server server;
  server.add_a("a.test", "192.0.2.1")
      .add_aaaa("a.test", "2001:db8::1")
      .add_a("b.test", "192.0.2.2");

  CHECK(server.query_count() == 0);
  dig(server, {"a.test", "A"});
  dig(server, {"A.TEST.", "A"});
  dig(server, {"+tcp", "a.test", "AAAA"});
  // Two queries on one kept-open TCP connection (RFC 7766 6.2.1).
  auto both = dig(server, {"+tcp", "+keepopen", "+noall", "+answer", "b.test", "A", "a.test", "A"});
  CHECK(records(both.out) ==
        std::vector<std::string>{"b.test. 300 IN A 192.0.2.2", "a.test. 300 IN A 192.0.2.1"});

  CHECK(server.query_count() == 5);
  CHECK(server.udp_query_count() == 2);
  CHECK(server.tcp_query_count() == 3);
  CHECK(server.tcp_connection_count() == 2);
  CHECK(server.query_count("a.test") == 4);
  CHECK(server.query_count("a.test", rr_type::a) == 3);
  CHECK(server.query_count("a.test.", rr_type::aaaa) == 1);
  CHECK(server.query_count("a.test", rr_type::a, transport::udp) == 2);
  CHECK(server.query_count("a.test", rr_type::a, transport::tcp) == 1);
  CHECK(server.query_count("b.test", rr_type::aaaa) == 0);
  auto log = server.received();
  REQUIRE(log.size() == 5);
  CHECK(log[1].name == "a.test");
  CHECK(log[2].type == rr_type::aaaa);
  CHECK(log[2].via == transport::tcp);

  server.reset_counters();
  CHECK(server.query_count() == 0);
  CHECK(server.query_count("a.test") == 0);
  CHECK(server.tcp_connection_count() == 0);
  CHECK(server.received().empty());
  CHECK_FALSE(server.wait_for_queries(1, 50ms));
}

TEST_CASE("listening on ::1", "[system][dns]") {
  REQUIRE_DIG();
  dns_test_server server({"::1", "test"});
  server.add_aaaa("six.test", "::1");
  CHECK(server.endpoint() == "[::1]:" + std::to_string(server.port()));
  CHECK(answer(server, "six.test", "AAAA") ==
        std::vector<std::string>{"six.test. 300 IN AAAA ::1"});
  CHECK(answer(server, "+tcp", "six.test") == std::vector<std::string>{});  // A: NODATA
  CHECK(server.query_count("six.test", rr_type::a, transport::tcp) == 1);
}

// Wire-level checks dig cannot make: compression pointers in a query, pointer loops, a
// response sent to the server, a query with no question.
TEST_CASE("the server parses queries with compressed names and refuses broken ones",
          "[system][dns]") {
  dns_test_server server;
  server.add_a("www.example.test", "192.0.2.80", 77);

  SECTION("an additional record whose owner is a pointer to the question name") {
    auto q = raw_query_head(1);
    // OPT (RFC 6891) owned by a pointer to offset 12, UDP size 1232.
    q.insert(q.end(), {0xC0, 0x0C, 0x00, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0});
    auto reply = exchange_raw(server, q);
    REQUIRE(reply.size() > 12);
    CHECK(reply[0] == 0x12);
    CHECK(reply[1] == 0x34);
    CHECK((reply[3] & 0x0F) == 0);  // NOERROR
    CHECK(reply[7] == 1);           // one answer
    CHECK(reply[11] == 1);          // our OPT, since the query had one
    // The answer's owner is compressed to the question at offset 12, then A, IN, TTL 77.
    const std::size_t an = q.size() - 12;
    REQUIRE(reply.size() >= an + 16);
    CHECK(std::vector<std::uint8_t>(reply.begin() + static_cast<std::ptrdiff_t>(an),
                                    reply.begin() + static_cast<std::ptrdiff_t>(an + 16)) ==
          std::vector<std::uint8_t>{0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 77, 0, 4, 192, 0, 2, 80});
  }
  SECTION("a pointer that points at itself: FORMERR, no loop") {
    auto q = raw_query_head(1);
    const auto at = static_cast<std::uint8_t>(q.size());
    q.insert(q.end(), {0xC0, at, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0});
    auto reply = exchange_raw(server, q);
    REQUIRE(reply.size() == 12);
    CHECK((reply[3] & 0x0F) == 1);
    CHECK((reply[2] & 0x80) != 0);
  }
  SECTION("no question: FORMERR") {
    std::vector<std::uint8_t> q{0xAB, 0xCD, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
    auto reply = exchange_raw(server, q);
    REQUIRE(reply.size() == 12);
    CHECK(reply[0] == 0xAB);
    CHECK((reply[3] & 0x0F) == 1);
  }
  SECTION("an opcode other than QUERY: NOTIMP") {
    auto q = raw_query_head(0);
    q[2] = 0x10;  // opcode 2 (STATUS)
    auto reply = exchange_raw(server, q);
    REQUIRE(reply.size() == 12);
    CHECK((reply[3] & 0x0F) == 4);
  }
  SECTION("a response is never answered, but counted") {
    auto q = raw_query_head(0);
    q[2] |= 0x80;
    CHECK(exchange_raw(server, q).empty());
    CHECK(server.query_count() == 1);
    CHECK(server.received().empty());
  }
}
