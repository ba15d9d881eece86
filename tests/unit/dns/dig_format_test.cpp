// What cf-lookup's dig-style output is made of: types by number (RFC 3597), CAA (RFC 8659),
// the order MX and SRV are tried in, CNAME chains and their loops, and dig's layout.
#include <corofetch/dns/dig_format.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/dns/record.hpp>
#include <corofetch/dns/response.hpp>
#include <corofetch/dns/root_hints.hpp>
#include <corofetch/dns/trace.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace corofetch::dns;

namespace {

record a_record(std::string name, const char* address, std::uint32_t ttl = 300) {
  return {std::move(name), record_type::a, ttl, a_data{asio::ip::make_address_v4(address)}};
}
record cname_record(std::string name, std::string target) {
  return {std::move(name), record_type::cname, 300, cname_data{std::move(target)}};
}
record srv_record(std::uint16_t priority, std::uint16_t weight, std::uint16_t port) {
  return {"_s._tcp.dig.test", record_type::srv, 300,
          srv_data{priority, weight, port, "t" + std::to_string(port) + ".dig.test"}};
}

std::vector<std::string> data_of(const std::vector<record>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(to_presentation(r.data));
  return out;
}

}  // namespace

TEST_CASE("types by name and by number (RFC 3597 5)", "[unit][dns]") {
  CHECK(parse_record_type("caa") == record_type::caa);
  CHECK(parse_record_type("ANY") == record_type::any);
  CHECK(parse_record_type("TYPE65") == static_cast<record_type>(65));
  CHECK(parse_record_type("type65535") == static_cast<record_type>(65535));
  CHECK(parse_record_type("TYPE1") == record_type::a);
  for (const char* bad :
       {"TYPE", "TYPE0", "TYPE65536", "TYPE-1", "TYPE+1", "TYPE1x", "HTTPS", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_record_type(bad));
  }
  CHECK(to_string(record_type::caa) == "CAA");
  CHECK(to_string(static_cast<record_type>(65)) == "TYPE65");
  CHECK(has_known_data(record_type::caa));
  CHECK_FALSE(has_known_data(record_type::any));
  CHECK_FALSE(has_known_data(static_cast<record_type>(65)));
}

TEST_CASE("CAA and unknown data in presentation form, as dig writes them", "[unit][dns]") {
  CHECK(to_presentation(caa_data{0, "issue", "letsencrypt.org"}) == "0 issue \"letsencrypt.org\"");
  CHECK(to_presentation(caa_data{128, "iodef", "mailto:a\"b"}) == "128 iodef \"mailto:a\\\"b\"");
  CHECK(to_presentation(unknown_data{{0x00, 0x01, 0x00}}) == "\\# 3 000100");
  CHECK(to_presentation(unknown_data{}) == "\\# 0");
  // dig breaks the hex every 28 bytes.
  std::vector<std::uint8_t> hundred(100);
  for (std::size_t i = 0; i < hundred.size(); ++i) hundred[i] = static_cast<std::uint8_t>(i);
  CHECK(
      to_presentation(unknown_data{hundred}) ==
      "\\# 100 000102030405060708090A0B0C0D0E0F101112131415161718191A1B "
      "1C1D1E1F202122232425262728292A2B2C2D2E2F3031323334353637 "
      "38393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F50515253 5455565758595A5B5C5D5E5F60616263");
}

TEST_CASE("SRV by priority then weight (heavier first), MX by preference", "[unit][dns]") {
  std::vector<record> records{srv_record(20, 10, 1), srv_record(10, 5, 2), srv_record(10, 50, 3),
                              srv_record(20, 90, 4), a_record("x.dig.test", "127.0.0.1")};
  sort_by_preference(records);
  CHECK(data_of(records) == std::vector<std::string>{"10 50 3 t3.dig.test.", "10 5 2 t2.dig.test.",
                                                     "20 90 4 t4.dig.test.", "20 10 1 t1.dig.test.",
                                                     "127.0.0.1"});
  std::vector<record> mx{{"m.test", record_type::mx, 60, mx_data{30, "c.test"}},
                         {"m.test", record_type::mx, 60, mx_data{10, "a.test"}},
                         {"other.test", record_type::mx, 60, mx_data{5, "z.test"}}};
  sort_by_preference(mx);
  // Records of another owner are another RRset: they keep their place.
  CHECK(data_of(mx) == std::vector<std::string>{"10 a.test.", "30 c.test.", "5 z.test."});
}

TEST_CASE("a CNAME chain is followed hop by hop; a loop is a loop, not NODATA", "[unit][dns]") {
  const std::vector<record> chain{
      cname_record("A.dig.test", "b.dig.test"), cname_record("b.dig.test", "c.dig.test"),
      a_record("c.dig.test", "127.0.0.5"), a_record("off.dig.test", "127.0.0.9")};
  auto followed = follow_cnames(chain, "a.dig.test.", record_type::a);
  CHECK_FALSE(followed.error);
  CHECK(followed.cnames.size() == 2);
  CHECK(followed.final_name == "c.dig.test");
  CHECK(data_of(followed.records) == std::vector<std::string>{"127.0.0.5"});
  // A CNAME asked for is the answer.
  CHECK(follow_cnames(chain, "a.dig.test", record_type::cname).records.size() == 1);

  const std::vector<record> loop{cname_record("loop1.dig.test", "loop2.dig.test"),
                                 cname_record("loop2.dig.test", "loop1.dig.test")};
  auto looped = follow_cnames(loop, "loop1.dig.test", record_type::a);
  CHECK(looped.error == errc::resolution_loop);
  CHECK(looped.cnames.size() == 2);
  CHECK(
      follow_cnames({cname_record("self.test", "SELF.test")}, "self.test", record_type::a).error ==
      errc::resolution_loop);
  // No record of the type at the end of the chain: nothing, and no error (the caller says NODATA).
  auto none = follow_cnames(chain, "a.dig.test", record_type::aaaa);
  CHECK_FALSE(none.error);
  CHECK(none.records.empty());
}

