// URL Standard conformance: the web-platform-tests data (tests/data/urltestdata.json and
// toascii.json, see tests/data/NOTICE.md), every case checked field by field.
#include <corofetch/url/url.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

using corofetch::url::parse;
using nlohmann::json;

json load(const std::string& name) {
  std::ifstream in(std::string(CF_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// toascii.json inputs whose expected result needs an IDNA (UTS 46) behaviour that Debian 12's
// libidn2 2.3.3 cannot give (see lib/url/idna.cpp for what is done around it). Its UTS 46
// mapping table predates the Unicode 15.1 revision of UTS 46, which changed these code points;
// no other UTS 46 table is on a Debian 12 system.
const std::set<std::string>& idna_skips() {
  static const std::set<std::string> skips = {
      // U+180E MONGOLIAN VOWEL SEPARATOR: ignored in current UTS 46, disallowed in libidn2's.
      "look\xE1\xA0\x8Eout.net",
      // U+206B ACTIVATE SYMMETRIC SWAPPING: ignored in current UTS 46, disallowed in libidn2's.
      "look\xE2\x81\xABout.net",
      // U+04C0 CYRILLIC LETTER PALOCHKA: mapped to U+04CF now, disallowed in libidn2's table.
      "\xD3\x80.com",
      // U+2F868 CJK COMPATIBILITY IDEOGRAPH: mapped to U+36FC now, disallowed in libidn2's table.
      "\xF0\xAF\xA1\xA8.com",
      // U+2183 ROMAN NUMERAL REVERSED ONE HUNDRED: mapped to U+2184 now, disallowed in libidn2's.
      "\xE2\x86\x83.com",
      // U+1E9E LATIN CAPITAL LETTER SHARP S: mapped to U+00DF now, to "ss" in libidn2's table.
      "\xE1\xBA\x9E.com",
      "\xE1\xBA\x9E.foo.com",
      // U+05BE HEBREW PUNCTUATION MAQAF makes "look\u05BEout" fail CheckBidi (RFC 5893 rule 1
      // for a label with a right-to-left character). libidn2 runs its Bidi test only on labels
      // that pass IDNA2008's code point test, which U+05BE (UTS 46 valid) does not; no other
      // Bidi class data is at hand, so this domain is accepted as "xn--lookout-zge.net".
      "look\xD6\xBEout.net",
  };
  return skips;
}

std::string port_string(const corofetch::url::url& u) {
  return u.port() ? std::to_string(*u.port()) : std::string();
}

}  // namespace

TEST_CASE("urltestdata.json: every case parses as the URL Standard says", "[unit]") {
  const json data = load("urltestdata.json");
  std::size_t checked = 0;
  std::size_t skipped = 0;
  for (const json& t : data) {
    if (!t.is_object()) continue;
    const std::string input = t.at("input").get<std::string>();
    if (idna_skips().count(input) != 0) {
      ++skipped;
      continue;
    }
    const bool expect_failure = t.value("failure", false);
    const std::string base_text = t.at("base").is_null() ? "" : t.at("base").get<std::string>();
    INFO("input: <" << input << "> base: <" << base_text << ">");
    corofetch::result<corofetch::url::url> parsed =
        std::error_code(corofetch::url::errc::invalid_scheme);
    if (t.at("base").is_null()) {
      parsed = parse(input);
    } else {
      const auto base = parse(base_text);
      if (!base) {
        CHECK(expect_failure);
        ++checked;
        continue;
      }
      parsed = parse(input, *base);
    }
    ++checked;
    if (expect_failure) {
      CHECK_FALSE(parsed.has_value());
      if (parsed) INFO("unexpectedly parsed as " << parsed->href());
      continue;
    }
    CHECK(parsed.has_value());
    if (!parsed) {
      INFO("error: " << parsed.error().message());
      continue;
    }
    const auto& u = *parsed;
    CHECK(std::string(u.href()) == t.at("href").get<std::string>());
    CHECK(std::string(u.scheme()) + ":" == t.at("protocol").get<std::string>());
    CHECK(std::string(u.username()) == t.at("username").get<std::string>());
    CHECK(std::string(u.password()) == t.at("password").get<std::string>());
    CHECK(std::string(u.host()) == t.at("host").get<std::string>());
    CHECK(std::string(u.hostname()) == t.at("hostname").get<std::string>());
    CHECK(port_string(u) == t.at("port").get<std::string>());
    CHECK(std::string(u.pathname()) == t.at("pathname").get<std::string>());
    CHECK(std::string(u.search()) == t.at("search").get<std::string>());
    CHECK(std::string(u.hash()) == t.at("hash").get<std::string>());
    if (t.contains("origin")) CHECK(u.origin() == t.at("origin").get<std::string>());
    // The serialization parses back to itself (URL Standard: parsing is idempotent).
    const auto again = parse(u.href());
    REQUIRE(again.has_value());
    CHECK(again->href() == u.href());
  }
  CHECK(checked > 800);
  CHECK(skipped == 0);
}

TEST_CASE("toascii.json: domain to ASCII through the host parser", "[unit]") {
  const json data = load("toascii.json");
  std::size_t checked = 0;
  std::size_t skipped = 0;
  for (const json& t : data) {
    if (!t.is_object()) continue;
    const std::string input = t.at("input").get<std::string>();
    INFO("input: <" << input << ">");
    // As the WPT harness does: the host of "https://" + input + "/x".
    const auto u = parse("https://" + input + "/x");
    if (idna_skips().count(input) != 0) {
      // A known divergence stays listed only while it still diverges.
      const std::string expected =
          t.at("output").is_null() ? "<failure>" : t.at("output").get<std::string>();
      CHECK((u ? std::string(u->hostname()) : std::string("<failure>")) != expected);
      ++skipped;
      continue;
    }
    ++checked;
    if (t.at("output").is_null()) {
      CHECK_FALSE(u.has_value());
      if (u) INFO("unexpectedly parsed as " << u->href());
      continue;
    }
    CHECK(u.has_value());
    if (!u) continue;
    CHECK(std::string(u->hostname()) == t.at("output").get<std::string>());
    CHECK(std::string(u->pathname()) == "/x");
  }
  CHECK(checked > 75);
  CHECK(skipped == idna_skips().size());
}
