// robots.txt (RFC 9309): reading the file into groups, matching request targets against rules,
// and the fetch policy per origin.
#include <corofetch/crawl/robots.hpp>
#include <corofetch/http/syntax.hpp>

#include "url/chars.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <span>
#include <unordered_set>
#include <utility>

namespace corofetch::crawl {
namespace {

constexpr std::size_t npos = std::string_view::npos;

// ---- One form for patterns and paths (RFC 9309 2.2.2) ----
// A unit is one octet after percent-decoding (bits 0-7), whether it was written "%XY" (bit 8)
// and, for a unit of the path, whether that still matters where it stands (bit 9).
constexpr unsigned octet_bits = 0xFFU;
constexpr unsigned encoded_bit = 0x100U;
constexpr unsigned strict_bit = 0x200U;

// Delimiters of the path ('/' between segments, '?' before the query) and of a query in the form
// encoding ('&' and '=' between names and values, '+' for a space): written encoded they are
// data, so "/a%2Fb" is not "/a/b". Every other octet compares decoded, so "%7E" is '~', "%2A"
// a literal '*' (RFC 9309 2.2.3, Figure 6) and ':' or '/' inside a query value equal their
// encoding (RFC 9309 2.2.2, Figure 4).
bool is_path_delimiter(unsigned c) noexcept {
  return c == '/' || c == '?';
}
bool is_query_delimiter(unsigned c) noexcept {
  return c == '&' || c == '=' || c == '+';
}

// Reads the unit at text[i] and moves i past it: "%XY" (either hex case) is one encoded octet,
// anything else, a stray '%' included, is itself. Unlike url::percent_decode it keeps whether an
// octet was encoded, which the delimiters need.
std::uint16_t read_unit(std::string_view text, std::size_t& i) noexcept {
  if (text[i] == '%' && i + 2 < text.size()) {
    const int hi = url::detail::hex_value(text[i + 1]);
    const int lo = url::detail::hex_value(text[i + 2]);
    if (hi >= 0 && lo >= 0) {
      i += 3;
      return static_cast<std::uint16_t>(static_cast<unsigned>(hi * 16 + lo) | encoded_bit);
    }
  }
  return static_cast<unsigned char>(text[i++]);
}

void add_octet(detail::octet_set& set, unsigned octet) noexcept {
  set[octet / 64] |= std::uint64_t{1} << (octet % 64);
}

// Octets after percent-decoding, and the same octets as units with their flags: the octets are
// compared and searched as bytes, then the units settle the delimiters.
struct unit_text {
  std::string_view octets;
  std::span<const std::uint16_t> units;