TEST_CASE("records and questions at dig's columns", "[unit][dns]") {
  CHECK(to_dig_line(cname_record("a.dig.test", "b.dig.test")) ==
        "a.dig.test.\t\t300\tIN\tCNAME\tb.dig.test.");
  CHECK(to_dig_line(a_record("t65280.dig.test", "127.0.0.1")) ==
        "t65280.dig.test.\t300\tIN\tA\t127.0.0.1");
  const record unknown{"e.dig.test", static_cast<record_type>(65280), 300, unknown_data{}};
  CHECK(to_dig_line(unknown) == "e.dig.test.\t\t300\tIN\tTYPE65280 \\# 0");
  CHECK(to_dig_line(a_record("a-name-of-exactly-24.tst", "127.0.0.1", 5)) ==
        "a-name-of-exactly-24.tst. 5\tIN\tA\t127.0.0.1");
  response m;
  m.question_name = "c.dig.test";
  m.question_type = 1;
  m.question_class = 1;
  CHECK(to_dig_question(m) == ";c.dig.test.\t\t\tIN\tA");
  // The ';' takes no column.
  m.question_name = "empty.dig.test";
  m.question_type = 65280;
  CHECK(to_dig_question(m) == ";empty.dig.test.\t\t\tIN\tTYPE65280");
}

TEST_CASE("a reply laid out as dig prints it", "[unit][dns]") {
  server_reply reply;
  reply.server = {asio::ip::make_address("127.0.0.1"), 5353};
  reply.elapsed = std::chrono::microseconds(4200);
  reply.bytes_received = 89;
  auto& m = reply.message;
  m.id = 50251;
  m.flags = 0x8500;  // qr aa rd
  m.questions = 1;
  m.answer_count = 1;
  m.additional_count = 1;
  m.question_name = "c.dig.test";
  m.question_type = 1;
  m.question_class = 1;
  m.answer = {a_record("c.dig.test", "127.0.0.5")};
  m.edns = edns_info{1232, 0, 0, 0, 0};
  const auto when = std::chrono::system_clock::now();
  const std::string text = to_dig_text(reply, {}, "127.0.0.1", when);
  const std::string expected_start =
      ";; Got answer:\n"
      ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 50251\n"
      ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n"
      ";; WARNING: recursion requested but not available\n"
      "\n"
      ";; OPT PSEUDOSECTION:\n"
      "; EDNS: version: 0, flags:; udp: 1232\n"
      ";; QUESTION SECTION:\n"
      ";c.dig.test.\t\t\tIN\tA\n"
      "\n"
      ";; ANSWER SECTION:\n"
      "c.dig.test.\t\t300\tIN\tA\t127.0.0.5\n"
      "\n"
      ";; Query time: 4 msec\n"
      ";; SERVER: 127.0.0.1#5353(127.0.0.1) (UDP)\n"
      ";; WHEN: ";
  CHECK(text.substr(0, expected_start.size()) == expected_start);
  CHECK(text.ends_with("\n;; MSG SIZE  rcvd: 89\n\n"));

  dig_sections answer_only{false, false, true, false, false, false};
  CHECK(to_dig_text(reply, answer_only, "127.0.0.1", when) ==
        "c.dig.test.\t\t300\tIN\tA\t127.0.0.5\n");
  m.flags = 0x8183;  // qr rd ra, NXDOMAIN
  m.answer.clear();
  const std::string nx = to_dig_text(reply, {}, "ns.test", when);
  CHECK(nx.find("status: NXDOMAIN, id: 50251") != std::string::npos);
  CHECK(nx.find("flags: qr rd ra;") != std::string::npos);
  CHECK(nx.find("WARNING") == std::string::npos);
  CHECK(nx.find("ANSWER SECTION") == std::string::npos);
  CHECK(nx.find("(ns.test) (UDP)") != std::string::npos);
}

TEST_CASE("+short is the answer's data, one a line", "[unit][dns]") {
  response m;
  m.answer = {cname_record("a.dig.test", "b.dig.test"), a_record("b.dig.test", "127.0.0.5")};
  CHECK(to_dig_short(m) == "b.dig.test.\n127.0.0.5\n");
  CHECK(to_dig_short(response{}).empty());
}

TEST_CASE("rcode and flag names as dig writes them", "[unit][dns]") {
  CHECK(rcode_name(0) == "NOERROR");
  CHECK(rcode_name(3) == "NXDOMAIN");
  CHECK(rcode_name(5) == "REFUSED");
  CHECK(rcode_name(16) == "BADVERS");
  CHECK(rcode_name(13) == "RCODE13");
  CHECK(flag_names(0x8000 | 0x0400 | 0x0200 | 0x0100 | 0x0080 | 0x0020 | 0x0010) ==
        "qr aa tc rd ra ad cd");
  CHECK(flag_names(0).empty());
}

TEST_CASE("servers as dig writes them (ADDR#PORT), bad ports refused", "[unit][dns]") {
  CHECK(parse_server_address("127.0.0.1#5353", 53).value().port() == 5353);
  CHECK(parse_server_address("::1#5353", 53).value().address().to_string() == "::1");
  for (const char* bad : {"127.0.0.1#", "127.0.0.1#99999", "127.0.0.1#0", "[::1]#53", "#53",
                          "127.0.0.1:99999", "[::1", "127.0.0.1:-1"}) {
    INFO(bad);
    CHECK(parse_server_address(bad, 53).error() == errc::bad_options);
  }
}
