#include <corofetch/ftp/reply.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace corofetch::ftp;

namespace {

// Feeds lines; returns the replies completed, and fails on an error.
std::vector<reply> feed_all(reply_reader& reader, const std::vector<std::string>& lines) {
  std::vector<reply> out;
  for (const auto& line : lines) {
    auto r = reader.feed(line);
    REQUIRE(r);
    if (r->has_value()) out.push_back(**r);
  }
  return out;
}

}  // namespace

TEST_CASE("FTP replies: single-line and RFC 959 4.2 multi-line", "[unit]") {
  reply_reader reader;
  auto single = feed_all(reader, {"220 Service ready"});
  REQUIRE(single.size() == 1);
  CHECK(single[0].code == 220);
  CHECK(single[0].text == "Service ready");
  CHECK(single[0].kind() == 2);

  // Lines inside may be anything, even another code or the same code with '-'; only "230 "
  // ends the reply.
  auto multi = feed_all(reader, {"230-Welcome", "  to the server", "150 not an end",
                                 "230-still going", "230 Logged in"});
  REQUIRE(multi.size() == 1);
  CHECK(multi[0].code == 230);
  CHECK(multi[0].text == "Welcome\n  to the server\n150 not an end\n230-still going\nLogged in");
  CHECK(multi[0].summary() == "230 Welcome");

  auto bare = feed_all(reader, {"200"});
  REQUIRE(bare.size() == 1);
  CHECK(bare[0].code == 200);
  CHECK(bare[0].text.empty());
}

TEST_CASE("FTP replies: malformed lines and bounds", "[unit]") {
  reply_reader reader;
  CHECK(reader.feed("hello").error() == errc::malformed_reply);
  CHECK(reader.feed("22 short").error() == errc::malformed_reply);
  CHECK(reader.feed("620 bad first digit").error() == errc::malformed_reply);
  CHECK(reader.feed("220_x").error() == errc::malformed_reply);
  CHECK(reader.feed("").error() == errc::malformed_reply);

  reply_reader small(3);
  REQUIRE(small.feed("211-a"));
  REQUIRE(small.feed("b"));
  REQUIRE(small.feed("c"));
  CHECK(small.feed("d").error() == errc::reply_too_long);
  // The reader starts over after an error.
  auto next = small.feed("200 ok");
  REQUIRE(next);
  REQUIRE(next->has_value());
  CHECK((*next)->code == 200);
}

TEST_CASE("EPSV, PASV and SIZE replies", "[unit]") {
  auto epsv = parse_epsv(reply{229, "Entering Extended Passive Mode (|||6446|)"});
  REQUIRE(epsv);
  CHECK(*epsv == 6446);
  auto other_delimiter = parse_epsv(reply{229, "ok (!!!21000!)"});
  REQUIRE(other_delimiter);
  CHECK(*other_delimiter == 21000);
  CHECK(parse_epsv(reply{229, "Entering (|||abc|)"}).error() == errc::malformed_reply);
  CHECK(parse_epsv(reply{229, "Entering (||6446|)"}).error() == errc::malformed_reply);
  CHECK(parse_epsv(reply{229, "no parentheses"}).error() == errc::malformed_reply);
  CHECK(parse_epsv(reply{229, "(|||70000|)"}).error() == errc::malformed_reply);

  auto pasv = parse_pasv(reply{227, "Entering Passive Mode (192,168,1,2,19,137)."});
  REQUIRE(pasv);
  CHECK(pasv->address.to_string() == "192.168.1.2");
  CHECK(pasv->port == 19 * 256 + 137);
  auto bare = parse_pasv(reply{227, "=127,0,0,1,4,1"});
  REQUIRE(bare);
  CHECK(bare->port == 1025);
  CHECK(parse_pasv(reply{227, "(1,2,3,4,5)"}).error() == errc::malformed_reply);
  CHECK(parse_pasv(reply{227, "(1,2,3,256,5,6)"}).error() == errc::malformed_reply);

  auto size = parse_size(reply{213, "123456789012"});
  REQUIRE(size);
  CHECK(*size == 123456789012ULL);
  CHECK(parse_size(reply{213, "12a"}).error() == errc::malformed_reply);
  CHECK(parse_size(reply{550, "12"}).error() == errc::malformed_reply);
}
