// Canonical URLs for a crawler's seen-set: href_without_fragment (the URL Standard's
// serialization without the fragment) for spellings of one URL, and url::fingerprint's
// stability and spread.
#include <corofetch/url/url.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>

using corofetch::url::fingerprint;
using corofetch::url::parse;

namespace {

std::string canonical(std::string_view input) {
  const auto u = parse(input);
  INFO("input: " << input << " error: " << u.error().message());
  REQUIRE(u.has_value());
  return std::string(u->href_without_fragment());
}

std::string canonical(std::string_view input, std::string_view base) {
  const auto b = parse(base);
  REQUIRE(b.has_value());
  const auto u = parse(input, *b);
  INFO("input: " << input << " error: " << u.error().message());
  REQUIRE(u.has_value());
  return std::string(u->href_without_fragment());
}

}  // namespace

TEST_CASE("canonical: spellings of one URL have one canonical form", "[unit]") {
  const std::string expected = "http://example.com/a/c?q=1";
  for (const char* spelling :
       {"http://example.com/a/c?q=1", "HTTP://EXAMPLE.COM/a/c?q=1", "http://example.com:80/a/c?q=1",
        "http://example.com/a/b/../c?q=1", "http://example.com/a/./c?q=1#frag",
        "http://example.com/a/c?q=1#", "  http://example.com/a/c?q=1\n",
        "http://exa\tmple.com/a/c?q=1", "http:\\\\example.com\\a\\c?q=1"}) {
    INFO(spelling);
    CHECK(canonical(spelling) == expected);
  }
  // A trailing dot names the same host for DNS, but the URL Standard keeps it.
  CHECK(canonical("http://example.com./a/c?q=1") == "http://example.com./a/c?q=1");
}

TEST_CASE("canonical: relative references resolve to the same form", "[unit]") {
  const std::string_view page = "https://example.com/dir/page.html?x#top";
  CHECK(canonical("other.html", page) == "https://example.com/dir/other.html");
  CHECK(canonical("./other.html#s", page) == "https://example.com/dir/other.html");
  CHECK(canonical("../dir/other.html", page) == "https://example.com/dir/other.html");
  CHECK(canonical("//EXAMPLE.com:443/dir/other.html", page) ==
        "https://example.com/dir/other.html");
  // A fragment-only link names the page itself.
  CHECK(canonical("#section", page) == "https://example.com/dir/page.html?x");
  CHECK(canonical("", page) == "https://example.com/dir/page.html?x");
}

TEST_CASE("canonical: hosts, ports and paths as the URL parser normalises them", "[unit]") {
  CHECK(canonical("http://example.com") == "http://example.com/");
  CHECK(canonical("https://example.com:8443/") == "https://example.com:8443/");
  CHECK(canonical("https://example.com:443/") == "https://example.com/");
  CHECK(canonical("http://0x7f.1/") == "http://127.0.0.1/");
  CHECK(canonical("http://[0:0::1]/") == "http://[::1]/");
  CHECK(canonical("https://Bücher.example/") == "https://xn--bcher-kva.example/");
  CHECK(canonical("http://example.com/a b/\"q\"") == "http://example.com/a%20b/%22q%22");
  CHECK(canonical("http://user:pw@example.com/") == "http://user:pw@example.com/");
}

TEST_CASE("canonical: what the URL Standard does not normalise stays distinct", "[unit]") {
  // Percent-escapes are not decoded nor their case changed, the query is not sorted, an empty
  // query is not dropped, and a trailing slash is significant: servers may tell them apart.
  CHECK(canonical("http://example.com/%7Euser") != canonical("http://example.com/~user"));
  CHECK(canonical("http://example.com/%7euser") != canonical("http://example.com/%7Euser"));
  CHECK(canonical("http://example.com/?b=2&a=1") != canonical("http://example.com/?a=1&b=2"));
  CHECK(canonical("http://example.com/?") == "http://example.com/?");
  CHECK(canonical("http://example.com/dir") != canonical("http://example.com/dir/"));
  // Path case is significant; only scheme and host are case-insensitive.
  CHECK(canonical("http://example.com/Page") == "http://example.com/Page");
}

