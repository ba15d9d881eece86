// Cookies (RFC 6265): Set-Cookie parsing (5.2) with the cookie-date algorithm (5.1.1), the
// storage model (5.3) with public suffixes refused through libpsl, the Cookie field (5.4), the
// limits of 6.1, and the Netscape cookie file curl reads and writes (-b/-c).
#include <corofetch/client/cookie_jar.hpp>
#include <corofetch/http/fields.hpp>
#include <corofetch/http/syntax.hpp>
#include <corofetch/net/address.hpp>
#include <corofetch/url/public_suffix.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <limits>
#include <memory>

namespace corofetch::client {

using std::chrono::system_clock;

namespace {

class cookie_category_impl final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "corofetch.cookie"; }
  [[nodiscard]] std::string message(int ev) const override {
    switch (static_cast<cookie_errc>(ev)) {
      case cookie_errc::malformed:
        return "malformed Set-Cookie";
      case cookie_errc::too_large:
        return "cookie too large";
      case cookie_errc::domain_mismatch:
        return "cookie Domain does not match the request host";
      case cookie_errc::public_suffix:
        return "cookie Domain is a public suffix";
      case cookie_errc::not_http:
        return "cookies need an http or https URL";
    }
    return "unknown cookie error";
  }
};

// RFC 6265 5.2.1 and 5.2.2 clamp dates to "the earliest / latest date that can be represented";
// these are the bounds of the 5.1.1 grammar (a year from 1601 to 9999).
constexpr cookie_time earliest_time{std::chrono::sys_days{std::chrono::year{1601} / 1 / 1}};
constexpr cookie_time latest_time{std::chrono::sys_days{std::chrono::year{9999} / 12 / 31} +
                                  std::chrono::seconds{86399}};

// RFC 6265bis 5.6 (steps 3 and 4 of attribute parsing): longer attribute values are ignored.
constexpr std::size_t max_attribute_value = 1024;

