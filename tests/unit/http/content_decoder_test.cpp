#include <corofetch/http/content_decoder.hpp>

#include "feed.hpp"

#include <catch2/catch.hpp>

#include <zlib.h>

#include <string>

namespace http = corofetch::http;
using cf_test::err;
using http::errc;

namespace {

// Compresses with zlib: window_bits 15+16 gzip, 15 zlib-wrapped deflate, -15 raw deflate.
std::string compress(std::string_view data, int window_bits) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY) ==
          Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string gzip(std::string_view d) {
  return compress(d, 15 + 16);
}
std::string zlib_deflate(std::string_view d) {
  return compress(d, 15);
}
std::string raw_deflate(std::string_view d) {
  return compress(d, -15);
}

// Decodes `body` cut at `cut` (and at every byte when cut == 0 is asked with bytewise).
corofetch::result<std::string> decode_split(std::string_view coding, std::string_view body,
                                            std::size_t cut, bool bytewise = false) {
  auto d = http::content_decoder::create(coding);
  if (!d) return d.error();
  std::string out;
  if (bytewise) {
    for (char c : body) {
      if (auto ec = d->decode(std::string_view(&c, 1), out)) return ec;
    }
  } else {
    if (auto ec = d->decode(body.substr(0, cut), out)) return ec;
    if (auto ec = d->decode(body.substr(cut), out)) return ec;
  }
  if (auto ec = d->finish()) return ec;
  return out;
}

const std::string text = [] {
  std::string t;
  for (int i = 0; i < 200; ++i) t += "line " + std::to_string(i) + " of some compressible text\n";
  return t;
}();

}  // namespace

TEST_CASE("gzip and both forms of deflate decode at any split", "[unit]") {
  struct form {
    const char* coding;
    std::string body;
  };
  const std::vector<form> forms{{"gzip", gzip(text)},
                                {"x-gzip", gzip(text)},
                                {"GZIP", gzip(text)},
                                {"deflate", zlib_deflate(text)},
                                {"deflate", raw_deflate(text)}};
  for (const form& f : forms) {
    INFO(f.coding << " " << f.body.size());
    CHECK(http::decode_content(f.coding, f.body).value() == text);
    for (std::size_t k = 0; k <= f.body.size(); ++k) {
      auto r = decode_split(f.coding, f.body, k);
      REQUIRE(r);
      CHECK(*r == text);
    }
    CHECK(decode_split(f.coding, f.body, 0, true).value() == text);
  }
}

TEST_CASE("several codings are undone in reverse order", "[unit]") {
  const std::string twice = gzip(zlib_deflate(text));  // deflate applied first, then gzip
  CHECK(http::decode_content("deflate, gzip", twice).value() == text);
  CHECK(decode_split("deflate,gzip", twice, 0, true).value() == text);
  CHECK(http::decode_content("identity, gzip", gzip(text)).value() == text);
  CHECK(http::decode_content("", "plain").value() == "plain");
  CHECK(http::content_decoder::create("identity").value().is_identity());
  CHECK(http::decode_content("gzip, deflate", twice).error() == err(errc::corrupt_coding));
}

TEST_CASE("concatenated gzip members, and bytes after the end", "[unit]") {
  CHECK(http::decode_content("gzip", gzip("first ") + gzip("second")).value() == "first second");
  CHECK(http::decode_content("gzip", gzip("data") + "junk").value() == "data");
}

TEST_CASE("gzip members split exactly where one ends are all decoded", "[unit]") {
  // The input of one decode() call ends with a member: the next call starts the next member.
  auto d = http::content_decoder::create("gzip");
  REQUIRE(d);
  std::string out;
  CHECK_FALSE(d->decode(gzip("first "), out));
  CHECK_FALSE(d->decode(gzip("second "), out));
  CHECK_FALSE(d->decode(gzip("third"), out));
  CHECK_FALSE(d->decode("junk after the last member", out));
  CHECK_FALSE(d->finish());
  CHECK(out == "first second third");
  // Ended between members, the body is complete; inside one, it is truncated.
  auto cut = http::content_decoder::create("gzip");
  REQUIRE(cut);
  const std::string second = gzip("second");
  CHECK_FALSE(cut->decode(gzip("first"), out));
  CHECK_FALSE(cut->decode(second.substr(0, 5), out));
  CHECK(cut->finish() == err(errc::truncated_coding));
}

TEST_CASE("unsupported and too many codings", "[unit]") {
  CHECK(http::content_decoder::create("br").error() == err(errc::unsupported_coding));
  CHECK(http::content_decoder::create("gzip, zstd").error() == err(errc::unsupported_coding));
  CHECK(http::content_decoder::create("gzip, gzip, gzip").has_value());
  CHECK(http::content_decoder::create("gzip, gzip, gzip, gzip").error() ==
        err(errc::too_many_codings));
  http::decoder_options one;
  one.max_codings = 1;
  CHECK(http::content_decoder::create("gzip, deflate", one).error() == err(errc::too_many_codings));
}

TEST_CASE("a decompression bomb is an error", "[unit]") {
  const std::string zeros(8 * 1024 * 1024, '\0');
  const std::string bomb = gzip(zeros);
  CHECK(bomb.size() < 64 * 1024);
  http::decoder_options cap;
  cap.max_decoded_bytes = 1024 * 1024;
  auto d = http::content_decoder::create("gzip", cap);
  REQUIRE(d);
  std::string out;
  CHECK(d->decode(bomb, out) == err(errc::decoded_too_large));
  CHECK(out.size() <= cap.max_decoded_bytes);
  CHECK(d->decode("more", out) == err(errc::decoded_too_large));  // sticky

  // A bomb inside another coding is caught at the inner stage too.
  CHECK(http::decode_content("gzip, gzip", gzip(bomb), cap).error() ==
        err(errc::decoded_too_large));
  CHECK(http::decode_content("gzip", bomb).value().size() == zeros.size());
}

TEST_CASE("corrupt and truncated compressed bodies", "[unit]") {
  CHECK(http::decode_content("gzip", "definitely not gzip").error() == err(errc::corrupt_coding));
  const std::string g = gzip(text);
  CHECK(http::decode_content("gzip", std::string_view(g).substr(0, g.size() / 2)).error() ==
        err(errc::truncated_coding));
  std::string flipped = g;
  flipped[flipped.size() - 5] = static_cast<char>(flipped[flipped.size() - 5] ^ 0x55);
  CHECK(http::decode_content("gzip", flipped).error() == err(errc::corrupt_coding));
  CHECK(http::decode_content("gzip", "").value().empty());  // an empty body (HEAD, 204...)
}