  [[nodiscard]] std::size_t size() const noexcept { return octets.size(); }
  [[nodiscard]] unit_text sub(std::size_t pos, std::size_t n = npos) const noexcept {
    n = std::min(n, octets.size() - pos);
    return {octets.substr(pos, n), units.subspan(pos, n)};
  }
};

}  // namespace

namespace detail {

// A request target (path and query) in the compared form.
struct robots_target {
  std::string octets;
  std::vector<std::uint16_t> units;
  octet_set present{};  // every octet of the target
};

}  // namespace detail

namespace {

// The first literal '?' starts the query. A fragment is never part of a request target, and an
// empty target is "/".
detail::robots_target make_target(std::string_view target) {
  target = target.substr(0, target.find('#'));
  if (target.empty()) target = "/";
  detail::robots_target out;
  out.octets.reserve(target.size());
  out.units.reserve(target.size());
  bool in_query = false;
  for (std::size_t i = 0; i < target.size();) {
    const unsigned unit = read_unit(target, i);
    const unsigned octet = unit & octet_bits;
    const bool strict = in_query ? is_query_delimiter(octet) : is_path_delimiter(octet);
    out.octets.push_back(static_cast<char>(octet));
    add_octet(out.present, octet);
    out.units.push_back(static_cast<std::uint16_t>(strict ? unit | strict_bit : unit));
    if (!in_query && unit == '?') in_query = true;
  }
  return out;
}

// Octets being equal, a pattern matches a target unless one of the target's delimiters was
// written encoded on one side only.
bool delimiters_agree(std::span<const std::uint16_t> target,
                      std::span<const std::uint16_t> pattern) noexcept {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if ((target[i] & strict_bit) != 0 && ((target[i] ^ pattern[i]) & encoded_bit) != 0) {
      return false;
    }
  }
  return true;
}

bool matches_at(unit_text target, std::size_t at, unit_text segment) noexcept {
  if (segment.size() > target.size() - at) return false;
  return target.octets.substr(at, segment.size()) == segment.octets &&
         delimiters_agree(target.units.subspan(at), segment.units);
}

// The leftmost position at or after `from` where `segment` matches, or npos. Between '*'s the
// leftmost match is always the one to take: it ends earliest, leaving the most target for the
// segments after it, so matching never backtracks.
std::size_t find_segment(unit_text target, std::size_t from, unit_text segment) noexcept {
  if (segment.size() == 0) return from;
  for (std::size_t at = target.octets.find(segment.octets, from); at != npos;
       at = target.octets.find(segment.octets, at + 1)) {
    if (delimiters_agree(target.units.subspan(at), segment.units)) return at;
  }
  return npos;
}

// RFC 9309 2.2.2: "The /robots.txt URI is implicitly allowed", whatever its query.
bool is_robots_txt(const detail::robots_target& target) noexcept {
  constexpr std::string_view name = "/robots.txt";
  if (!std::string_view(target.octets).starts_with(name)) return false;
  if ((target.units[0] & encoded_bit) != 0) return false;  // "%2Frobots.txt" is no path
  return target.units.size() == name.size() || target.units[name.size()] == ('?' | strict_bit);
}

// ---- Lines and fields (RFC 9309 2.2) ----

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Moves the next line of `text` into `line`; lines end in CR, LF or CRLF. False at the end.
bool next_line(std::string_view& text, std::string_view& line) noexcept {
  if (text.empty()) return false;
  std::size_t end = 0;
  while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
  line = text.substr(0, end);
  std::size_t skip = end < text.size() ? 1 : 0;
  if (text.substr(end, 2) == "\r\n") skip = 2;
  text.remove_prefix(end + skip);
  return true;
}

// RFC 9309 2.5: at most max_bytes are read. A line the limit cuts in two is dropped with the rest:
// half a path would be a different rule.
std::string_view within_limit(std::string_view text, std::size_t max_bytes, bool& truncated) {
  if (text.size() <= max_bytes) return text;
  truncated = true;
  const std::string_view kept = text.substr(0, max_bytes);
  if (text[max_bytes] == '\n' || text[max_bytes] == '\r') return kept;
  const std::size_t last_end = kept.find_last_of("\r\n");
  return last_end == npos ? std::string_view{} : kept.substr(0, last_end + 1);
}

// RFC 9309 2.3 asks for UTF-8; a byte order mark, or the part of one a truncated copy kept, is
// not content.
std::string_view skip_bom(std::string_view text) noexcept {
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  std::size_t n = 0;
  while (n < bom.size() && n < text.size() && text[n] == bom[n]) ++n;
  return text.substr(n);
}

enum class field : std::uint8_t { unknown, user_agent, allow, disallow, sitemap, crawl_delay };

// Field names are case-insensitive; RFC 9309 2.2.4 lets crawlers accept common misspellings.
field field_named(std::string_view name) noexcept {
  struct spelling {
    std::string_view text;
    field name;
  };
  static constexpr spelling spellings[] = {
      {"user-agent", field::user_agent},   {"useragent", field::user_agent},
      {"user agent", field::user_agent},   {"disallow", field::disallow},
      {"dissallow", field::disallow},      {"dissalow", field::disallow},
      {"disalow", field::disallow},        {"allow", field::allow},
      {"sitemap", field::sitemap},         {"site-map", field::sitemap},
      {"crawl-delay", field::crawl_delay}, {"crawldelay", field::crawl_delay},
  };
  for (const spelling& s : spellings) {
    if (http::iequals(name, s.text)) return s.name;
  }
  return field::unknown;
}

struct directive {
  field name = field::unknown;
  std::string_view value;
};

// "name: value # comment" (RFC 9309 2.2). Without a usable ':' the first word is tried as the
// name ("Disallow /"), a slip crawlers commonly forgive.
directive read_directive(std::string_view line) noexcept {
  line = trim(line.substr(0, line.find('#')));
  const std::size_t colon = line.find(':');
  if (colon != npos) {
    const field name = field_named(trim(line.substr(0, colon)));
    if (name != field::unknown) return {name, trim(line.substr(colon + 1))};
  }
  const std::size_t space = line.find_first_of(" \t");
  if (space == npos) return {};
  return {field_named(line.substr(0, space)), trim(line.substr(space + 1))};
}

// Crawl-delay: decimal seconds, not negative. Over a day is read as a day: the crawler bounds
// its own waits, and an absurd value must not overflow.
std::optional<std::chrono::milliseconds> read_crawl_delay(std::string_view value) noexcept {
  double seconds = 0;
  const char* end = value.data() + value.size();
  const auto [stop, error] = std::from_chars(value.data(), end, seconds, std::chars_format::fixed);
  if (error != std::errc() || stop != end || !std::isfinite(seconds) || seconds < 0) {
    return std::nullopt;
  }
  constexpr double day = 86'400;
  return std::chrono::milliseconds(std::llround(std::min(seconds, day) * 1000));
}

}  // namespace

