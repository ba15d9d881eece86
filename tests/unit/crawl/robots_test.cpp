// robots.txt as a crawler sees it (RFC 9309): every example of the RFC, groups and agents, the
// most specific match, '*' and '$', one form for percent-encoding, the parsing limit, hostile
// input, Crawl-delay and Sitemap, and the fetch policy per origin with a fake clock.
#include <corofetch/crawl/robots.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using corofetch::crawl::product_token;
using corofetch::crawl::robots;
using corofetch::crawl::robots_cache;
using corofetch::crawl::robots_cache_options;
using corofetch::crawl::robots_options;
using corofetch::crawl::robots_rule;
using corofetch::crawl::robots_rules;
using corofetch::crawl::robots_status;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using namespace std::string_view_literals;

namespace {

constexpr std::size_t kib = 1024;

bool allowed(std::string_view text, std::string_view agent, std::string_view target) {
  return robots::parse(text).rules_for(agent).allowed(target);
}

// Whether one rule's pattern matches one target, as a lone Disallow line would decide.
bool pattern_matches(std::string_view pattern, std::string_view target) {
  return robots_rule(false, pattern).matches(target);
}

// A rule line after enough comment lines that it starts at `offset` in the file.
std::string padded_to(std::string text, std::size_t offset) {
  const std::string filler = "# " + std::string(98, 'x') + "\n";  // 101 bytes
  while (text.size() + filler.size() + 2 <= offset) text += filler;
  text += "#" + std::string(offset - text.size() - 2, 'y') + "\n";
  return text;
}

}  // namespace

TEST_CASE("product_token: the leading letters, '_' and '-' of a User-Agent", "[unit]") {
  CHECK(product_token("corofetch/0.1 (+https://example.com/bot)") == "corofetch");
  CHECK(product_token("Foo_Bar-baz") == "Foo_Bar-baz");
  CHECK(product_token("Mozilla/5.0 (compatible; x)") == "Mozilla");
  CHECK(product_token("bot2") == "bot");
  CHECK(product_token("").empty());
  CHECK(product_token("/0.1").empty());
  CHECK(product_token(" corofetch").empty());
}

TEST_CASE("RFC 9309 5.1: the simple example, agent by agent", "[unit]") {
  const auto text =
      "User-Agent: *\n"
      "Disallow: *.gif$\n"
      "Disallow: /example/\n"
      "Allow: /publications/\n"
      "\n"
      "User-Agent: foobot\n"
      "Disallow:/\n"
      "Allow:/example/page.html\n"
      "Allow:/example/allowed.gif\n"
      "\n"
      "User-Agent: barbot\n"
      "User-Agent: bazbot\n"
      "Disallow: /example/page.html\n"
      "\n"
      "User-Agent: quxbot\n"
      "\n"
      "EOF\n"sv;
  const robots file = robots::parse(text);
  REQUIRE(file.groups().size() == 4);
  CHECK_FALSE(file.truncated());

  SECTION("an agent with no group of its own obeys '*'") {
    const robots_rules any = file.rules_for("otherbot");
    CHECK(any.allowed("/publications/report.html"));
    CHECK(any.allowed("/other/page.html"));
    CHECK_FALSE(any.allowed("/example/page.html"));
    CHECK_FALSE(any.allowed("/images/a.gif"));   // '*' matches the '/' too
    CHECK(any.allowed("/images/a.gif?size=2"));  // '$': the path must end there
    CHECK(any.allowed("/publications/a.gif"));   // /publications/ is longer than *.gif$
  }
  SECTION("foobot: everything disallowed but two paths, colons without a space") {
    const robots_rules foo = file.rules_for("foobot");
    CHECK_FALSE(foo.allowed("/"));
    CHECK_FALSE(foo.allowed("/publications/report.html"));
    CHECK(foo.allowed("/example/page.html"));
    CHECK(foo.allowed("/example/allowed.gif"));
    CHECK_FALSE(foo.allowed("/example/other.gif"));
    CHECK(file.rules_for("FooBot").allowed("/example/page.html"));
  }
  SECTION("barbot and bazbot share one group") {
    for (const auto agent : {"barbot"sv, "bazbot"sv}) {
      const robots_rules r = file.rules_for(agent);
      CHECK_FALSE(r.allowed("/example/page.html"));
      CHECK_FALSE(r.allowed("/example/page.html?x=1"));
      CHECK(r.allowed("/example/"));
      CHECK(r.allowed("/images/a.gif"));  // not in the '*' group
    }
  }
  SECTION("quxbot: an empty last group allows everything") {
    const robots_rules qux = file.rules_for("quxbot");
    CHECK(qux.empty());
    CHECK(qux.allowed("/example/page.html"));
    CHECK(qux.allowed("/images/a.gif"));
  }
}

TEST_CASE("RFC 9309 5.2: the longest match is used", "[unit]") {
  const robots_rules foo = robots::parse(
                               "User-Agent: foobot\n"
                               "Allow: /example/page/\n"
                               "Disallow: /example/page/disallowed.gif\n")
                               .rules_for("foobot");
  const robots_rule* rule = foo.match("/example/page/disallowed.gif");
  REQUIRE(rule != nullptr);
  CHECK_FALSE(rule->allow());
  CHECK(rule->pattern() == "/example/page/disallowed.gif");
  CHECK(rule->line() == 3);
  CHECK_FALSE(foo.allowed("/example/page/disallowed.gif"));

  rule = foo.match("/example/page/allowed.gif");
  REQUIRE(rule != nullptr);
  CHECK(rule->allow());
  CHECK(rule->pattern() == "/example/page/");
  CHECK(rule->line() == 2);
  CHECK(foo.match("/elsewhere") == nullptr);
  CHECK(foo.allowed("/elsewhere"));
}

