#pragma once

#include <corofetch/url/url.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace corofetch::crawl {

namespace detail {
struct robots_target;  // a request target in the form rules compare (lib/crawl/robots.cpp)
using octet_set = std::array<std::uint64_t, 4>;  // one bit per octet value
}  // namespace detail

/// The product token a crawler looks for in robots.txt (RFC 9309 2.2.1): the leading run of
/// letters, '_' and '-' of its User-Agent string, e.g. "corofetch" from
/// "corofetch/0.1 (+https://example.com/bot)". Empty when the string starts with anything else;
/// an empty token matches no group of its own, only the "*" group. Never fails.
[[nodiscard]] std::string_view product_token(std::string_view user_agent) noexcept;

/// One allow or disallow line (RFC 9309 2.2.2), its pattern compiled once for matching.
///
/// Patterns and paths are compared in one form (RFC 9309 2.2.2): each "%XY" is decoded and hex
/// case no longer matters, so "%7E" and "~", "ツ" and "%E3%83%84", "%2A" and a literal '*' are
/// the same octet. The only octets whose percent-encoding still counts are the delimiters of the
/// URL part they stand in: '/' and '?' in the path ("/a%2Fb" is not "/a/b"), '&', '=' and '+'
/// in the query. So "?baz=https://foo.bar" and "?baz=https%3A%2F%2Ffoo.bar" are the same query,
/// as RFC 9309 2.2.2's Figure 4 has it. '*' matches any run of octets and a final '$' anchors the
/// pattern at the end of the path (RFC 9309 2.2.3); a '$' elsewhere is a literal '$'. A pattern
/// is matched from the first octet of the path, so one that starts with neither '/' nor '*'
/// never matches.
class robots_rule {
 public:
  /// Compiles `pattern` (as written after "Allow:" or "Disallow:", without the comment).
  /// `line` is its 1-based line in the file, 0 when it comes from elsewhere. Never fails.
  robots_rule(bool allow, std::string_view pattern, std::size_t line = 0);

  /// True for Allow, false for Disallow.
  [[nodiscard]] bool allow() const noexcept { return allow_; }
  /// The pattern as written in robots.txt, for reports ("disallowed by robots: /private/").
  [[nodiscard]] std::string_view pattern() const noexcept { return pattern_; }
  /// The 1-based line of the rule in its robots.txt, 0 when not from a file.
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  /// How specific the rule is (RFC 9309 2.2.2 "the match that has the most octets"): the
  /// pattern's octets after percent-decoding, each '*' and the final '$' counting one.
  [[nodiscard]] std::size_t specificity() const noexcept { return specificity_; }
  /// True when the pattern matches `path_and_query` (a URL's path and "?query", as sent in the
  /// request line; anything from '#' on is ignored). Linear in practice; at worst
  /// O(path x pattern), never exponential, whatever the number of '*'.
  [[nodiscard]] bool matches(std::string_view path_and_query) const;

 private:
  friend class robots_rules;
  [[nodiscard]] bool matches_target(const detail::robots_target& target) const noexcept;

  std::string pattern_;
  std::string octets_;                // the pattern percent-decoded, without '*' and final '$'
  std::vector<std::uint16_t> units_;  // the same octets; bit 8 set where written "%XY"
  std::vector<std::size_t> stars_;    // where a '*' stood, as indices into octets_
  detail::octet_set needed_{};        // every octet of octets_
  std::size_t line_ = 0;
  std::size_t specificity_ = 0;
  bool allow_ = false;
  bool anchored_ = false;  // the pattern ended in '$'
};

/// The rules one crawler obeys on one origin: the merged groups for its product token, or the
/// "*" group (RFC 9309 2.2.1).
class robots_rules {
 public:
  /// No rules: everything allowed (RFC 9309 2.2.2, "no rules in the group").
  robots_rules() = default;
  /// Rules as given; they are ordered most specific first, Allow before Disallow of the same
  /// specificity, file order otherwise, so the first that matches decides.
  explicit robots_rules(std::vector<robots_rule> rules,
                        std::optional<std::chrono::milliseconds> crawl_delay = std::nullopt);