std::string_view product_token(std::string_view user_agent) noexcept {
  std::size_t n = 0;
  while (n < user_agent.size() && (url::detail::is_ascii_alpha(user_agent[n]) ||
                                   user_agent[n] == '_' || user_agent[n] == '-')) {
    ++n;
  }
  return user_agent.substr(0, n);
}

// ---- robots_rule ----

robots_rule::robots_rule(bool allow, std::string_view pattern, std::size_t line)
    : pattern_(pattern), line_(line), allow_(allow) {
  octets_.reserve(pattern.size());
  units_.reserve(pattern.size());
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '*') {
      if (stars_.empty() || stars_.back() != octets_.size()) stars_.push_back(octets_.size());
      ++specificity_;
      ++i;
      continue;
    }
    if (pattern[i] == '$' && i + 1 == pattern.size()) {  // RFC 9309 2.2.3: end of the pattern
      anchored_ = true;
      ++specificity_;
      break;
    }
    const unsigned unit = read_unit(pattern, i);
    octets_.push_back(static_cast<char>(unit & octet_bits));
    add_octet(needed_, unit & octet_bits);
    units_.push_back(static_cast<std::uint16_t>(unit));
  }
  specificity_ += units_.size();
}

bool robots_rule::matches(std::string_view path_and_query) const {
  return matches_target(make_target(path_and_query));
}

bool robots_rule::matches_target(const detail::robots_target& path) const noexcept {
  // A pattern with an octet the target lacks cannot match: with many rules, most go here.
  for (std::size_t w = 0; w < needed_.size(); ++w) {
    if ((needed_[w] & ~path.present[w]) != 0) return false;
  }
  const unit_text target{path.octets, path.units};
  const unit_text pattern{octets_, units_};
  // RFC 9309 2.2.2: the match starts with the first octet of the path.
  const std::size_t first_end = stars_.empty() ? pattern.size() : stars_.front();
  if (!matches_at(target, 0, pattern.sub(0, first_end))) return false;
  if (stars_.empty()) return !anchored_ || first_end == target.size();
  std::size_t pos = first_end;
  for (std::size_t s = 0; s + 1 < stars_.size(); ++s) {
    const unit_text segment = pattern.sub(stars_[s], stars_[s + 1] - stars_[s]);
    const std::size_t at = find_segment(target, pos, segment);
    if (at == npos) return false;
    pos = at + segment.size();
  }
  const unit_text last = pattern.sub(stars_.back());
  if (anchored_) {
    return last.size() <= target.size() - pos &&
           matches_at(target, target.size() - last.size(), last);
  }
  return find_segment(target, pos, last) != npos;
}

// ---- robots_rules ----

robots_rules::robots_rules(std::vector<robots_rule> rules,
                           std::optional<std::chrono::milliseconds> crawl_delay)
    : rules_(std::move(rules)), crawl_delay_(crawl_delay) {
  // RFC 9309 2.2.2: the most specific match decides and Allow wins a tie, so in this order the
  // first rule that matches is the answer and matching stops there.
  std::stable_sort(rules_.begin(), rules_.end(), [](const robots_rule& a, const robots_rule& b) {
    if (a.specificity() != b.specificity()) return a.specificity() > b.specificity();
    return a.allow() && !b.allow();
  });
}