TEST_CASE("RFC 9309 2.2.2 Figure 4: percent-encoded URI components, both ways", "[unit]") {
  // Row 1: nothing to encode.
  CHECK(pattern_matches("/foo/bar?baz=quz", "/foo/bar?baz=quz"));
  // Row 2: reserved octets inside a query value equal their encoding.
  CHECK(pattern_matches("/foo/bar?baz=https://foo.bar", "/foo/bar?baz=https%3A%2F%2Ffoo.bar"));
  CHECK(pattern_matches("/foo/bar?baz=https%3A%2F%2Ffoo.bar", "/foo/bar?baz=https://foo.bar"));
  CHECK(pattern_matches("/foo/bar?baz=https%3a%2f%2ffoo.bar", "/foo/bar?baz=https://foo.bar"));
  CHECK_FALSE(pattern_matches("/foo/bar?baz=https%3A%2F%2Ffoo.bar", "/foo/bar?baz=http://foo.bar"));
  // Rows 3 and 4: UTF-8 octets are compared encoded, in either hex case.
  CHECK(pattern_matches("/foo/bar/ツ", "/foo/bar/%E3%83%84"));
  CHECK(pattern_matches("/foo/bar/ツ", "/foo/bar/%e3%83%84"));
  CHECK(pattern_matches("/foo/bar/%E3%83%84", "/foo/bar/ツ"));
  CHECK(pattern_matches("/foo/bar/%E3%83%84", "/foo/bar/%E3%83%84"));
  CHECK(pattern_matches("/foo/bar/%e3%83%84", "/foo/bar/%E3%83%84"));
  CHECK_FALSE(pattern_matches("/foo/bar/%E3%83%85", "/foo/bar/ツ"));
  // Row 5: encoded unreserved octets are compared decoded.
  CHECK(pattern_matches("/foo/bar/%62%61%7A", "/foo/bar/baz"));
  CHECK(pattern_matches("/foo/bar/baz", "/foo/bar/%62%61%7A"));
  CHECK(pattern_matches("/foo/bar/%62%61%7a", "/foo/bar/%62%61%7A"));

  const auto text = "User-agent: *\nDisallow: /foo/bar?baz=https%3A%2F%2Ffoo.bar\n"sv;
  CHECK_FALSE(allowed(text, "corofetch", "/foo/bar?baz=https://foo.bar"));
  CHECK(allowed(text, "corofetch", "/foo/bar?baz=other"));
}

TEST_CASE("RFC 9309 2.2.3 Figures 5 and 6: '#', '$', '*' and their encodings", "[unit]") {
  // Figure 5.
  const robots file = robots::parse(
      "User-agent: *\n"
      "# comment on its own line\n"
      "allow: / # comment in line\n"
      "disallow: /this/\n"
      "allow: /this/path/exactly$\n"
      "allow: /this/*/exactly\n");
  const robots_rules r = file.rules_for("corofetch");
  REQUIRE(r.rules().size() == 4);
  CHECK(r.allowed("/this/path/exactly"));
  CHECK(r.allowed("/this/path/exactly/not"));  // by "/this/*/exactly", which has no '$'
  CHECK_FALSE(r.allowed("/this/path/exact"));
  CHECK(r.allowed("/this/a/b/exactly"));
  CHECK_FALSE(r.allowed("/this/other"));
  CHECK(r.allowed("/that"));

  // Figure 6: "%2A" and "%24" are the literal octets, not '*' and '$'.
  CHECK(pattern_matches("/path/file-with-a-%2A.html", "/path/file-with-a-*.html"));
  CHECK(pattern_matches("/path/file-with-a-%2A.html", "/path/file-with-a-%2A.html"));
  CHECK_FALSE(pattern_matches("/path/file-with-a-%2A.html", "/path/file-with-a-x.html"));
  CHECK(pattern_matches("/path/foo-%24", "/path/foo-$"));
  CHECK(pattern_matches("/path/foo-%24", "/path/foo-$/more"));  // not an anchor
  CHECK_FALSE(pattern_matches("/path/foo-%24", "/path/foo-"));
}

TEST_CASE("groups: merged per agent, ended by a user-agent after rules", "[unit]") {
  const auto text =
      "allow: /outside/\n"
      "\n"
      "user-agent: alpha\n"
      "disallow: /\n"
      "allow: /x/\n"
      "user-agent: beta\n"
      "disallow: /\n"
      "allow: /y/\n"
      "\n"
      "\n"
      "allow: /w/\n"
      "user-agent: gamma\n"
      "\n"
      "user-agent: alpha\n"
      "allow: /z/\n"sv;
  const robots file = robots::parse(text);
  CHECK(file.groups().size() == 3);

  const robots_rules alpha = file.rules_for("alpha");
  CHECK(alpha.rules().size() == 3);  // two groups merged
  CHECK(alpha.allowed("/x/a"));
  CHECK(alpha.allowed("/z/a"));
  CHECK_FALSE(alpha.allowed("/y/a"));
  CHECK_FALSE(alpha.allowed("/outside/a"));  // a rule before any user-agent line is ignored

  const robots_rules beta = file.rules_for("beta");
  CHECK(beta.allowed("/y/a"));
  CHECK(beta.allowed("/w/a"));  // blank lines do not end a group
  CHECK_FALSE(beta.allowed("/z/a"));

  // gamma's group is also alpha's second one: a blank line does not end a list of agents.
  const robots_rules gamma = file.rules_for("gamma");
  CHECK(gamma.rules().size() == 1);
  CHECK(gamma.allowed("/anything"));
}