  /// True when `path_and_query` may be fetched (RFC 9309 2.2.2): the most specific matching rule
  /// decides, Allow wins a tie, no match means allowed, and "/robots.txt" is always allowed.
  [[nodiscard]] bool allowed(std::string_view path_and_query) const;
  /// The rule that decides `path_and_query`, or nullptr when none matches (allowed) or the path
  /// is "/robots.txt". For the crawler's "disallowed by robots: rule X" report.
  [[nodiscard]] const robots_rule* match(std::string_view path_and_query) const;
  /// The group's Crawl-delay (not in RFC 9309; a de facto extension, RFC 9309 2.2.4 allows
  /// other records): the largest of the merged groups' values, absent when none gave one.
  [[nodiscard]] std::optional<std::chrono::milliseconds> crawl_delay() const noexcept {
    return crawl_delay_;
  }
  /// The rules in matching order (most specific first).
  [[nodiscard]] const std::vector<robots_rule>& rules() const noexcept { return rules_; }
  [[nodiscard]] bool empty() const noexcept { return rules_.empty(); }

 private:
  std::vector<robots_rule> rules_;
  std::optional<std::chrono::milliseconds> crawl_delay_;
};

/// One group of a robots.txt (RFC 9309 2.1): its user-agent lines and the records under them.
struct robots_group {
  std::vector<std::string> agents;  ///< product tokens as read from its user-agent lines
  bool any_agent = false;           ///< one of its lines was "User-agent: *"
  std::vector<robots_rule> rules;   ///< in file order
  std::optional<std::chrono::milliseconds> crawl_delay;
};

/// How robots.txt is read.
struct robots_options {
  /// Bytes parsed (RFC 9309 2.5: a limit of at least 500 KiB). Past it the rest of the file is
  /// ignored, and so is a line the limit cuts in two; robots::truncated() says so.
  std::size_t max_bytes = std::size_t{500} * 1024;
};

/// A parsed robots.txt (RFC 9309), able to answer for any user agent.
class robots {
 public:
  /// Parses `text` (RFC 9309 2.2, 2.3.1.5): lines end in CR, LF or CRLF; a UTF-8 BOM, '#'
  /// comments, blank lines and lines it cannot read are skipped; field names are
  /// case-insensitive, a missing ':' after a known name and a few common misspellings are
  /// tolerated; rules before the first user-agent line are ignored; Crawl-delay (decimal
  /// seconds, capped at one day) belongs to its group; Sitemap lines anywhere are collected when
  /// they are absolute http or https URLs. Never fails: what can be read is used.
  [[nodiscard]] static robots parse(std::string_view text, const robots_options& options = {});

  /// The rules for `agent` (RFC 9309 2.2.1), a product token or a whole User-Agent string whose
  /// product_token() is used: every group naming it, compared case-insensitively, merged; else
  /// the "*" groups merged; else no rules (all allowed).
  [[nodiscard]] robots_rules rules_for(std::string_view agent) const;
  /// The absolute sitemap URLs, in file order, without duplicates.
  [[nodiscard]] const std::vector<std::string>& sitemaps() const noexcept { return sitemaps_; }
  /// True when the file was longer than robots_options::max_bytes and its end was ignored.
  [[nodiscard]] bool truncated() const noexcept { return truncated_; }
  /// The groups in file order.
  [[nodiscard]] const std::vector<robots_group>& groups() const noexcept { return groups_; }

 private:
  friend class robots_reader;  // lib/crawl/robots.cpp fills the members line by line
  std::vector<robots_group> groups_;
  std::vector<std::string> sitemaps_;
  bool truncated_ = false;
};

/// What the cache holds for an origin (RFC 9309 2.3.1).
enum class robots_status : std::uint8_t {
  /// A 2xx body was parsed: obey its rules (2.3.1.1).
  rules,
  /// "Unavailable", a 4xx or a redirect chain given up on: anything may be fetched (2.3.1.3).
  allow_all,
  /// "Unreachable", a 5xx, a 429 or a network failure: nothing but /robots.txt (2.3.1.4).
  disallow_all,
};