const robots_rule* robots_rules::match(std::string_view path_and_query) const {
  if (rules_.empty()) return nullptr;
  const detail::robots_target target = make_target(path_and_query);
  if (is_robots_txt(target)) return nullptr;
  for (const robots_rule& rule : rules_) {
    if (rule.matches_target(target)) return &rule;
  }
  return nullptr;
}

bool robots_rules::allowed(std::string_view path_and_query) const {
  const robots_rule* rule = match(path_and_query);
  return rule == nullptr || rule->allow();
}

// ---- robots: reading the file ----

// Reads lines into a robots' groups (RFC 9309 2.1, 2.2): a group is one or more user-agent lines
// and the rules after them, and ends at the next user-agent line that follows a rule.
class robots_reader {
 public:
  explicit robots_reader(robots& out) : out_(out) {}

  void read(std::string_view text, const robots_options& options) {
    text = skip_bom(within_limit(text, options.max_bytes, out_.truncated_));
    std::string_view line;
    std::size_t number = 0;
    while (next_line(text, line)) {
      ++number;
      const directive d = read_directive(line);
      switch (d.name) {
        case field::user_agent:
          on_user_agent(d.value);
          break;
        case field::allow:
        case field::disallow:
          on_rule(d.name == field::allow, d.value, number);
          break;
        case field::crawl_delay:
          on_crawl_delay(d.value);
          break;
        case field::sitemap:
          on_sitemap(d.value);
          break;
        case field::unknown:  // RFC 9309 2.3.1.5: what cannot be read is skipped
          break;
      }
    }
  }

 private:
  void on_user_agent(std::string_view value) {
    if (out_.groups_.empty() || group_has_rules_) {
      out_.groups_.emplace_back();
      group_has_rules_ = false;
    }
    robots_group& group = out_.groups_.back();
    if (!value.empty() && value.front() == '*' && trim(value.substr(1)).empty()) {
      group.any_agent = true;
      return;
    }
    // "Googlebot/2.1" or "Foo Bar" name the product tokens "Googlebot" and "Foo".
    const std::string_view token = product_token(value);
    if (!token.empty()) group.agents.emplace_back(token);
  }

  void on_rule(bool allow, std::string_view pattern, std::size_t line) {
    if (out_.groups_.empty()) return;  // RFC 9309 2.2.2: rules outside any group are ignored
    group_has_rules_ = true;
    // An empty pattern matches nothing: "Disallow:" disallows nothing (RFC 9309 2.2.2).
    if (!pattern.empty()) out_.groups_.back().rules.emplace_back(allow, pattern, line);
  }

  // Other records neither start nor end a group (RFC 9309 2.2.4).
  void on_crawl_delay(std::string_view value) {
    if (out_.groups_.empty()) return;
    const auto delay = read_crawl_delay(value);
    if (!delay) return;
    auto& current = out_.groups_.back().crawl_delay;
    current = std::max(current.value_or(std::chrono::milliseconds(0)), *delay);
  }

  void on_sitemap(std::string_view value) {
    const auto parsed = url::parse(value);
    if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")) return;
    std::string href(parsed->href());
    if (seen_sitemaps_.insert(href).second) out_.sitemaps_.push_back(std::move(href));
  }

  robots& out_;
  bool group_has_rules_ = false;
  std::unordered_set<std::string> seen_sitemaps_;
};

robots robots::parse(std::string_view text, const robots_options& options) {
  robots out;
  robots_reader(out).read(text, options);
  return out;
}

robots_rules robots::rules_for(std::string_view agent) const {
  const std::string_view token = product_token(agent);
  const auto names_token = [token](const robots_group& g) {
    return !token.empty() &&
           std::any_of(g.agents.begin(), g.agents.end(),
                       [token](const std::string& a) { return http::iequals(a, token); });
  };
  const bool specific = std::any_of(groups_.begin(), groups_.end(), names_token);
  std::vector<robots_rule> rules;
  std::optional<std::chrono::milliseconds> delay;
  for (const robots_group& g : groups_) {
    if (specific ? !names_token(g) : !g.any_agent) continue;
    rules.insert(rules.end(), g.rules.begin(), g.rules.end());
    if (g.crawl_delay)
      delay = std::max(delay.value_or(std::chrono::milliseconds(0)), *g.crawl_delay);
  }
  return robots_rules(std::move(rules), delay);
}