cookie_time to_cookie_time(system_clock::time_point t) {
  return std::chrono::floor<std::chrono::seconds>(t);
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// RFC 6265 5.2: WSP is SP or HTAB.
std::string_view trim_wsp(std::string_view s) noexcept {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// CTLs (TAB included) in a name, value, Domain or Path: a cookie holding one would make every
// later request fail validation (RFC 9110 5.5) or split a cookie-file line (RFC 6265bis 5.6
// ignores such cookies too).
bool has_control(std::string_view s) noexcept {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_ip_literal(std::string_view host) noexcept {
  return host.find(':') != std::string_view::npos || net::parse_ipv4(host).has_value();
}

// RFC 6265 5.1.2 canonicalized host: the URL parser already lowercased it and converted it to
// ASCII; an IPv6 address loses its brackets (as curl stores it).
std::string_view request_host(const url::url& u) noexcept {
  std::string_view h = u.hostname();
  if (u.host_type() == url::host_kind::ipv6 && h.size() >= 2) h = h.substr(1, h.size() - 2);
  return h;
}

// ---- the cookie-date algorithm (RFC 6265 5.1.1) --------------------------------------------

bool is_date_delimiter(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x09 || (u >= 0x20 && u <= 0x2f) || (u >= 0x3b && u <= 0x40) ||
         (u >= 0x5b && u <= 0x60) || (u >= 0x7b && u <= 0x7e);
}

// Reads min..max digits from the front of `s` into `value`; the grammar then wants the end of
// the token or a non-digit ("( non-digit *OCTET )").
bool read_number(std::string_view& s, std::size_t min, std::size_t max, int& value) noexcept {
  std::size_t n = 0;
  value = 0;
  while (n < s.size() && n < max && is_digit(s[n])) value = value * 10 + (s[n++] - '0');
  if (n < min) return false;
  s.remove_prefix(n);
  return s.empty() || !is_digit(s.front());
}

bool read_colon(std::string_view& s) noexcept {
  if (s.empty() || s.front() != ':') return false;
  s.remove_prefix(1);
  return true;
}

// time = hms-time ( non-digit *OCTET ); hms-time = time-field ":" time-field ":" time-field.
bool match_time(std::string_view token, std::array<int, 3>& hms) noexcept {
  return read_number(token, 1, 2, hms[0]) && read_colon(token) &&
         read_number(token, 1, 2, hms[1]) && read_colon(token) && read_number(token, 1, 2, hms[2]);
}

// month = ( "jan" / "feb" / ... / "dec" ) *OCTET, case-insensitively.
int match_month(std::string_view token) noexcept {
  static constexpr std::array<std::string_view, 12> months{
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return 0;
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (http::iequals(token.substr(0, 3), months[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}

struct date_parts {
  std::array<int, 3> hms{};
  int day = 0;
  int month = 0;
  int year = 0;
  bool found_time = false;
  bool found_day = false;
  bool found_year = false;

  // Step 2: each token is the first of time, day-of-month, month, year it matches and that was
  // not found yet.
  void take(std::string_view token) noexcept {
    std::array<int, 3> t{};
    if (!found_time && match_time(token, t)) {
      hms = t;
      found_time = true;
      return;
    }
    int n = 0;
    std::string_view rest = token;
    if (!found_day && read_number(rest, 1, 2, n)) {
      day = n;
      found_day = true;
      return;
    }
    if (month == 0 && (month = match_month(token)) != 0) return;
    rest = token;
    if (!found_year && read_number(rest, 2, 4, n)) {
      year = n;
      found_year = true;
    }
  }
};

}  // namespace

const std::error_category& cookie_category() noexcept {
  static const cookie_category_impl category;
  return category;
}

result<cookie_time> parse_cookie_date(std::string_view text) {
  date_parts p;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_date_delimiter(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_date_delimiter(text[i])) ++i;
    if (i > start) p.take(text.substr(start, i - start));
  }
  const auto invalid = std::make_error_code(std::errc::invalid_argument);
  if (!p.found_time || !p.found_day || p.month == 0 || !p.found_year) return invalid;
  // Steps 3 and 4: two-digit years, 70-99 in the 1900s and 00-69 in the 2000s.
  if (p.year >= 70 && p.year <= 99) p.year += 1900;
  if (p.year >= 0 && p.year <= 69) p.year += 2000;
  if (p.day < 1 || p.day > 31 || p.year < 1601 || p.hms[0] > 23 || p.hms[1] > 59 || p.hms[2] > 59) {
    return invalid;
  }
  const std::chrono::year_month_day date{std::chrono::year{p.year},
                                         std::chrono::month{static_cast<unsigned>(p.month)},
                                         std::chrono::day{static_cast<unsigned>(p.day)}};
  if (!date.ok()) return invalid;  // step 6: "February 30"
  return cookie_time{std::chrono::sys_days{date} + std::chrono::hours{p.hms[0]} +
                     std::chrono::minutes{p.hms[1]} + std::chrono::seconds{p.hms[2]}};
}

bool domain_match(std::string_view host, std::string_view domain) noexcept {
  if (domain.empty()) return false;
  if (host == domain) return true;
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.' && !is_ip_literal(host);
}

std::string_view default_path(std::string_view request_path) noexcept {
  if (request_path.empty() || request_path.front() != '/') return "/";
  const auto last = request_path.rfind('/');
  if (last == 0) return "/";
  return request_path.substr(0, last);
}

bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept {
  if (request_path == cookie_path) return true;
  if (cookie_path.empty() || !request_path.starts_with(cookie_path)) return false;
  return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

std::string_view to_string(same_site_policy p) noexcept {
  switch (p) {
    case same_site_policy::strict:
      return "Strict";
    case same_site_policy::lax:
      return "Lax";
    case same_site_policy::none:
      return "None";
    case same_site_policy::unset:
      break;
  }
  return "";
}

// ---- Set-Cookie (RFC 6265 5.2) ---------------------------------------------------------------

namespace {

// 5.2.2 Max-Age: an optional '-' and digits; zero or less means "already expired".
std::optional<cookie_time> max_age_expiry(std::string_view v, cookie_time now) {
  const bool negative = !v.empty() && v.front() == '-';
  const std::string_view digits = negative ? v.substr(1) : v;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) return std::nullopt;
  if (negative || digits.find_first_not_of('0') == std::string_view::npos) return earliest_time;
  const auto room = (latest_time - now).count();
  std::int64_t delta = 0;
  for (char c : digits) {
    delta = delta * 10 + (c - '0');
    if (delta >= room) return latest_time;  // saturates: no overflow however many digits
  }
  return now + std::chrono::seconds{delta};
}

// 5.2.3 Domain: the leading dot ignored, lowercased; a non-ASCII name goes through the URL
// parser's IDNA (5.1.2), unless it holds characters that would change what the parser reads.
std::string canonical_domain(std::string_view v) {
  if (v.front() == '.') v.remove_prefix(1);
  const bool ascii =
      std::all_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii && v.find_first_of("/\\?#@:[]% ") == std::string_view::npos) {
    if (auto u = url::parse("http://" + std::string(v) + "/"); u) return std::string(u->hostname());
  }
  return ascii_lower(v);
}

same_site_policy parse_same_site(std::string_view v) noexcept {
  if (http::iequals(v, "Strict")) return same_site_policy::strict;
  if (http::iequals(v, "Lax")) return same_site_policy::lax;
  if (http::iequals(v, "None")) return same_site_policy::none;
  return same_site_policy::unset;  // unknown values are ignored
}

struct attribute_state {
  std::optional<cookie_time> expires;
  std::optional<cookie_time> max_age;
};

// One cookie-av (5.2 steps 1-6, then 5.2.1 to 5.2.6); false when the cookie must be ignored.
bool apply_attribute(std::string_view av, set_cookie& out, attribute_state& st, cookie_time now) {
  const auto eq = av.find('=');
  const std::string_view name = trim_wsp(av.substr(0, eq));
  const std::string_view value = eq == std::string_view::npos ? "" : trim_wsp(av.substr(eq + 1));
  if (value.size() > max_attribute_value) return true;
  if (http::iequals(name, "Expires")) {
    if (auto t = parse_cookie_date(value); t) st.expires = *t;
  } else if (http::iequals(name, "Max-Age")) {
    if (auto t = max_age_expiry(value, now); t) st.max_age = t;
  } else if (http::iequals(name, "Domain")) {
    if (value.empty() || value == ".") return true;  // 5.2.3: SHOULD ignore the cookie-av
    if (has_control(value)) return false;
    out.domain = canonical_domain(value);
  } else if (http::iequals(name, "Path")) {
    if (has_control(value)) return false;
    // 5.2.4: empty or not starting with '/' means the default-path, worked out at storage.
    out.path =
        value.empty() || value.front() != '/' ? std::nullopt : std::optional<std::string>(value);
  } else if (http::iequals(name, "Secure")) {
    out.secure = true;
  } else if (http::iequals(name, "HttpOnly")) {
    out.http_only = true;
  } else if (http::iequals(name, "SameSite")) {
    out.same_site = parse_same_site(value);
  }
  return true;
}

}  // namespace

result<set_cookie> parse_set_cookie(std::string_view text, system_clock::time_point now) {
  const auto semicolon = text.find(';');
  const std::string_view pair = text.substr(0, semicolon);
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return cookie_errc::malformed;  // 5.2 step 2
  const std::string_view name = trim_wsp(pair.substr(0, eq));
  const std::string_view value = trim_wsp(pair.substr(eq + 1));
  if (name.empty() || has_control(name) || has_control(value)) return cookie_errc::malformed;
  set_cookie out;
  out.name = name;
  out.value = value;
  attribute_state st;
  std::string_view rest = semicolon == std::string_view::npos ? "" : text.substr(semicolon + 1);
  while (!rest.empty()) {
    const auto next = rest.find(';');
    if (!apply_attribute(rest.substr(0, next), out, st, to_cookie_time(now))) {
      return cookie_errc::malformed;
    }
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
  }
  // 5.3 step 3: Max-Age has precedence over Expires, whatever their order.
  out.expires = st.max_age ? st.max_age : st.expires;
  return out;
}

namespace {

std::string imf_fixdate(cookie_time t) {
  static constexpr std::array<std::string_view, 7> weekdays{"Sun", "Mon", "Tue", "Wed",
                                                            "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> months{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                     weekdays[std::chrono::weekday{day}.c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

}  // namespace

std::string to_set_cookie(const cookie& c) {
  std::string out = c.name + "=" + c.value;
  if (!c.host_only) out.append("; Domain=").append(c.domain);
  out.append("; Path=").append(c.path);
  if (c.expires) out.append("; Expires=").append(imf_fixdate(*c.expires));
  if (c.secure) out.append("; Secure");
  if (c.http_only) out.append("; HttpOnly");
  if (c.same_site != same_site_policy::unset) {
    out.append("; SameSite=").append(to_string(c.same_site));
  }
  return out;
}

// ---- the storage model (RFC 6265 5.3) -------------------------------------------------------

namespace {

// 5.3 steps 4 to 9: domain, host-only flag and path, from the request when not given.
result<cookie> make_cookie(set_cookie&& sc, const url::url& request_url) {
  const std::string_view host = request_host(request_url);
  std::string domain = sc.domain.value_or(std::string());
  if (!domain.empty() && !is_ip_literal(domain) && url::is_public_suffix(domain)) {
    if (domain != host) return cookie_errc::public_suffix;
    domain.clear();  // step 5: a public suffix that is the host itself makes a host-only cookie
  }
  cookie c;
  if (!domain.empty()) {
    if (!domain_match(host, domain)) return cookie_errc::domain_mismatch;
    // An IP address has no subdomains (5.1.3): its cookie is host-only, as curl keeps it.
    c.host_only = is_ip_literal(host);
    c.domain = std::move(domain);
  } else {
    c.domain = host;
  }
  c.path = sc.path ? std::move(*sc.path) : std::string(default_path(request_url.pathname()));
  c.name = std::move(sc.name);
  c.value = std::move(sc.value);
  c.expires = sc.expires;
  c.secure = sc.secure;
  c.http_only = sc.http_only;
  c.same_site = sc.same_site;
  return c;
}

bool is_expired(const cookie& c, cookie_time now) noexcept {
  return c.expires && *c.expires <= now;
}

// Removes a bucket's expired cookies (5.3: they are evicted whenever found); returns how many.
template <class Bucket>
std::size_t erase_expired(Bucket& b, cookie_time now) {
  return std::erase_if(b, [now](const auto& e) { return is_expired(e.value, now); });
}

// 5.3, last paragraph: among live cookies the least recently accessed goes first; creation
// order breaks ties of whole-second times.
template <class Entry>
bool used_before(const Entry& a, const Entry& b) noexcept {
  if (a.value.last_access != b.value.last_access) return a.value.last_access < b.value.last_access;
  return a.order < b.order;
}

// 5.4 step 2: longer paths first, then earlier creation.
template <class Entry>
bool sent_before(const Entry* a, const Entry* b) noexcept {
  if (a->value.path.size() != b->value.path.size()) {
    return a->value.path.size() > b->value.path.size();
  }
  if (a->value.creation != b->value.creation) return a->value.creation < b->value.creation;
  return a->order < b->order;
}

}  // namespace

cookie_jar::cookie_jar(cookie_limits limits, clock_function clock)
    : limits_(limits), clock_(std::move(clock)) {}

cookie_jar::time_point cookie_jar::now() const {
  return clock_ ? clock_() : system_clock::now();
}

std::error_code cookie_jar::store(std::string_view set_cookie_text, const url::url& request_url,
                                  time_point now) {
  if (request_url.scheme() != "http" && request_url.scheme() != "https") {
    return cookie_errc::not_http;
  }
  auto parsed = parse_set_cookie(set_cookie_text, now);
  if (!parsed) return parsed.error();
  if (parsed->name.size() + parsed->value.size() > limits_.max_cookie_bytes) {
    return cookie_errc::too_large;
  }
  auto made = make_cookie(std::move(*parsed), request_url);
  if (!made) return made.error();
  const std::lock_guard lock(mutex_);
  insert_locked(std::move(*made), to_cookie_time(now));
  return {};
}

std::size_t cookie_jar::store_all(const http::fields& response_fields, const url::url& request_url,
                                  time_point now) {
  std::size_t stored = 0;
  for (const http::field f : response_fields) {
    if (http::iequals(f.name, "Set-Cookie") && !store(f.value, request_url, now)) ++stored;
  }
  return stored;
}

void cookie_jar::insert_locked(cookie&& c, cookie_time now) {
  auto it = by_domain_.find(std::string_view(c.domain));
  if (it == by_domain_.end()) {
    if (is_expired(c, now)) return;
    it = by_domain_.emplace(c.domain, bucket{}).first;
  }
  bucket& b = it->second;
  const auto same = std::find_if(b.begin(), b.end(), [&c](const entry& e) {
    return e.value.name == c.name && e.value.path == c.path;
  });
  if (is_expired(c, now)) {  // an expired cookie only deletes (Max-Age=0, a past Expires)
    if (same != b.end()) {
      b.erase(same);
      --count_;
    }
    if (b.empty()) by_domain_.erase(it);
    return;
  }
  c.last_access = now;
  if (same != b.end()) {
    c.creation = same->value.creation;  // step 11.3: the old cookie's creation time stays
    same->value = std::move(c);
    return;
  }
  c.creation = now;
  b.push_back(entry{std::move(c), next_order_++});
  ++count_;
  evict_locked(b, now);
}

// RFC 6265 6.1 limits, with 5.3's eviction order: expired cookies, then those of a domain over
// its share, then any, the least recently used first.
void cookie_jar::evict_locked(bucket& b, cookie_time now) {
  if (b.size() > limits_.max_per_domain) {
    count_ -= erase_expired(b, now);
    while (b.size() > limits_.max_per_domain) {
      b.erase(std::min_element(b.begin(), b.end(), used_before<entry>));
      --count_;
    }
  }
  if (count_ <= limits_.max_total) return;
  for (auto& [domain, other] : by_domain_) count_ -= erase_expired(other, now);
  while (count_ > limits_.max_total) {
    bucket* oldest_bucket = nullptr;
    bucket::iterator oldest;
    for (auto& [domain, other] : by_domain_) {
      if (other.empty()) continue;
      const auto candidate = std::min_element(other.begin(), other.end(), used_before<entry>);
      if (oldest_bucket == nullptr || used_before(*candidate, *oldest)) {
        oldest_bucket = &other;
        oldest = candidate;
      }
    }
    if (oldest_bucket == nullptr) break;
    oldest_bucket->erase(oldest);
    --count_;
  }
  std::erase_if(by_domain_, [](const auto& kv) { return kv.second.empty(); });
}

// 5.4 step 1: the cookies of the host and of every domain above it, host-only ones for the
// host itself only, whose path matches, Secure ones over https only.
void cookie_jar::collect_locked(const url::url& request_url, cookie_time now) {
  matched_.clear();
  const std::string_view host = request_host(request_url);
  const bool secure_channel = request_url.scheme() == "https";
  const std::string_view path = request_url.pathname();
  const bool ip = is_ip_literal(host);  // an IP address matches itself only (5.1.3)
  std::string_view domain = host;
  for (;;) {
    if (auto it = by_domain_.find(domain); it != by_domain_.end()) {
      bucket& b = it->second;
      count_ -= erase_expired(b, now);
      for (entry& e : b) {
        const cookie& c = e.value;
        if ((c.host_only && domain != host) || (c.secure && !secure_channel)) continue;
        if (path_match(path, c.path)) matched_.push_back(&e);
      }
      if (b.empty()) by_domain_.erase(it);
    }
    const auto dot = domain.find('.');
    if (ip || dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
}

bool cookie_jar::append_cookie_header(const url::url& request_url, time_point now,
                                      std::string& out) {
  if (request_url.scheme() != "http" && request_url.scheme() != "https") return false;
  const std::lock_guard lock(mutex_);
  const cookie_time t = to_cookie_time(now);
  collect_locked(request_url, t);
  if (matched_.empty()) return false;
  std::sort(matched_.begin(), matched_.end(), sent_before<entry>);
  // 5.4 step 4: the pairs joined by "; ".
  for (std::size_t i = 0; i < matched_.size(); ++i) {
    cookie& c = matched_[i]->value;
    c.last_access = t;  // step 3
    if (i > 0) out.append("; ");
    out.append(c.name).append("=").append(c.value);
  }
  matched_.clear();
  return true;
}

std::string cookie_jar::cookie_header(const url::url& request_url, time_point now) {
  std::string out;
  append_cookie_header(request_url, now, out);
  return out;
}

std::vector<cookie> cookie_jar::cookies(time_point now) const {
  const cookie_time t = to_cookie_time(now);
  const std::lock_guard lock(mutex_);
  std::vector<const entry*> live;
  live.reserve(count_);
  for (const auto& [domain, b] : by_domain_) {
    for (const entry& e : b) {
      if (!is_expired(e.value, t)) live.push_back(&e);
    }
  }
  std::sort(live.begin(), live.end(), [](const entry* a, const entry* b) {
    if (a->value.domain != b->value.domain) return a->value.domain < b->value.domain;
    if (a->value.path != b->value.path) return a->value.path < b->value.path;
    return a->order < b->order;
  });
  std::vector<cookie> out;
  out.reserve(live.size());
  for (const entry* e : live) out.push_back(e->value);
  return out;
}

std::size_t cookie_jar::size() const {
  const std::lock_guard lock(mutex_);
  return count_;
}

void cookie_jar::clear() {
  const std::lock_guard lock(mutex_);
  by_domain_.clear();
  count_ = 0;
}

void cookie_jar::end_session() {
  const std::lock_guard lock(mutex_);
  for (auto& [domain, b] : by_domain_) {
    count_ -= std::erase_if(b, [](const entry& e) { return !e.value.expires.has_value(); });
  }
  std::erase_if(by_domain_, [](const auto& kv) { return kv.second.empty(); });
}

// ---- the Netscape cookie file ---------------------------------------------------------------

namespace {

constexpr std::string_view http_only_prefix = "#HttpOnly_";

bool parse_flag(std::string_view text, bool& flag) noexcept {
  if (http::iequals(text, "TRUE")) {
    flag = true;
  } else if (http::iequals(text, "FALSE")) {
    flag = false;
  } else {
    return false;
  }
  return true;
}

// Splits a line at its tabs; false when there are more than `fields.size()` fields.
bool split_tabs(std::string_view line, std::array<std::string_view, 7>& fields,
                std::size_t& count) noexcept {
  count = 0;
  for (;;) {
    if (count == fields.size()) return false;
    const auto tab = line.find('\t');
    fields[count++] = line.substr(0, tab);
    if (tab == std::string_view::npos) return true;
    line.remove_prefix(tab + 1);
  }
}

// One cookie line (the "#HttpOnly_" prefix already removed): "" and the cookie, or why not.
std::string parse_cookie_line(std::string_view line, cookie& c) {
  std::array<std::string_view, 7> f{};
  std::size_t count = 0;
  // curl writes 6 fields for an empty value, when a value is empty and the line trimmed.
  if (!split_tabs(line, f, count) || count < 6) {
    return "expected 7 tab-separated fields: domain, include-subdomains, path, secure, expiry, "
           "name, value";
  }
  bool subdomains = false;
  if (!parse_flag(f[1], subdomains)) return "include-subdomains is neither TRUE nor FALSE";
  if (!parse_flag(f[3], c.secure)) return "secure is neither TRUE nor FALSE";
  std::int64_t expiry = 0;
  const auto [end, ec] = std::from_chars(f[4].data(), f[4].data() + f[4].size(), expiry);
  if (ec != std::errc{} || end != f[4].data() + f[4].size() || expiry < 0) {
    return "expiry is not a number of seconds";
  }
  std::string_view domain = f[0];
  if (!domain.empty() && domain.front() == '.') {
    domain.remove_prefix(1);
    subdomains = true;  // wget and browsers' exports mark domain cookies so
  }
  if (domain.empty()) return "empty domain";
  if (f[2].empty() || f[2].front() != '/') return "path does not start with '/'";
  if (f[5].empty()) return "empty name";
  if (has_control(domain) || has_control(f[2]) || has_control(f[5]) || has_control(f[6])) {
    return "control character in a field";
  }
  c.domain = ascii_lower(domain);
  c.host_only = !subdomains;
  c.path = f[2];
  if (expiry != 0) c.expires = std::min(cookie_time{std::chrono::seconds{expiry}}, latest_time);
  c.name = f[5];
  c.value = count == 7 ? f[6] : std::string_view();
  return {};
}

void write_cookie_line(const cookie& c, std::string& out) {
  if (c.http_only) out.append(http_only_prefix);
  if (!c.host_only) out.push_back('.');
  const std::int64_t expiry = c.expires ? c.expires->time_since_epoch().count() : 0;
  fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\t{}\t{}\t{}\n", c.domain,
                 c.host_only ? "FALSE" : "TRUE", c.path, c.secure ? "TRUE" : "FALSE", expiry,
                 c.name, c.value);
}

struct file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

std::error_code last_system_error() {
  return {errno, std::generic_category()};
}

}  // namespace

cookie_file_report cookie_jar::read_netscape(std::string_view text, time_point now) {
  cookie_file_report report;
  const cookie_time t = to_cookie_time(now);
  std::size_t number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? "" : text.substr(newline + 1);
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    cookie c;
    if (line.starts_with(http_only_prefix)) {
      line.remove_prefix(http_only_prefix.size());
      c.http_only = true;
    } else if (trim_wsp(line).empty() || line.front() == '#') {
      continue;  // blank lines and comments
    }
    if (std::string reason = parse_cookie_line(line, c); !reason.empty()) {
      report.problems.push_back({number, std::move(reason)});
    } else if (c.name.size() + c.value.size() > limits_.max_cookie_bytes) {
      report.problems.push_back({number, "cookie over the size limit"});
    } else if (is_expired(c, t)) {
      ++report.expired;
    } else {
      const std::lock_guard lock(mutex_);
      insert_locked(std::move(c), t);
      ++report.loaded;
    }
  }
  return report;
}

std::string cookie_jar::write_netscape(time_point now) const {
  std::string out =
      "# Netscape HTTP Cookie File\n"
      "# Written by corofetch: domain, include-subdomains, path, secure, expiry, name, value.\n"
      "\n";
  for (const cookie& c : cookies(now)) write_cookie_line(c, out);
  return out;
}

result<cookie_file_report> cookie_jar::load(const std::filesystem::path& file, time_point now) {
  const file_ptr f(std::fopen(file.c_str(), "rb"));
  if (!f) return last_system_error();
  std::string text;
  std::array<char, 16384> buffer{};
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), f.get());
    text.append(buffer.data(), n);
    if (n < buffer.size()) break;
  }
  if (std::ferror(f.get()) != 0) return std::make_error_code(std::errc::io_error);
  return read_netscape(text, now);
}

std::error_code cookie_jar::save(const std::filesystem::path& file, time_point now) const {
  const std::string text = write_netscape(now);
  // Written beside the file, then renamed over it: a crash never leaves half a jar. Readable by
  // the owner only, as the cookies are credentials.
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  {
    const file_ptr f(std::fopen(temporary.c_str(), "wb"));
    if (!f) return last_system_error();
    std::error_code ec;
    std::filesystem::permissions(
        temporary, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    if (std::fwrite(text.data(), 1, text.size(), f.get()) != text.size() ||
        std::fflush(f.get()) != 0) {
      const std::error_code failed =
          errno != 0 ? last_system_error() : std::make_error_code(std::errc::io_error);
      std::filesystem::remove(temporary, ec);
      return failed;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, file, ec);
  return ec;
}

}  // namespace corofetch::client