/// One origin's robots.txt outcome as the crawler obeys it; immutable once stored. A refusal is
/// reported with rules.match() under status rules, and with http_status under disallow_all.
struct robots_outcome {
  robots_status status = robots_status::allow_all;
  int http_status = 0;  ///< the final response's status; 0 after a network failure
  robots_rules rules;   ///< the crawler's rules; empty unless status is rules
  std::vector<std::string> sitemaps;
  bool truncated = false;                           ///< the body was over the parsing limit
  std::chrono::steady_clock::time_point expires{};  ///< when to fetch robots.txt again

  /// True when `path_and_query` may be fetched: by the rules, always for allow_all, never for
  /// disallow_all except "/robots.txt" itself.
  [[nodiscard]] bool allowed(std::string_view path_and_query) const;
};

/// How robots_cache keeps outcomes.
struct robots_cache_options {
  std::string user_agent = "corofetch";  ///< the crawler's User-Agent; its product token is used
  std::chrono::seconds ttl = std::chrono::hours(24);     ///< 2xx and 4xx (RFC 9309 2.4)
  std::chrono::seconds retry = std::chrono::minutes(5);  ///< 5xx, 429, failures (2.3.1.4)
  std::size_t max_origins = 10'000;  ///< least recently used origins go first; 0 reads as 1
  robots_options parse;
};

/// The fetch policy of robots.txt, per origin (scheme, host and port), with time passed in so it
/// stays pure. The fetcher follows up to five redirects (RFC 9309 2.3.1.2) and hands the cache
/// the final outcome, whose rules apply to the origin first asked for. Holds at most
/// max_origins origins, evicting the least recently used. Not synchronized: use it from one
/// thread or strand.
class robots_cache {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit robots_cache(robots_cache_options options = {});

  /// The outcome stored for `origin` (a key such as robots_origin() gives) that has not expired
  /// at `now`, else nullptr: then robots.txt is to be fetched and stored. An expired entry is
  /// dropped. Marks the origin as recently used.
  [[nodiscard]] std::shared_ptr<const robots_outcome> lookup(std::string_view origin,
                                                             time_point now);
  /// Stores the final response to GET /robots.txt (RFC 9309 2.3.1): 2xx, the body's rules for
  /// the crawler; 3xx (redirects not followed to the end) and 4xx except 429, all allowed; both
  /// kept for ttl (2.4). 429, 5xx and anything else, all disallowed until retry. Returns it.
  std::shared_ptr<const robots_outcome> store_response(std::string_view origin, int status,
                                                       std::string_view body, time_point now);
  /// Stores a network failure (no response: DNS, connect, TLS, timeout): all disallowed until
  /// retry (RFC 9309 2.3.1.4). Returns it.
  std::shared_ptr<const robots_outcome> store_failure(std::string_view origin, time_point now);
  /// Forgets `origin`.
  void erase(std::string_view origin);
  /// The number of origins held, expired ones included until looked up or evicted.
  [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }

 private:
  struct slot {
    std::string origin;
    std::shared_ptr<const robots_outcome> outcome;
  };
  struct key_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept;
  };
  using slot_list = std::list<slot>;

  std::shared_ptr<const robots_outcome> put(std::string_view origin, robots_outcome outcome);

  robots_cache_options options_;
  std::string token_;
  slot_list order_;  // most recently used first
  std::unordered_map<std::string, slot_list::iterator, key_hash, std::equal_to<>> index_;
};

/// The cache key of `u`'s origin, e.g. "https://example.com:8443" (RFC 9309 2.3: one
/// robots.txt per scheme and authority); the URL Standard's origin serialization, so meant for
/// http and https URLs (an opaque origin is "null").
[[nodiscard]] std::string robots_origin(const url::url& u);

/// Where `u`'s robots.txt is: its origin then "/robots.txt" (RFC 9309 2.3).
[[nodiscard]] std::string robots_txt_url(const url::url& u);

}  // namespace corofetch::crawl
