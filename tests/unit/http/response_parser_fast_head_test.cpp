// The response parser's fast path over a head (lib/http/response_parser.cpp, scan_head) against
// the general path. A head that arrives whole takes the fast path while its lines are ones it
// vouches for; the same head fed a byte at a time never does (no line is ever complete in one
// input). feed_all_splits compares the whole feed, every split into two and the byte-by-byte
// feed, error codes included: any line the fast path judged differently from llhttp and the
// indexer would show up here.
#include "feed.hpp"

#include <corofetch/http/response_parser.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using cf_test::err;
using cf_test::feed_all_splits;
using cf_test::feed_options;
using cf_test::outcome;
namespace http = corofetch::http;
using http::errc;

namespace {

using field_pairs = std::vector<std::pair<std::string, std::string>>;

std::string head_with(const std::string& line) {
  return "HTTP/1.1 200 OK\r\nServer: s\r\n" + line + "\r\nContent-Length: 2\r\n\r\nok";
}

}  // namespace

TEST_CASE("every byte in a field name is judged as llhttp and the indexer judge it", "[unit]") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    INFO("byte " << b);
    // First, inside and last in a name; in a name past the first 16 bytes of its line.
    feed_all_splits(head_with(std::string(1, c) + "ame: v"));
    feed_all_splits(head_with("Na" + std::string(1, c) + "me: v"));
    feed_all_splits(head_with("Name" + std::string(1, c) + ": v"));
    feed_all_splits(head_with("A-Rather-Long-Name" + std::string(1, c) + "x: v"));
  }
}

TEST_CASE("every byte in a field value is judged as llhttp and the indexer judge it", "[unit]") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    INFO("byte " << b);
    feed_all_splits(head_with("Name: " + std::string(1, c) + "alue"));
    feed_all_splits(head_with("Name: va" + std::string(1, c) + "lue"));
    feed_all_splits(head_with("Name: value" + std::string(1, c)));
    feed_all_splits(head_with("Name:" + std::string(1, c) + "value"));
    // Past the first 16 bytes of the line, and in the last bytes of the input.
    feed_all_splits(head_with("Name: a-longer-value-" + std::string(1, c) + "-that-goes-on"));
    feed_all_splits("HTTP/1.1 204 No Content\r\nName: va" + std::string(1, c) + "l\r\n\r\n");
  }
}

TEST_CASE("names and values of every length around the 16 and 32 byte looks", "[unit]") {
  for (std::size_t name = 1; name <= 40; ++name) {
    for (std::size_t value = 1; value <= 40; value += 3) {
      INFO("name " << name << ", value " << value);
      const std::string n(name, 'n');
      const std::string v(value, 'v');
      const outcome o = feed_all_splits(head_with(n + ": " + v));
      REQUIRE_FALSE(o.error);
      CHECK(o.fields == field_pairs{{"Server", "s"}, {n, v}, {"Content-Length", "2"}});
    }
  }
}

TEST_CASE("llhttp sees the fields it acts on, whatever their case", "[unit]") {
  SECTION("Content-Length") {
    const outcome o =
        feed_all_splits("HTTP/1.1 200 OK\r\nX: y\r\ncOnTeNt-LeNgTh: 3\r\nZ: z\r\n\r\nabc");
    REQUIRE_FALSE(o.error);
    CHECK(o.body == "abc");
    CHECK(o.keep_alive);
  }
  SECTION("Transfer-Encoding") {
    const outcome o = feed_all_splits(
        "HTTP/1.1 200 OK\r\nX: y\r\nTRANSFER-ENCODING: chunked\r\nZ: z\r\n\r\n"
        "3\r\nabc\r\n0\r\n\r\n");
    REQUIRE_FALSE(o.error);
    CHECK(o.body == "abc");
  }
  SECTION("Connection and Proxy-Connection") {
    feed_options eof;
    const outcome close =
        feed_all_splits("HTTP/1.1 200 OK\r\nA: b\r\nconnection: close\r\nC: d\r\n\r\nbody", eof);
    REQUIRE_FALSE(close.error);
    CHECK_FALSE(close.keep_alive);
    CHECK(close.body == "body");  // no length and the connection closes: the body ends at EOF
    const outcome kept = feed_all_splits(
        "HTTP/1.0 200 OK\r\nA: b\r\nProxy-Connection: keep-alive\r\nContent-Length: 0\r\n\r\n");
    REQUIRE_FALSE(kept.error);
    CHECK(kept.keep_alive);
  }
  SECTION("Upgrade") {
    feed_options upgrade;
    upgrade.upgrade_requested = true;
    const outcome o = feed_all_splits(
        "HTTP/1.1 101 Switching Protocols\r\nA: b\r\nUPGRADE: websocket\r\n"
        "Connection: Upgrade\r\nZ: z\r\n\r\nframes",
        upgrade);
    REQUIRE_FALSE(o.error);
    CHECK(o.upgraded);
  }
  SECTION("names next to them are ordinary fields") {
    const outcome o = feed_all_splits(
        "HTTP/1.1 200 OK\r\nContent-Lengthy: 9\r\nConnections: close\r\nUpgrades: x\r\n"
        "Transfer-Encodings: chunked\r\nProxy-Connectio: close\r\nContent-Length: 1\r\n\r\nz");
    REQUIRE_FALSE(o.error);
    CHECK(o.body == "z");
    CHECK(o.keep_alive);
  }
  SECTION("an error in a field llhttp reads keeps llhttp's code") {
    CHECK(feed_all_splits(head_with("X-Before: 1\r\nContent-Length: abc")).error ==
          err(errc::invalid_content_length));
    CHECK(feed_all_splits("HTTP/1.1 200 OK\r\nA: b\r\nContent-Length: 1\r\nB: c\r\n"
                          "Content-Length: 2\r\n\r\nxy")
              .error == err(errc::conflicting_content_length));
    CHECK(feed_all_splits("HTTP/1.1 200 OK\r\nA: b\r\nContent-Length: 1\r\nB: c\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n")
              .error == err(errc::content_length_with_transfer_encoding));
  }
}

