// The response parser's fast paths (bench/README.md, "HTTP response parsing") against its exact
// ones: body pieces without the collecting mode, the CRLF after chunk data checked in on_body or
// at the start of the next read, and the head's 16-byte shortcut against the exact indexer.
#include "feed.hpp"

#include <corofetch/http/response_parser.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using cf_test::feed_all_splits;
using cf_test::feed_options;
using cf_test::outcome;
namespace http = corofetch::http;
using cf_test::err;
using http::errc;

namespace {

// What a client sees without parser_options::collect_body: the body from body_pieces().
struct piece_outcome {
  std::error_code error;
  std::string body;
  std::uint64_t body_size = 0;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::pair<std::string, std::string>> trailers;
  bool complete = false;

  friend bool operator==(const piece_outcome& a, const piece_outcome& b) {
    if (a.error || b.error) return a.error == b.error;
    return a.body == b.body && a.body_size == b.body_size && a.fields == b.fields &&
           a.trailers == b.trailers && a.complete == b.complete;
  }
};

piece_outcome feed_pieces_only(std::string_view bytes, const std::vector<std::size_t>& cuts,
                               const http::method& m = http::method::get) {
  http::response_parser parser;  // collect_body off: on_body's short path
  parser.expect(m);
  piece_outcome o;
  std::size_t at = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t to = i < cuts.size() ? cuts[i] : bytes.size();
    const std::string piece(bytes.substr(at, to - at));  // its own allocation, for ASan
    auto n = parser.parse(piece);
    if (!n) {
      o.error = n.error();
      return o;
    }
    for (std::string_view p : parser.body_pieces()) o.body += p;
    at = to;
    if (parser.complete()) break;
  }
  if (!parser.complete()) {
    if (auto ec = parser.finish()) {
      o.error = ec;
      return o;
    }
  }
  o.complete = parser.complete();
  o.body_size = parser.body_size();
  o.fields = cf_test::to_pairs(parser.head().fields);
  o.trailers = cf_test::to_pairs(parser.trailers());
  return o;
}

// Whole, at every split into two and byte by byte; all must agree, and with the collecting
// mode (feed_all_splits).
piece_outcome pieces_all_splits(std::string_view bytes, const http::method& m = http::method::get) {
  const piece_outcome whole = feed_pieces_only(bytes, {}, m);
  for (std::size_t k = 1; k < bytes.size(); ++k) {
    INFO("split at " << k);
    CHECK(feed_pieces_only(bytes, {k}, m) == whole);
  }
  std::vector<std::size_t> every;
  for (std::size_t k = 1; k < bytes.size(); ++k) every.push_back(k);
  CHECK(feed_pieces_only(bytes, every, m) == whole);
  feed_options opts;
  opts.method = m;
  const outcome collected = feed_all_splits(bytes, opts);
  CHECK(collected.error == whole.error);
  if (!whole.error) {
    CHECK(collected.body == whole.body);
    CHECK(collected.fields == whole.fields);
    CHECK(collected.trailers == whole.trailers);
  }
  return whole;
}

std::string chunked_head() {
  return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
}

}  // namespace

TEST_CASE("body pieces without the collecting mode match it, at every split", "[unit]") {
  const piece_outcome cl = pieces_all_splits("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  REQUIRE_FALSE(cl.error);
  CHECK(cl.body == "hello");
  CHECK(cl.body_size == 5);

  const piece_outcome ch = pieces_all_splits(
      chunked_head() + "3\r\nabc\r\n1;ext=1\r\nd\r\n10\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\n");
  REQUIRE_FALSE(ch.error);
  CHECK(ch.body == "abcd0123456789abcdef");
  CHECK(ch.body_size == 20);
  using P = std::pair<std::string, std::string>;
  CHECK(ch.trailers == std::vector<P>{{"X-T", "1"}});

  const piece_outcome head =
      pieces_all_splits(chunked_head(), http::method::head);  // no body to a HEAD request
  REQUIRE_FALSE(head.error);
  CHECK(head.body.empty());
}

TEST_CASE("regression llhttp 8.1.0: chunk data is followed by CRLF exactly", "[unit]") {
  // llhttp 8.1.0 skips the two bytes after a chunk's data without looking at them.
  for (const char* bad : {"\n\n", "XY", "\r\r", "\rX", "X\n", "\n\r"}) {
    INFO("after the data: " << bad);
    const std::string bytes = chunked_head() + "3\r\nabc" + bad + "0\r\n\r\n";
    CHECK(pieces_all_splits(bytes).error == err(errc::bare_cr));
    // The last chunk with data right before the zero-size chunk, at the end of a read.
    const std::string two = chunked_head() + "1\r\na\r\n2\r\nbc" + bad + "0\r\n\r\n";
    CHECK(pieces_all_splits(two).error == err(errc::bare_cr));
  }
}

TEST_CASE("the head's shortcut and the exact indexer give the same lines", "[unit]") {
  // Lines of every shape around the 16-byte look: names of 15, 16 and 17 bytes, colons in
  // values, blanks the shortcut leaves to the exact steps, empty values.
  const std::string bytes =
      "HTTP/1.1 200 OK\r\n"
      "Name-Of-15-Byte: a\r\n"
      "Name-Of-16-Bytes: b\r\n"
      "Name-Of-17-Bytes-: c\r\n"
      "Date: Tue, 24 Nov 2026 21:00:00 GMT\r\n"
      "X:y\r\n"
      "X2:  two blanks\r\n"
      "X3:\ttab\r\n"
      "X4: trailing \r\n"
      "X5: trailing tab\t\r\n"
      "X6:\r\n"
      "X7: \r\n"
      "A-Value-That-Is-Long: " +
      std::string(40, 'v') +
      "\r\n"
      "Content-Length: 0\r\n"
      "\r\n";
  const piece_outcome o = pieces_all_splits(bytes);
  REQUIRE_FALSE(o.error);
  using P = std::pair<std::string, std::string>;
  CHECK(o.fields == std::vector<P>{{"Name-Of-15-Byte", "a"},
                                   {"Name-Of-16-Bytes", "b"},
                                   {"Name-Of-17-Bytes-", "c"},
                                   {"Date", "Tue, 24 Nov 2026 21:00:00 GMT"},
                                   {"X", "y"},
                                   {"X2", "two blanks"},
                                   {"X3", "tab"},
                                   {"X4", "trailing"},
                                   {"X5", "trailing tab"},
                                   {"X6", ""},
                                   {"X7", ""},
                                   {"A-Value-That-Is-Long", std::string(40, 'v')},
                                   {"Content-Length", "0"}});
}

TEST_CASE("a space in a name is an error wherever the name crosses the 16-byte look", "[unit]") {
  for (std::size_t at = 1; at < 24; ++at) {
    std::string name(24, 'n');
    name[at] = ' ';
    INFO("space at " << at);
    const std::string bytes = "HTTP/1.1 200 OK\r\n" + name + ": v\r\nContent-Length: 0\r\n\r\n";
    CHECK(pieces_all_splits(bytes).error == err(errc::invalid_header));
  }
  CHECK(pieces_all_splits("HTTP/1.1 200 OK\r\nA-Long-Field-Name-Here : v\r\n\r\n").error ==
        err(errc::invalid_header));
}