TEST_CASE("agents: case, product token only, '*' fallback, several per group", "[unit]") {
  const auto text =
      "User-agent: *\n"
      "Disallow: /star/\n"
      "\n"
      "User-agent: COROFETCH/2.0 (compatible)\n"
      "User-agent: otherbot\n"
      "Disallow: /mine/\n"
      "\n"
      "User-agent: corofetch-images\n"
      "Disallow: /images/\n"sv;
  const robots file = robots::parse(text);
  const robots_rules mine = file.rules_for("corofetch");
  CHECK_FALSE(mine.allowed("/mine/a"));
  CHECK(mine.allowed("/star/a"));  // a specific group replaces '*', it is not merged with it
  CHECK(mine.allowed("/images/a"));
  CHECK_FALSE(file.rules_for("CoroFetch").allowed("/mine/a"));
  CHECK_FALSE(file.rules_for("corofetch/0.1 (+https://example.com/bot)").allowed("/mine/a"));
  CHECK_FALSE(file.rules_for("otherbot").allowed("/mine/a"));
  CHECK_FALSE(file.rules_for("corofetch-images").allowed("/images/a"));
  CHECK(file.rules_for("corofetch-images").allowed("/mine/a"));

  const robots_rules stranger = file.rules_for("stranger");
  CHECK_FALSE(stranger.allowed("/star/a"));
  CHECK(stranger.allowed("/mine/a"));
  CHECK_FALSE(file.rules_for("").allowed("/star/a"));  // no token: '*' only

  // No '*' group and no group for the agent: no rules apply (RFC 9309 2.2.1).
  CHECK(allowed("User-agent: otherbot\nDisallow: /\n", "corofetch", "/a"));
  CHECK(allowed("", "corofetch", "/a"));
  // Several '*' groups are merged too.
  const auto stars = "User-agent: *\nDisallow: /a\n\nUser-agent: *\nDisallow: /b\n"sv;
  CHECK_FALSE(allowed(stars, "corofetch", "/a"));
  CHECK_FALSE(allowed(stars, "corofetch", "/b"));
  // "Foo Bar" names the token "Foo".
  CHECK_FALSE(allowed("User-agent: corofetch bot\nDisallow: /\n", "corofetch", "/a"));
}

TEST_CASE("the most specific rule wins and Allow wins a tie", "[unit]") {
  SECTION("longer wins whatever the order") {
    for (const auto text : {"User-agent: *\nDisallow: /x/page.html\nAllow: /x/\n"sv,
                            "User-agent: *\nAllow: /x/\nDisallow: /x/page.html\n"sv}) {
      CHECK_FALSE(allowed(text, "bot", "/x/page.html"));
      CHECK(allowed(text, "bot", "/x/other.html"));
    }
    const auto text = "User-agent: *\nAllow: /x/page.html\nDisallow: /x/\n"sv;
    CHECK(allowed(text, "bot", "/x/page.html"));
    CHECK_FALSE(allowed(text, "bot", "/x/"));
  }
  SECTION("ties go to Allow") {
    CHECK(allowed("User-agent: *\nDisallow: /folder\nAllow: /folder\n", "bot", "/folder/page"));
    CHECK(allowed("User-agent: *\nAllow: /\nDisallow: /\n", "bot", "/x"));
    // The same pattern spelt two ways is still a tie.
    CHECK(allowed("User-agent: *\nDisallow: /a%7E\nAllow: /a~\n", "bot", "/a~b"));
    CHECK(allowed("User-agent: *\nAllow: /%E3%83%84\nDisallow: /ツ\n", "bot", "/ツ"));
  }
  SECTION("wildcards count as one octet each") {
    const auto text = "User-agent: *\nAllow: /page\nDisallow: /*.html\n"sv;
    CHECK_FALSE(allowed(text, "bot", "/page.html"));  // 7 octets against 5
    CHECK(allowed(text, "bot", "/page"));
    const auto longer = "User-agent: *\nAllow: /x/page.\nDisallow: /*.html\n"sv;
    CHECK(allowed(longer, "bot", "/x/page.html"));
    CHECK_FALSE(allowed(longer, "bot", "/x/y.html"));
    const auto home = "User-agent: *\nAllow: /$\nDisallow: /\n"sv;
    CHECK(allowed(home, "bot", "/"));
    CHECK_FALSE(allowed(home, "bot", "/page.html"));
  }
  CHECK(robots_rule(true, "/fish").specificity() == 5);
  CHECK(robots_rule(true, "/*.php$").specificity() == 7);
  CHECK(robots_rule(true, "/%7E").specificity() == 2);
}

