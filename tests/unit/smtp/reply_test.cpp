#include <corofetch/smtp/reply.hpp>

#include <catch2/catch.hpp>

using namespace corofetch::smtp;

TEST_CASE("SMTP replies: RFC 5321 4.2 multi-line, extensions", "[unit]") {
  reply_reader reader;
  std::optional<reply> done;
  for (const char* line : {"250-mx.example.test Hello", "250-8BITMIME", "250-starttls",
                           "250-SIZE 1000000", "250 HELP"}) {
    auto r = reader.feed(line);
    REQUIRE(r);
    if (r->has_value()) done = **r;
  }
  REQUIRE(done);
  CHECK(done->code == 250);
  CHECK(done->lines.size() == 5);
  CHECK(done->summary() == "250 mx.example.test Hello");
  CHECK(done->has_extension("STARTTLS"));
  CHECK(done->has_extension("size"));
  CHECK(done->has_extension("8BITMIME"));
  CHECK_FALSE(done->has_extension("mx.example.test"));  // the first line is the greeting
  CHECK_FALSE(done->has_extension("PIPELINING"));

  auto bare = reader.feed("354");
  REQUIRE(bare);
  REQUIRE(bare->has_value());
  CHECK((*bare)->code == 354);
}

TEST_CASE("SMTP replies: malformed lines", "[unit]") {
  reply_reader reader;
  CHECK(reader.feed("250 x").has_value());
  CHECK(reader.feed("150 preliminary is not SMTP").error() == errc::malformed_reply);
  CHECK(reader.feed("25O typo").error() == errc::malformed_reply);
  CHECK(reader.feed("250_x").error() == errc::malformed_reply);
  REQUIRE(reader.feed("250-first"));
  CHECK(reader.feed("251 other code").error() == errc::malformed_reply);
  reply_reader small(2);
  REQUIRE(small.feed("250-a"));
  REQUIRE(small.feed("250-b"));
  CHECK(small.feed("250 c").error() == errc::reply_too_long);
}

TEST_CASE("DATA: CRLF normalisation, dot-stuffing, terminator", "[unit]") {
  CHECK(encode_data("Subject: x\r\n\r\nbody\r\n") == "Subject: x\r\n\r\nbody\r\n.\r\n");
  CHECK(encode_data("a\nb\rc\r\n") == "a\r\nb\r\nc\r\n.\r\n");
  CHECK(encode_data("no final newline") == "no final newline\r\n.\r\n");
  CHECK(encode_data(".\r\n..\r\nx.y\r\n.start") == "..\r\n...\r\nx.y\r\n..start\r\n.\r\n");
  CHECK(encode_data("") == ".\r\n");
  CHECK(encode_data("\r\n") == "\r\n.\r\n");
}