TEST_CASE("lines the fast path leaves to llhttp and the indexer", "[unit]") {
  // Obsolete line folding after a line llhttp did not read, and after one it did: llhttp
  // must see the line being continued, or it would fold into the wrong field.
  CHECK(feed_all_splits(head_with("Name: value\r\n folded")).error ==
        err(errc::obsolete_line_folding));
  CHECK(feed_all_splits("HTTP/1.1 200 OK\r\nA: b\r\nContent-Length: 2\r\n\t3\r\n\r\nok").error);
  // Bare CRs and line ends llhttp 8.1.0 would take.
  CHECK(feed_all_splits(head_with("Name: va\rlue")).error);
  CHECK(feed_all_splits("HTTP/1.1 200 OK\r\nA: b\r\n\rX: y\r\n\r\n").error);
  CHECK(feed_all_splits("HTTP/1.1 200 OK\r\nA: b\nContent-Length: 0\r\n\r\n").error);
  CHECK(feed_all_splits("HTTP/1.1 200 OK\rX\r\nA: b\r\n\r\n").error == err(errc::bare_cr));
  // Shapes the fast path does not take, yet valid: blanks around values, empty values,
  // unusual token characters in names, a head ended by a bare LF.
  const outcome o = feed_all_splits(
      "HTTP/1.1 200 OK\r\nA: b\r\nX_Y.z: 1\r\n!#$%&'*+-.^_`|~: 2\r\nB:  3 \r\nC:\r\n"
      "D: \t4\t\r\nContent-Length: 1\r\n\nz");
  REQUIRE_FALSE(o.error);
  CHECK(o.fields == field_pairs{{"A", "b"},
                                {"X_Y.z", "1"},
                                {"!#$%&'*+-.^_`|~", "2"},
                                {"B", "3"},
                                {"C", ""},
                                {"D", "4"},
                                {"Content-Length", "1"}});
  CHECK(o.body == "z");
}

TEST_CASE("the limits hold on the fast path", "[unit]") {
  feed_options opts;
  opts.parser.max_fields = 3;
  CHECK_FALSE(
      feed_all_splits("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n", opts).error);
  CHECK(
      feed_all_splits("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 0\r\n\r\n", opts)
          .error == err(errc::too_many_fields));

  feed_options field;
  field.parser.max_field_bytes = 16;  // name and value; Content-Length: 2 takes 15
  CHECK_FALSE(feed_all_splits(head_with("Abcdefghij: 123456"), field).error);
  CHECK(feed_all_splits(head_with("Abcdefghij: 1234567"), field).error ==
        err(errc::field_too_large));

  const std::string head = head_with("Name: value");
  const std::size_t head_size = head.size() - 2;  // without the body
  feed_options exact;
  exact.parser.max_head_bytes = head_size;
  CHECK_FALSE(feed_all_splits(head, exact).error);
  feed_options one_less;
  one_less.parser.max_head_bytes = head_size - 1;
  CHECK(feed_all_splits(head, one_less).error == err(errc::head_too_large));
}

TEST_CASE("interim responses and back-to-back responses take the fast path each", "[unit]") {
  const outcome o = feed_all_splits(
      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 200 OK\r\nServer: s\r\nContent-Length: 2\r\nX: y\r\n\r\nok");
  REQUIRE_FALSE(o.error);
  CHECK(o.interim == std::vector<int>{103});
  CHECK(o.fields == field_pairs{{"Server", "s"}, {"Content-Length", "2"}, {"X", "y"}});
  CHECK(o.body == "ok");

  // Two responses on one connection, the second head right after the first body, both read
  // whole in one input.
  http::response_parser parser;
  parser.expect(http::method::get);
  const std::string two =
      "HTTP/1.1 200 OK\r\nA: 1\r\nContent-Length: 1\r\n\r\nx"
      "HTTP/1.1 404 Not Found\r\nB: 2\r\nContent-Length: 2\r\nC: 3\r\n\r\nyz";
  auto n = parser.parse(two);
  REQUIRE(n);
  REQUIRE(parser.complete());
  CHECK(parser.head().fields.find("A") == "1");
  parser.expect(http::method::get);
  auto m = parser.parse(std::string_view(two).substr(*n));
  REQUIRE(m);
  CHECK(*n + *m == two.size());
  REQUIRE(parser.complete());
  CHECK(parser.head().status == 404);
  CHECK(parser.head().fields.find("C") == "3");
  CHECK(parser.head().fields.size() == 3);
}