TEST_CASE("'*' and '$' as Google's documentation shows them", "[unit]") {
  CHECK(pattern_matches("/fish", "/fish"));
  CHECK(pattern_matches("/fish", "/fish.html?id=anything"));
  CHECK(pattern_matches("/fish", "/fishheads/yummy.html"));
  CHECK_FALSE(pattern_matches("/fish", "/Fish.asp"));  // case-sensitive
  CHECK_FALSE(pattern_matches("/fish", "/catfish"));
  CHECK_FALSE(pattern_matches("/fish", "/?id=fish"));
  CHECK(pattern_matches("/fish*", "/fish"));
  CHECK(pattern_matches("/fish*", "/fishheads"));
  CHECK(pattern_matches("/*.php", "/folder/filename.php?parameters"));
  CHECK(pattern_matches("/*.php", "//folder/any.php.file.html"));
  CHECK(pattern_matches("/*.php", "/index?f=filename.php/"));
  CHECK_FALSE(pattern_matches("/*.php", "/windows.PHP"));
  CHECK(pattern_matches("/*.php$", "/folder/filename.php"));
  CHECK_FALSE(pattern_matches("/*.php$", "/filename.php?parameters"));
  CHECK_FALSE(pattern_matches("/*.php$", "/filename.php5"));
  CHECK_FALSE(pattern_matches("/*.php$", "/filename.php/"));
  CHECK(pattern_matches("/fish*.php", "/fishheads/catfish.php?parameters"));
  CHECK(pattern_matches("/*", "/"));
  CHECK(pattern_matches("*", "/anything"));
  CHECK(pattern_matches("/a**b", "/a/x/b"));
  CHECK(pattern_matches("/a*b*c$", "/abc"));
  CHECK(pattern_matches("/a*b*c$", "/a-b-b-c"));
  CHECK_FALSE(pattern_matches("/a*b*c$", "/a-c-b"));
  CHECK(pattern_matches("/*ab*ab$", "/abab"));
  CHECK_FALSE(pattern_matches("/*ab*ab$", "/ab"));  // segments may not overlap
  CHECK(pattern_matches("/a$b", "/a$b/c"));         // a '$' not at the end is literal
  CHECK(pattern_matches("/a$b", "/a%24b"));
  CHECK(pattern_matches("/exact$", "/exact"));
  CHECK_FALSE(pattern_matches("/exact$", "/exact?q"));
  CHECK_FALSE(pattern_matches("private/", "/private/"));  // matched from the first octet
  CHECK(pattern_matches("/*?q=", "/search?q=shoes"));
  CHECK(pattern_matches("/*&sort=", "/list?page=2&sort=asc"));
  CHECK(pattern_matches("/foo/bar?qux=taz&baz=http://foo.bar?tar&par",
                        "/foo/bar?qux=taz&baz=http://foo.bar?tar&par"));
}

// RFC 9309 2.2.3 read literally, by plain recursion: exponential, fine for short strings.
bool reference_match(std::string_view pattern, std::string_view target) {
  if (pattern.empty()) return true;  // a pattern matches a prefix of the path
  if (pattern == "$") return target.empty();
  if (pattern.front() == '*') {
    return reference_match(pattern.substr(1), target) ||
           (!target.empty() && reference_match(pattern, target.substr(1)));
  }
  return !target.empty() && pattern.front() == target.front() &&
         reference_match(pattern.substr(1), target.substr(1));
}