TEST_CASE("fingerprint: fixed values, the same on every machine and in every build", "[unit]") {
  // A crawl frontier stores fingerprints: these values must never change.
  CHECK(fingerprint("") == 0xF90109D2335F6B4FULL);
  CHECK(fingerprint("a") == 0xA686695E452EC16EULL);
  CHECK(fingerprint("http://example.com/") == 0x60222482E8E9401DULL);
  CHECK(fingerprint("https://www.dailypacket.example/media/gallery/05.jpg?w=300&h=200") ==
        0x77399F4D7195A0CCULL);
}

TEST_CASE("fingerprint: of a url is that of its canonical form, fragment ignored", "[unit]") {
  const auto a = parse("HTTP://Example.com:80/x/../y?q#one");
  const auto b = parse("http://example.com/y?q#two");
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(fingerprint(*a) == fingerprint(*b));
  CHECK(fingerprint(*a) == fingerprint("http://example.com/y?q"));
  CHECK(fingerprint(*a) != fingerprint(*parse("http://example.com/y?r")));
}

TEST_CASE("fingerprint: lengths and trailing zero bytes are told apart", "[unit]") {
  const std::string zero(1, '\0');
  CHECK(fingerprint("a") != fingerprint("a" + zero));
  CHECK(fingerprint("") != fingerprint(zero));
  CHECK(fingerprint("abcdefgh") != fingerprint("abcdefgh" + zero));
  CHECK(fingerprint(std::string(8, '\0')) != fingerprint(std::string(16, '\0')));
}

TEST_CASE("fingerprint: no collisions over 300,000 similar URLs, every bit balanced", "[unit]") {
  std::unordered_set<std::uint64_t> seen;
  std::array<int, 64> ones{};
  constexpr int count = 300'000;
  for (int i = 0; i < count; ++i) {
    const std::string u = "https://www.example.com/articles/" + std::to_string(i % 1000) +
                          "?page=" + std::to_string(i / 1000);
    const std::uint64_t h = fingerprint(u);
    seen.insert(h);
    for (std::size_t bit = 0; bit < 64; ++bit) ones[bit] += static_cast<int>((h >> bit) & 1);
  }
  CHECK(seen.size() == count);
  // Each bit is set in half the fingerprints: 150,000 +- 1,500 is over 5 standard deviations.
  for (std::size_t bit = 0; bit < 64; ++bit) {
    INFO("bit " << bit);
    CHECK(ones[bit] > count / 2 - 1'500);
    CHECK(ones[bit] < count / 2 + 1'500);
  }
}

TEST_CASE("fingerprint: flipping one input bit flips half the output bits", "[unit]") {
  std::mt19937_64 random(20240601);  // fixed seed: the test is deterministic
  std::array<int, 64> flips{};
  long flipped = 0;
  int trials = 0;
  for (int t = 0; t < 300; ++t) {
    std::string s(1 + random() % 80, '\0');
    for (char& c : s) c = static_cast<char>(random());
    const std::uint64_t before = fingerprint(s);
    for (std::size_t bit = 0; bit < s.size() * 8; ++bit) {
      std::string changed = s;
      changed[bit / 8] = static_cast<char>(changed[bit / 8] ^ (1 << (bit % 8)));
      const std::uint64_t diff = before ^ fingerprint(changed);
      flipped += std::popcount(diff);
      for (std::size_t b = 0; b < 64; ++b) flips[b] += static_cast<int>((diff >> b) & 1);
      ++trials;
    }
  }
  const double mean = static_cast<double>(flipped) / trials;
  CHECK(mean > 31.5);
  CHECK(mean < 32.5);
  for (std::size_t b = 0; b < 64; ++b) {
    INFO("bit " << b);
    const double rate = static_cast<double>(flips[b]) / trials;
    CHECK(rate > 0.47);
    CHECK(rate < 0.53);
  }
}