// ---- The fetch policy ----

bool robots_outcome::allowed(std::string_view path_and_query) const {
  switch (status) {
    case robots_status::rules:
      return rules.allowed(path_and_query);
    case robots_status::allow_all:
      return true;
    case robots_status::disallow_all:
      return is_robots_txt(make_target(path_and_query));
  }
  return false;
}

std::size_t robots_cache::key_hash::operator()(std::string_view s) const noexcept {
  return std::hash<std::string_view>{}(s);
}

robots_cache::robots_cache(robots_cache_options options)
    : options_(std::move(options)), token_(product_token(options_.user_agent)) {
  options_.max_origins = std::max<std::size_t>(options_.max_origins, 1);
}

std::shared_ptr<const robots_outcome> robots_cache::lookup(std::string_view origin,
                                                           time_point now) {
  const auto found = index_.find(origin);
  if (found == index_.end()) return nullptr;
  const slot_list::iterator entry = found->second;
  if (now >= entry->outcome->expires) {
    index_.erase(found);
    order_.erase(entry);
    return nullptr;
  }
  order_.splice(order_.begin(), order_, entry);
  return entry->outcome;
}

std::shared_ptr<const robots_outcome> robots_cache::store_response(std::string_view origin,
                                                                   int status,
                                                                   std::string_view body,
                                                                   time_point now) {
  robots_outcome outcome;
  outcome.http_status = status;
  if (status >= 200 && status <= 299) {  // RFC 9309 2.3.1.1
    const robots file = robots::parse(body, options_.parse);
    outcome.status = robots_status::rules;
    outcome.rules = file.rules_for(token_);
    outcome.sitemaps = file.sitemaps();
    outcome.truncated = file.truncated();
    outcome.expires = now + options_.ttl;
  } else if (status >= 300 && status <= 499 && status != 429) {
    // RFC 9309 2.3.1.3; a 3xx here is a redirect chain the fetcher gave up on, which 2.3.1.2
    // lets a crawler treat as unavailable. 429 asks to come back later, not "there is none".
    outcome.status = robots_status::allow_all;
    outcome.expires = now + options_.ttl;
  } else {  // RFC 9309 2.3.1.4: 5xx, and anything unexpected, is "unreachable"
    outcome.status = robots_status::disallow_all;
    outcome.expires = now + options_.retry;
  }
  return put(origin, std::move(outcome));
}

std::shared_ptr<const robots_outcome> robots_cache::store_failure(std::string_view origin,
                                                                  time_point now) {
  robots_outcome outcome;
  outcome.status = robots_status::disallow_all;  // RFC 9309 2.3.1.4
  outcome.expires = now + options_.retry;
  return put(origin, std::move(outcome));
}

void robots_cache::erase(std::string_view origin) {
  const auto found = index_.find(origin);
  if (found == index_.end()) return;
  order_.erase(found->second);
  index_.erase(found);
}

std::shared_ptr<const robots_outcome> robots_cache::put(std::string_view origin,
                                                        robots_outcome outcome) {
  auto shared = std::make_shared<const robots_outcome>(std::move(outcome));
  if (const auto found = index_.find(origin); found != index_.end()) {
    found->second->outcome = shared;
    order_.splice(order_.begin(), order_, found->second);
    return shared;
  }
  if (index_.size() >= options_.max_origins) {  // the least recently used origin goes
    index_.erase(order_.back().origin);
    order_.pop_back();
  }
  order_.push_front(slot{std::string(origin), shared});
  index_.emplace(order_.front().origin, order_.begin());
  return shared;
}

std::string robots_origin(const url::url& u) {
  return u.origin();
}

std::string robots_txt_url(const url::url& u) {
  return u.origin() + "/robots.txt";
}

}  // namespace corofetch::crawl