TEST_CASE("greedy matching agrees with a literal reading on random patterns", "[unit]") {
  std::uint32_t state = 2022;
  const auto next = [&state](std::uint32_t n) {
    state = state * 1664525U + 1013904223U;
    return (state >> 16) % n;
  };
  int matched = 0;
  std::string first_difference;
  for (int i = 0; i < 20'000 && first_difference.empty(); ++i) {
    std::string pattern = next(4) == 0 ? "*" : "/";
    for (std::uint32_t n = next(8); n > 0; --n) pattern.push_back("ab/**"[next(5)]);
    if (next(3) == 0) pattern.push_back('$');
    std::string target = "/";
    for (std::uint32_t n = next(10); n > 0; --n) target.push_back("ab/"[next(3)]);
    const bool expected = reference_match(pattern, target);
    if (pattern_matches(pattern, target) != expected) {
      first_difference.append(pattern).append(" on ").append(target);
    }
    matched += expected ? 1 : 0;
  }
  CHECK(first_difference.empty());
  CHECK(matched > 2'000);  // both outcomes well exercised
  CHECK(matched < 18'000);
}

TEST_CASE("percent-encoding: one form, delimiters kept apart", "[unit]") {
  CHECK(pattern_matches("/%7Euser", "/~user/x"));
  CHECK(pattern_matches("/~user", "/%7Euser/x"));
  CHECK(pattern_matches("/~user", "/%7euser/x"));
  CHECK(pattern_matches("/caf%C3%A9", "/café"));
  CHECK(pattern_matches("/café", "/caf%c3%a9"));
  CHECK(pattern_matches("/a%3Ab", "/a:b"));  // ':' in a path segment is data either way
  CHECK(pattern_matches("/a b", "/a%20b"));  // octets a URL must encode
  CHECK(pattern_matches("/100%", "/100%"));  // a stray '%' is itself
  CHECK(pattern_matches("/100%25", "/100%"));
  // '/' and '?' in the path, '&', '=' and '+' in the query: encoded, they are data.
  CHECK_FALSE(pattern_matches("/a%2Fb", "/a/b"));
  CHECK_FALSE(pattern_matches("/a/b", "/a%2Fb"));
  CHECK(pattern_matches("/a%2Fb", "/a%2fb"));
  CHECK(pattern_matches("/*x%2Fy", "/x/y/x%2Fy"));  // the second place the octets match
  CHECK_FALSE(pattern_matches("/*x%2Fy", "/x/y/x/y"));
  CHECK_FALSE(pattern_matches("/a?b", "/a%3Fb"));
  CHECK_FALSE(pattern_matches("/a%3Fb", "/a?b"));
  CHECK(pattern_matches("/a?b?c", "/a?b%3Fc"));  // past the first '?' it is data
  CHECK_FALSE(pattern_matches("/s?a=1&b=2", "/s?a=1%26b=2"));
  CHECK_FALSE(pattern_matches("/s?a%3D1", "/s?a=1"));
  CHECK_FALSE(pattern_matches("/s?q=a+b", "/s?q=a%2Bb"));
  CHECK(pattern_matches("/s?u=/x", "/s?u=%2Fx"));
  CHECK(pattern_matches("/s?u=%2Fx", "/s?u=/x"));
  // A fragment is not part of a request target.
  CHECK(pattern_matches("/page$", "/page#top"));
}

TEST_CASE("empty Disallow disallows nothing; /robots.txt is always allowed", "[unit]") {
  const robots_rules none = robots::parse("User-agent: *\nDisallow:\n").rules_for("bot");
  CHECK(none.empty());
  CHECK(none.allowed("/"));
  CHECK(none.allowed("/anything"));
  // An empty Disallow is still a rule line: the next user-agent starts a new group.
  const auto text = "User-agent: a\nDisallow:\nUser-agent: b\nDisallow: /\n"sv;
  CHECK(allowed(text, "a", "/x"));
  CHECK_FALSE(allowed(text, "b", "/x"));

  const robots_rules all =
      robots::parse("User-agent: *\nDisallow: /\nDisallow: /robots.txt\n").rules_for("bot");
  CHECK(all.allowed("/robots.txt"));
  CHECK(all.allowed("/robots.txt?refresh=1"));
  CHECK(all.match("/robots.txt") == nullptr);
  CHECK_FALSE(all.allowed("/robots.txt.bak"));
  CHECK_FALSE(all.allowed("/x/robots.txt"));
  CHECK_FALSE(all.allowed(""));  // an empty target is "/"
}

TEST_CASE("line syntax: line ends, BOM, comments, case, slips", "[unit]") {
  for (const auto eol : {"\n"sv, "\r\n"sv, "\r"sv}) {
    std::string text;
    for (const auto line : {"User-agent: bot"sv, "Disallow: /a"sv, ""sv, "Allow: /a/b"sv}) {
      text.append(line).append(eol);
    }
    const robots_rules r = robots::parse(text).rules_for("bot");
    CHECK(r.rules().size() == 2);
    CHECK_FALSE(r.allowed("/a/c"));
    CHECK(r.allowed("/a/b"));
    CHECK(r.rules().back().line() == 2);
  }
  CHECK_FALSE(allowed("User-agent: bot\r\nDisallow: /a\nAllow: /a/b\r", "bot", "/a/c"));
  CHECK_FALSE(allowed("User-agent: bot\nDisallow: /a", "bot", "/a"));  // no final line end

  CHECK_FALSE(allowed("\xEF\xBB\xBFUser-agent: bot\nDisallow: /\n", "bot", "/a"));
  CHECK_FALSE(allowed("\xEF\xBBUser-agent: bot\nDisallow: /\n", "bot", "/a"));
  CHECK(
      allowed("User-agent: bot\n\xEF\xBB\xBF"
              "Disallow: /\n",
              "bot", "/a"));

  CHECK_FALSE(allowed("USER-AGENT: bot\nDISALLOW: /\n", "bot", "/a"));
  CHECK_FALSE(allowed("uSeR-aGeNt: bot\ndIsAlLoW: /\n", "bot", "/a"));
  CHECK_FALSE(allowed("  User-agent :  bot  \n\tDisallow\t:\t/a \t\n", "bot", "/a"));
  CHECK_FALSE(allowed("User-agent bot\nDisallow /a\n", "bot", "/a"));  // no ':'
  CHECK_FALSE(allowed("User-agent: bot\nDissallow: /a\n", "bot", "/a"));
  CHECK_FALSE(allowed("Useragent: bot\nDisalow: /a\n", "bot", "/a"));
  CHECK_FALSE(allowed("User-agent: bot # the bot\nDisallow: /a#b\n", "bot", "/a"));
  CHECK(allowed("User-agent: bot\n# Disallow: /\nAllow: /\n", "bot", "/a"));
  CHECK(allowed("foo: bot\nbar: /\n", "bot", "/a"));
  // Lines it cannot read are skipped, the rest is used (RFC 9309 2.3.1.5).
  CHECK_FALSE(allowed("User-agent: bot\n<html><body>\n:::\nDisallow: /a\n", "bot", "/a"));
}

TEST_CASE("parsing limit: 500 KiB by default, what follows ignored", "[unit]") {
  std::string text = "User-agent: *\nDisallow: /early\n";
  text = padded_to(std::move(text), 400 * kib);
  text += "Disallow: /before\n";
  // A rule line that the limit cuts in two is dropped: "/strad" must not stand for it.
  text = padded_to(std::move(text), 500 * kib - 12);
  text += "Disallow: /straddle\n";
  text += "Disallow: /after\n";
  text = padded_to(std::move(text), 600 * kib);
  text += "Disallow: /last\n";
  REQUIRE(text.size() > 600 * kib);

  const robots file = robots::parse(text);
  CHECK(file.truncated());
  const robots_rules r = file.rules_for("corofetch");
  CHECK(r.rules().size() == 2);
  CHECK_FALSE(r.allowed("/early"));
  CHECK_FALSE(r.allowed("/before"));
  CHECK(r.allowed("/s"));
  CHECK(r.allowed("/strad"));
  CHECK(r.allowed("/straddle"));
  CHECK(r.allowed("/after"));
  CHECK(r.allowed("/last"));

  // A larger limit reads it all; a file within the limit is not truncated.
  robots_options more;
  more.max_bytes = 1024 * kib;
  const robots whole = robots::parse(text, more);
  CHECK_FALSE(whole.truncated());
  CHECK(whole.rules_for("corofetch").rules().size() == 5);

  // A limit that falls right before a line end keeps that line.
  robots_options tight;
  tight.max_bytes = std::string_view("User-agent: *\nDisallow: /a").size();
  const robots cut = robots::parse("User-agent: *\nDisallow: /a\nDisallow: /b\n", tight);
  CHECK(cut.truncated());
  CHECK_FALSE(cut.rules_for("bot").allowed("/a"));
  CHECK(cut.rules_for("bot").allowed("/b"));
}

TEST_CASE("garbage and binary input is tolerated", "[unit]") {
  std::string noise;
  std::uint32_t state = 12345;
  for (int i = 0; i < 200'000; ++i) {
    state = state * 1664525U + 1013904223U;
    noise.push_back(static_cast<char>(state >> 24));
  }
  const robots file = robots::parse(noise);
  CHECK(file.rules_for("corofetch").allowed("/") == file.rules_for("corofetch").allowed("/"));

  // NUL and other controls inside a file do not stop the reading.
  const auto text = "User-agent: *\nDis\0allow: /x\n\x01\x02\nDisallow: /a\0b\nDisallow: /y\n"sv;
  const robots_rules r = robots::parse(text).rules_for("bot");
  CHECK(r.allowed("/x"));
  CHECK_FALSE(r.allowed("/a%00b"));
  CHECK(r.allowed("/a"));
  CHECK_FALSE(r.allowed("/y"));
  CHECK(robots::parse("").groups().empty());
  CHECK(robots::parse("\n\r\n\r").groups().empty());
}

TEST_CASE("Crawl-delay: decimal seconds, per group", "[unit]") {
  const auto text =
      "User-agent: *\n"
      "Crawl-delay: 10\n"
      "Disallow: /private/\n"
      "\n"
      "User-agent: corofetch\n"
      "Crawl-delay: 1.5\n"
      "User-agent: other\n"  // Crawl-delay is not a rule: the group goes on
      "Disallow: /tmp/\n"
      "\n"
      "User-agent: merged\n"
      "crawl-delay: 2\n"
      "User-agent: merged\n"
      "Disallow: /x\n"
      "User-agent: merged\n"
      "Crawl-delay: 3.25\n"sv;
  const robots file = robots::parse(text);
  CHECK(file.rules_for("stranger").crawl_delay() == milliseconds(10'000));
  CHECK(file.rules_for("corofetch").crawl_delay() == milliseconds(1'500));
  CHECK(file.rules_for("other").crawl_delay() == milliseconds(1'500));
  CHECK_FALSE(file.rules_for("corofetch").allowed("/tmp/a"));
  CHECK(file.rules_for("merged").crawl_delay() == milliseconds(3'250));  // the largest

  CHECK_FALSE(robots::parse("User-agent: *\nDisallow: /\n").rules_for("a").crawl_delay());
  for (const auto bad : {"abc"sv, "-1"sv, ""sv, "5 seconds"sv, "inf"sv, "nan"sv}) {
    const std::string t = "User-agent: *\nCrawl-delay: " + std::string(bad) + "\n";
    CHECK_FALSE(robots::parse(t).rules_for("a").crawl_delay());
  }
  CHECK(robots::parse("User-agent: *\nCrawl-delay: 0\n").rules_for("a").crawl_delay() ==
        milliseconds(0));
  CHECK(robots::parse("User-agent: *\nCrawl-delay: 1e9\n").rules_for("a").crawl_delay() ==
        std::nullopt);  // decimal only
  CHECK(robots::parse("User-agent: *\nCrawl-delay: 999999999\n").rules_for("a").crawl_delay() ==
        milliseconds(86'400'000));  // capped at a day
  CHECK_FALSE(robots::parse("Crawl-delay: 5\nUser-agent: *\n").rules_for("a").crawl_delay());
}

TEST_CASE("Sitemap: absolute http(s) URLs from anywhere, groups untouched", "[unit]") {
  const auto text =
      "Sitemap: https://example.com/sitemap.xml\n"
      "User-agent: a\n"
      "Sitemap: http://example.com/news.xml\n"
      "User-agent: b\n"  // a Sitemap line does not end the list of agents
      "Disallow: /x\n"
      "SITEMAP: https://example.com/sitemap.xml\n"
      "sitemap: /relative.xml\n"
      "Sitemap: ftp://example.com/s.xml\n"
      "Sitemap:\n"
      "Site-map: https://cdn.example.com/s%20map.xml # comment\n"sv;
  const robots file = robots::parse(text);
  REQUIRE(file.sitemaps().size() == 3);
  CHECK(file.sitemaps()[0] == "https://example.com/sitemap.xml");
  CHECK(file.sitemaps()[1] == "http://example.com/news.xml");
  CHECK(file.sitemaps()[2] == "https://cdn.example.com/s%20map.xml");
  CHECK(file.groups().size() == 1);
  CHECK_FALSE(file.rules_for("a").allowed("/x"));
}

TEST_CASE("matching is fast on pathological patterns and many rules", "[unit]") {
  // Backtracking over 60 stars would take longer than the universe; greedy matching is linear.
  std::string pattern = "/";
  for (int i = 0; i < 60; ++i) pattern += "*a";
  const std::string path = "/" + std::string(20'000, 'a');
  const auto start = std::chrono::steady_clock::now();
  CHECK(pattern_matches(pattern, path));
  CHECK_FALSE(pattern_matches(pattern + "*b", path));
  CHECK_FALSE(pattern_matches(pattern + "$", path + "b"));
  CHECK(pattern_matches(pattern + "$", path));
  CHECK_FALSE(pattern_matches("/" + std::string(59, '*') + std::string(59, 'a') + "b", path));
  std::string many = "User-agent: *\n";
  for (int i = 0; i < 2'000; ++i)
    many += "Disallow: /*a*a*a*a*a*a*a*a*a*a*b" + std::to_string(i) + "\n";
  const robots_rules r = robots::parse(many).rules_for("bot");
  CHECK(r.allowed(path));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < seconds(5));  // milliseconds on any machine; minutes if it backtracked

  std::string thousand = "User-agent: *\n";
  for (int i = 0; i < 1'000; ++i) {
    thousand += "Disallow: /section" + std::to_string(i) + "/\n";
    thousand += "Allow: /section" + std::to_string(i) + "/public/\n";
  }
  const robots_rules t = robots::parse(thousand).rules_for("bot");
  CHECK(t.rules().size() == 2'000);
  CHECK_FALSE(t.allowed("/section517/private/a.html"));
  CHECK(t.allowed("/section517/public/a.html"));
  CHECK(t.allowed("/section1000/a.html"));
  REQUIRE(t.match("/section5/x") != nullptr);
  CHECK(t.match("/section5/x")->pattern() == "/section5/");
}

TEST_CASE("robots_origin and robots_txt_url name the origin's robots.txt", "[unit]") {
  const auto a = corofetch::url::parse("https://User@Example.COM:443/a/b?c#d");
  REQUIRE(a.has_value());
  CHECK(corofetch::crawl::robots_origin(*a) == "https://example.com");
  CHECK(corofetch::crawl::robots_txt_url(*a) == "https://example.com/robots.txt");
  const auto b = corofetch::url::parse("http://example.com:8080/");
  REQUIRE(b.has_value());
  CHECK(corofetch::crawl::robots_origin(*b) == "http://example.com:8080");
  CHECK(corofetch::crawl::robots_txt_url(*b) == "http://example.com:8080/robots.txt");
}

TEST_CASE("robots_cache: 2xx rules for 24 hours, then a miss", "[unit]") {
  const auto t0 = std::chrono::steady_clock::time_point{} + hours(1000);
  robots_cache_options options;
  options.user_agent = "corofetch/0.1 (+https://example.com/bot)";
  robots_cache cache(options);
  const std::string origin = "https://example.com";
  CHECK(cache.lookup(origin, t0) == nullptr);

  const auto body =
      "User-agent: *\nDisallow: /\n\nUser-agent: corofetch\nDisallow: /private/\n"
      "Crawl-delay: 2\nSitemap: https://example.com/s.xml\n"sv;
  const auto stored = cache.store_response(origin, 200, body, t0);
  CHECK(stored->status == robots_status::rules);
  CHECK(stored->http_status == 200);
  CHECK(stored->expires == t0 + hours(24));

  const auto hit = cache.lookup(origin, t0 + hours(24) - seconds(1));
  REQUIRE(hit != nullptr);
  CHECK(hit == stored);
  CHECK(hit->allowed("/public"));
  CHECK_FALSE(hit->allowed("/private/a"));
  REQUIRE(hit->rules.match("/private/a") != nullptr);
  CHECK(hit->rules.match("/private/a")->pattern() == "/private/");
  CHECK(hit->rules.crawl_delay() == milliseconds(2'000));
  CHECK(hit->sitemaps == std::vector<std::string>{"https://example.com/s.xml"});
  CHECK_FALSE(hit->truncated);
  CHECK(cache.lookup("http://example.com", t0) == nullptr);  // another scheme, another origin

  CHECK(cache.lookup(origin, t0 + hours(24)) == nullptr);  // RFC 9309 2.4
  CHECK(cache.size() == 0);
  CHECK(hit->allowed("/public"));  // an outcome handed out stays valid
}

TEST_CASE("robots_cache: 4xx allows all, 5xx and failures disallow until retry", "[unit]") {
  const auto t0 = std::chrono::steady_clock::time_point{} + hours(1000);
  robots_cache cache;

  SECTION("404: unavailable, everything allowed for 24 hours") {
    const auto o = cache.store_response("http://a.test", 404, "<html>Not found</html>", t0);
    CHECK(o->status == robots_status::allow_all);
    CHECK(o->allowed("/anything"));
    REQUIRE(cache.lookup("http://a.test", t0 + hours(23)) != nullptr);
    CHECK(cache.lookup("http://a.test", t0 + hours(24)) == nullptr);
  }
  SECTION("401, 403 and 3xx are unavailable too; 429 is unreachable") {
    CHECK(cache.store_response("http://a.test", 401, "", t0)->status == robots_status::allow_all);
    CHECK(cache.store_response("http://a.test", 403, "", t0)->status == robots_status::allow_all);
    CHECK(cache.store_response("http://a.test", 310, "", t0)->status == robots_status::allow_all);
    CHECK(cache.store_response("http://a.test", 429, "", t0)->status ==
          robots_status::disallow_all);
    CHECK(cache.store_response("http://a.test", 101, "", t0)->status ==
          robots_status::disallow_all);
  }
  SECTION("503: unreachable, nothing but /robots.txt until the retry, then 200") {
    const auto o = cache.store_response("http://a.test", 503, "User-agent: *\nAllow: /\n", t0);
    CHECK(o->status == robots_status::disallow_all);
    CHECK(o->http_status == 503);
    CHECK_FALSE(o->allowed("/"));
    CHECK_FALSE(o->allowed("/page"));
    CHECK(o->allowed("/robots.txt"));
    CHECK(o->expires == t0 + minutes(5));
    REQUIRE(cache.lookup("http://a.test", t0 + minutes(5) - seconds(1)) != nullptr);
    CHECK(cache.lookup("http://a.test", t0 + minutes(5)) == nullptr);

    const auto later = t0 + minutes(6);
    cache.store_response("http://a.test", 200, "User-agent: *\nDisallow: /x\n", later);
    const auto hit = cache.lookup("http://a.test", later + hours(1));
    REQUIRE(hit != nullptr);
    CHECK(hit->status == robots_status::rules);
    CHECK(hit->allowed("/page"));
    CHECK_FALSE(hit->allowed("/x"));
  }
  SECTION("network failure: disallow all, status 0, short retry") {
    const auto o = cache.store_failure("http://a.test", t0);
    CHECK(o->status == robots_status::disallow_all);
    CHECK(o->http_status == 0);
    CHECK_FALSE(o->allowed("/a"));
    CHECK(o->expires == t0 + minutes(5));
    CHECK(cache.lookup("http://a.test", t0 + minutes(5)) == nullptr);
  }
  SECTION("a new outcome replaces the old one") {
    cache.store_response("http://a.test", 200, "User-agent: *\nDisallow: /x\n", t0);
    cache.store_response("http://a.test", 500, "", t0 + hours(25));
    const auto hit = cache.lookup("http://a.test", t0 + hours(25));
    REQUIRE(hit != nullptr);
    CHECK(hit->status == robots_status::disallow_all);
    CHECK(cache.size() == 1);
  }
}

TEST_CASE("robots_cache: options, LRU bound, erase", "[unit]") {
  const auto t0 = std::chrono::steady_clock::time_point{} + hours(1000);
  robots_cache_options options;
  options.ttl = hours(1);
  options.retry = seconds(30);
  options.max_origins = 2;
  options.parse.max_bytes = 600 * kib;
  robots_cache cache(options);

  CHECK(cache.store_response("http://a.test", 200, "", t0)->expires == t0 + hours(1));
  CHECK(cache.store_failure("http://b.test", t0)->expires == t0 + seconds(30));
  CHECK(cache.store_response("http://b.test", 404, "", t0)->expires == t0 + hours(1));
  REQUIRE(cache.lookup("http://a.test", t0) != nullptr);  // a is now the most recent
  cache.store_response("http://c.test", 404, "", t0);     // so b goes
  CHECK(cache.size() == 2);
  CHECK(cache.lookup("http://b.test", t0) == nullptr);
  CHECK(cache.lookup("http://a.test", t0) != nullptr);
  CHECK(cache.lookup("http://c.test", t0) != nullptr);
  cache.erase("http://a.test");
  cache.erase("http://never.test");
  CHECK(cache.size() == 1);
  CHECK(cache.lookup("http://a.test", t0) == nullptr);

  // The parsing limit of the options applies to stored bodies.
  std::string big = padded_to("User-agent: *\n", 550 * kib) + "Disallow: /late\n";
  const auto o = cache.store_response("http://d.test", 200, big, t0);
  CHECK_FALSE(o->truncated);
  CHECK_FALSE(o->allowed("/late"));
  robots_cache small;  // 500 KiB by default
  const auto s = small.store_response("http://d.test", 200, big, t0);
  CHECK(s->truncated);
  CHECK(s->allowed("/late"));

  robots_cache_options zero;
  zero.max_origins = 0;  // read as 1
  robots_cache one(zero);
  one.store_failure("http://a.test", t0);
  one.store_failure("http://b.test", t0);
  CHECK(one.size() == 1);
  CHECK(one.lookup("http://b.test", t0) != nullptr);
}
