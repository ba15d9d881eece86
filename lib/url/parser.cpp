// The URL Standard's basic URL parser (https://url.spec.whatwg.org/#concept-basic-url-parser),
// without state override. The states run forward only (scheme, authority, host, port, path,
// query, fragment), so each state is a member function that appends its part of the
// serialization straight into href_ and records the offset: one buffer, no per-part strings.
#include <corofetch/url/url.hpp>

#include "url/chars.hpp"
#include "url/host.hpp"

#include <algorithm>
#include <cstring>

namespace corofetch::url {

using detail::has;

class url_builder {
 public:
  url_builder(std::string_view input, const url* base) : base_(base) { prepare(input); }

  result<url> run();

 private:
  using scheme_id = url::scheme_id;

  static scheme_id identify_scheme(std::string_view s) noexcept;
  void prepare(std::string_view input);
  std::error_code parse();
  std::error_code after_scheme();
  std::error_code no_scheme();
  std::error_code relative_state();
  std::error_code relative_slash_state();
  std::error_code authority_state();
  std::error_code host_state(const char* authority_end);
  std::error_code port_state(const char* begin, const char* end);
  std::error_code path_start_state();
  std::error_code path_state();
  void scan_segment();
  std::error_code opaque_path_state();
  std::error_code query_state();
  std::error_code fragment_state();
  std::error_code after_path();
  std::error_code file_state();
  std::error_code file_slash_state();
  std::error_code file_host_state();

  void set_scheme_from_base();
  void copy_base_authority();
  void copy_base_path();
  void copy_base_query();
  void start_authority();
  void no_authority();
  void shorten_path();
  void finish();

  [[nodiscard]] std::uint32_t pos() const noexcept {
    return static_cast<std::uint32_t>(u_.href_.size());
  }
  [[nodiscard]] bool special() const noexcept { return u_.scheme_id_ != scheme_id::other; }
  [[nodiscard]] bool at(char c) const noexcept { return p_ < end_ && *p_ == c; }
  [[nodiscard]] bool at_slash() const noexcept {
    return p_ < end_ && (*p_ == '/' || (*p_ == '\\' && special()));
  }
  void skip_slashes() noexcept {
    while (p_ < end_ && (*p_ == '/' || *p_ == '\\')) ++p_;
  }

  const url* base_;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  std::string cleaned_;  // the input without tabs and newlines, only when it had some
  url u_;
};

namespace {

// Beyond this an offset could overflow: every input byte becomes at most three ("%XX").
constexpr std::size_t max_input = 0x50000000;

bool is_c0_or_space(char c) noexcept {
  return static_cast<unsigned char>(c) <= 0x20;
}

// URL Standard "Windows drive letter": an ASCII letter then ':' or '|'.
bool is_windows_drive_letter(std::string_view s) noexcept {
  return s.size() == 2 && detail::is_ascii_alpha(s[0]) && (s[1] == ':' || s[1] == '|');
}

// URL Standard "starts with a Windows drive letter".
bool starts_with_windows_drive_letter(const char* p, const char* end) noexcept {
  if (end - p < 2 || !is_windows_drive_letter(std::string_view(p, 2))) return false;
  if (end - p == 2) return true;
  const char c = p[2];
  return c == '/' || c == '\\' || c == '?' || c == '#';
}

bool is_dot(std::string_view s) noexcept {
  return s == "." || s == "%2e" || s == "%2E";
}

bool is_double_dot(std::string_view s) noexcept {
  auto dot_at = [&s](std::size_t& i) {
    if (i < s.size() && s[i] == '.') {
      ++i;
      return true;
    }
    if (i + 3 <= s.size() && s[i] == '%' && s[i + 1] == '2' &&
        (s[i + 2] == 'e' || s[i + 2] == 'E')) {
      i += 3;
      return true;
    }
    return false;
  };
  std::size_t i = 0;
  return s.size() >= 2 && s.size() <= 6 && dot_at(i) && dot_at(i) && i == s.size();
}

}  // namespace

url::scheme_id url_builder::identify_scheme(std::string_view s) noexcept {
  using id = scheme_id;
  switch (s.size()) {
    case 2:
      return s == "ws" ? id::ws : id::other;
    case 3:
      if (s == "wss") return id::wss;
      return s == "ftp" ? id::ftp : id::other;
    case 4:
      if (s == "http") return id::http;
      return s == "file" ? id::file : id::other;
    case 5:
      return s == "https" ? id::https : id::other;
    default:
      return id::other;
  }
}

void url_builder::prepare(std::string_view input) {
  // Strip leading and trailing C0 control or space, then remove every tab and newline.
  std::size_t b = 0;
  std::size_t e = input.size();
  while (b < e && is_c0_or_space(input[b])) ++b;
  while (e > b && is_c0_or_space(input[e - 1])) --e;
  input = input.substr(b, e - b);
  const auto is_tab_or_newline = [](char c) { return c == '\t' || c == '\n' || c == '\r'; };
  const auto contains = [input](char c) {
    return !input.empty() && std::memchr(input.data(), c, input.size()) != nullptr;
  };
  if (contains('\t') || contains('\n') || contains('\r')) {
    cleaned_.reserve(input.size());
    for (char c : input) {
      if (!is_tab_or_newline(c)) cleaned_.push_back(c);
    }
    input = cleaned_;
  }
  p_ = input.data();
  end_ = input.data() + input.size();
}

result<url> url_builder::run() {
  const std::size_t base_size = base_ != nullptr ? base_->href_.size() : 0;
  if (static_cast<std::size_t>(end_ - p_) + base_size > max_input) return errc::input_too_long;
  u_.href_.reserve(static_cast<std::size_t>(end_ - p_) + base_size / 2 + 16);
  if (auto ec = parse()) return ec;
  finish();
  if (u_.href_.size() >= url::npos) return errc::input_too_long;
  return std::move(u_);
}

std::error_code url_builder::parse() {
  if (p_ < end_ && detail::is_ascii_alpha(*p_)) {
    const char* q = p_ + 1;
    while (q < end_ && has(*q, detail::scheme_char)) ++q;
    if (q < end_ && *q == ':') {
      std::string& h = u_.href_;
      for (const char* s = p_; s < q; ++s) h.push_back(detail::to_lower(*s));
      u_.scheme_id_ = identify_scheme(h);
      u_.scheme_end_ = pos();
      h.push_back(':');
      p_ = q + 1;
      return after_scheme();
    }
  }
  return no_scheme();
}

// URL Standard "scheme state", after the ':'.
std::error_code url_builder::after_scheme() {
  if (u_.scheme_id_ == scheme_id::file) return file_state();
  if (special()) {
    if (base_ != nullptr && base_->scheme_id_ == u_.scheme_id_ &&
        !(p_ + 1 < end_ && p_[0] == '/' && p_[1] == '/')) {
      return relative_state();  // "special relative or authority state"
    }
    skip_slashes();  // "special authority slashes" and "ignore slashes" states
    return authority_state();
  }
  if (at('/')) {
    ++p_;
    if (at('/')) {  // "path or authority state"
      ++p_;
      return authority_state();
    }
    no_authority();
    return path_state();
  }
  no_authority();
  return opaque_path_state();
}

std::error_code url_builder::no_scheme() {
  if (base_ == nullptr) return errc::missing_scheme_non_relative_url;
  if (base_->opaque_path_) {
    if (!at('#')) return errc::missing_scheme_non_relative_url;
    const std::uint32_t keep = base_->fragment_begin_ != url::npos
                                   ? base_->fragment_begin_
                                   : static_cast<std::uint32_t>(base_->href_.size());
    std::string href = std::move(u_.href_);
    href.assign(base_->href_, 0, keep);
    u_ = *base_;
    u_.href_ = std::move(href);
    u_.fragment_begin_ = url::npos;
    return fragment_state();
  }
  if (base_->scheme_id_ == scheme_id::file) {
    u_.href_.assign("file:");
    u_.scheme_id_ = scheme_id::file;
    u_.scheme_end_ = 4;
    return file_state();
  }
  return relative_state();
}

void url_builder::set_scheme_from_base() {
  u_.href_.assign(base_->href_, 0, base_->scheme_end_ + 1);
  u_.scheme_end_ = base_->scheme_end_;
  u_.scheme_id_ = base_->scheme_id_;
}

// Copies "scheme:" and, when the base has a host, "//userinfo@host:port": in the states that
// use it the scheme is the base's, so the base's offsets apply unchanged.
void url_builder::copy_base_authority() {
  const url& b = *base_;
  const std::uint32_t end = b.host_kind_ == host_kind::none ? b.scheme_end_ + 1 : b.path_begin_;
  u_.href_.assign(b.href_, 0, end);
  u_.scheme_end_ = b.scheme_end_;
  u_.scheme_id_ = b.scheme_id_;
  u_.username_begin_ = b.username_begin_;
  u_.username_end_ = b.username_end_;
  u_.host_begin_ = b.host_begin_;
  u_.host_end_ = b.host_end_;
  u_.port_ = b.port_;
  u_.host_kind_ = b.host_kind_;
  u_.path_begin_ = end;
}

void url_builder::copy_base_path() {
  const std::uint32_t end = base_->path_end();
  u_.href_.append(base_->href_, base_->path_begin_, end - base_->path_begin_);
}

void url_builder::copy_base_query() {
  const url& b = *base_;
  if (b.query_begin_ == url::npos) return;
  const std::uint32_t end = b.fragment_begin_ != url::npos
                                ? b.fragment_begin_
                                : static_cast<std::uint32_t>(b.href_.size());
  u_.query_begin_ = pos();
  u_.href_.append(b.href_, b.query_begin_, end - b.query_begin_);
}

void url_builder::start_authority() {
  u_.href_.append("//");
  u_.username_begin_ = u_.username_end_ = u_.host_begin_ = pos();
}

void url_builder::no_authority() {
  u_.username_begin_ = u_.username_end_ = u_.host_begin_ = u_.host_end_ = u_.path_begin_ = pos();
  u_.host_kind_ = host_kind::none;
}

// URL Standard "relative state": the base is not file and has no opaque path.
std::error_code url_builder::relative_state() {
  set_scheme_from_base();
  if (at_slash()) {
    ++p_;
    return relative_slash_state();
  }
  copy_base_authority();
  copy_base_path();
  if (p_ == end_) {
    copy_base_query();
    return {};
  }
  if (*p_ == '?') return query_state();
  if (*p_ == '#') {
    copy_base_query();
    return fragment_state();
  }
  shorten_path();
  return path_state();
}

std::error_code url_builder::relative_slash_state() {
  if (special() && at_slash()) {
    skip_slashes();
    return authority_state();
  }
  if (at('/')) {
    ++p_;
    return authority_state();
  }
  copy_base_authority();
  return path_state();
}

// URL Standard "authority state": the userinfo is everything before the last '@' of the
// authority, so the authority's end is found first.
std::error_code url_builder::authority_state() {
  start_authority();
  const char* end = p_;
  for (; end < end_; ++end) {
    if (has(*end, detail::authority_end) && (*end != '\\' || special())) break;
  }
  const char* at_sign = nullptr;
  for (const char* q = end; q > p_;) {
    if (*--q == '@') {
      at_sign = q;
      break;
    }
  }
  if (at_sign != nullptr) {
    const char* colon = std::find(p_, at_sign, ':');
    std::string& h = u_.href_;
    detail::append_encoded(h, p_, colon, detail::userinfo_set);
    u_.username_end_ = pos();
    if (colon + 1 < at_sign) {
      h.push_back(':');
      detail::append_encoded(h, colon + 1, at_sign, detail::userinfo_set);
    }
    if (pos() != u_.username_begin_) h.push_back('@');
    u_.host_begin_ = pos();
    p_ = at_sign + 1;
    if (p_ == end) return errc::host_missing;
  }
  return host_state(end);
}

std::error_code url_builder::host_state(const char* authority_end) {
  bool in_brackets = false;
  const char* colon = authority_end;
  for (const char* q = p_; q < authority_end; ++q) {
    if (*q == '[') {
      in_brackets = true;
    } else if (*q == ']') {
      in_brackets = false;
    } else if (*q == ':' && !in_brackets) {
      colon = q;
      break;
    }
  }
  if (colon == p_) {
    if (colon != authority_end || special()) return errc::host_missing;
    u_.host_kind_ = host_kind::empty;
  } else {
    const std::string_view input(p_, static_cast<std::size_t>(colon - p_));
    if (auto ec = detail::parse_host(input, special(), u_.href_, u_.host_kind_)) return ec;
  }
  u_.host_end_ = pos();
  if (colon != authority_end) {
    if (auto ec = port_state(colon + 1, authority_end)) return ec;
  }
  p_ = authority_end;
  u_.path_begin_ = pos();
  return path_start_state();
}

std::error_code url_builder::port_state(const char* begin, const char* end) {
  std::uint32_t value = 0;
  for (const char* q = begin; q < end; ++q) {
    if (!detail::is_ascii_digit(*q)) return errc::port_invalid;
    value = value * 10 + static_cast<std::uint32_t>(*q - '0');
    if (value > 65535) {
      // Keep validating the remaining characters: a later non-digit is port_invalid.
      for (const char* r = q + 1; r < end; ++r) {
        if (!detail::is_ascii_digit(*r)) return errc::port_invalid;
      }
      return errc::port_out_of_range;
    }
  }
  if (begin == end) return {};
  const auto port = default_port(u_.scheme());
  if (port && *port == value) return {};
  u_.port_ = static_cast<std::int32_t>(value);
  u_.href_.push_back(':');
  char digits[8];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) u_.href_.push_back(digits[--n]);
  return {};
}

std::error_code url_builder::path_start_state() {
  if (special()) {
    if (at_slash()) ++p_;
    return path_state();
  }
  if (p_ == end_) return {};
  if (*p_ == '?') return query_state();
  if (*p_ == '#') return fragment_state();
  if (*p_ == '/') ++p_;
  return path_state();
}

// URL Standard "shorten a URL's path", on the path at the end of href_.
void url_builder::shorten_path() {
  std::string& h = u_.href_;
  const std::size_t begin = u_.path_begin_;
  if (h.size() == begin) return;
  if (u_.scheme_id_ == scheme_id::file && h.size() - begin == 3 &&
      detail::is_ascii_alpha(h[begin + 1]) && h[begin + 2] == ':') {
    return;  // a lone normalized Windows drive letter stays
  }
  const std::size_t slash = h.rfind('/');
  h.resize(slash < begin ? begin : slash);
}

// URL Standard "path state": each segment is written as '/' + the percent-encoded segment, then
// checked for "." and ".." (including %2e forms), which are taken back out.
std::error_code url_builder::path_state() {
  std::string& h = u_.href_;
  for (;;) {
    const std::size_t segment = h.size();
    h.push_back('/');
    scan_segment();
    const bool more = p_ < end_ && (*p_ == '/' || *p_ == '\\');
    const std::string_view s(h.data() + segment + 1, h.size() - segment - 1);
    if (s.size() <= 6 && !s.empty() && (s[0] == '.' || s[0] == '%')) {
      if (is_double_dot(s)) {
        h.resize(segment);
        shorten_path();
        if (!more) h.push_back('/');
      } else if (is_dot(s)) {
        h.resize(segment);
        if (!more) h.push_back('/');
      }
    } else if (u_.scheme_id_ == scheme_id::file && segment == u_.path_begin_ &&
               is_windows_drive_letter(s)) {
      h[segment + 2] = ':';
    }
    if (!more) break;
    ++p_;
  }
  return after_path();
}

// Appends one path segment, percent-encoded, and stops at the next '/', '?' or '#' (or '\\' in a
// special URL). One pass: runs of characters that need nothing are copied in bulk.
void url_builder::scan_segment() {
  std::string& h = u_.href_;
  constexpr std::uint16_t stop = detail::path_set | detail::path_delimiter;
  const bool is_special = special();
  for (;;) {
    const char* run = p_;
    while (p_ < end_ && !has(*p_, stop)) ++p_;
    h.append(run, p_);
    if (p_ == end_) return;
    const char c = *p_;
    if (c == '/' || c == '?' || c == '#' || (c == '\\' && is_special)) return;
    if (c == '\\') {
      h.push_back(c);  // not in the path percent-encode set
    } else {
      detail::append_encoded(h, p_, p_ + 1, detail::path_set);
    }
    ++p_;
  }
}

std::error_code url_builder::after_path() {
  if (p_ == end_) return {};
  if (*p_ == '?') return query_state();
  return fragment_state();
}

// URL Standard "opaque path state": C0 controls and non-ASCII are percent-encoded, and a space
// right before '?' or '#' becomes "%20" so that it survives a round trip.
std::error_code url_builder::opaque_path_state() {
  u_.opaque_path_ = true;
  const char* q = p_;
  while (q < end_ && *q != '?' && *q != '#') ++q;
  std::string& h = u_.href_;
  detail::append_encoded(h, p_, q, detail::c0_control_set);
  if (q < end_ && q > p_ && q[-1] == ' ') {
    h.pop_back();
    h.append("%20");
  }
  p_ = q;
  return after_path();
}

std::error_code url_builder::query_state() {
  // *p_ == '?'
  u_.query_begin_ = pos();
  u_.href_.push_back('?');
  ++p_;
  const char* q =
      static_cast<const char*>(std::memchr(p_, '#', static_cast<std::size_t>(end_ - p_)));
  if (q == nullptr) q = end_;
  detail::append_encoded(u_.href_, p_, q,
                         special() ? detail::special_query_set : detail::query_set);
  p_ = q;
  if (p_ == end_) return {};
  return fragment_state();
}

std::error_code url_builder::fragment_state() {
  // *p_ == '#'
  u_.fragment_begin_ = pos();
  u_.href_.push_back('#');
  ++p_;
  detail::append_encoded(u_.href_, p_, end_, detail::fragment_set);
  p_ = end_;
  return {};
}

// URL Standard "file state"; the scheme "file:" is written.
std::error_code url_builder::file_state() {
  u_.host_kind_ = host_kind::empty;
  if (at('/') || at('\\')) {
    ++p_;
    return file_slash_state();
  }
  if (base_ != nullptr && base_->scheme_id_ == scheme_id::file) {
    copy_base_authority();
    copy_base_path();
    if (p_ == end_) {
      copy_base_query();
      return {};
    }
    if (*p_ == '?') return query_state();
    if (*p_ == '#') {
      copy_base_query();
      return fragment_state();
    }
    if (starts_with_windows_drive_letter(p_, end_)) {
      u_.href_.resize(u_.path_begin_);
    } else {
      shorten_path();
    }
    return path_state();
  }
  start_authority();
  u_.host_end_ = u_.path_begin_ = pos();
  return path_state();
}

std::error_code url_builder::file_slash_state() {
  if (at('/') || at('\\')) {
    ++p_;
    return file_host_state();
  }
  if (base_ != nullptr && base_->scheme_id_ == scheme_id::file) {
    copy_base_authority();
    if (!starts_with_windows_drive_letter(p_, end_)) {
      const std::string_view base_path(base_->href_.data() + base_->path_begin_,
                                       base_->path_end() - base_->path_begin_);
      if (base_path.size() >= 3 && detail::is_ascii_alpha(base_path[1]) && base_path[2] == ':' &&
          (base_path.size() == 3 || base_path[3] == '/')) {
        u_.href_.append(base_path.substr(0, 3));
      }
    }
    return path_state();
  }
  start_authority();
  u_.host_end_ = u_.path_begin_ = pos();
  return path_state();
}

std::error_code url_builder::file_host_state() {
  start_authority();
  const char* end = p_;
  while (end < end_ && *end != '/' && *end != '\\' && *end != '?' && *end != '#') ++end;
  const std::string_view buffer(p_, static_cast<std::size_t>(end - p_));
  u_.host_kind_ = host_kind::empty;
  if (is_windows_drive_letter(buffer)) {
    // "file://C:/x": the drive letter is the path's first segment, the host stays empty.
    u_.host_end_ = u_.path_begin_ = pos();
    return path_state();
  }
  if (!buffer.empty()) {
    if (auto ec = detail::parse_host(buffer, true, u_.href_, u_.host_kind_)) return ec;
    if (std::string_view(u_.href_).substr(u_.host_begin_) == "localhost") {
      u_.href_.resize(u_.host_begin_);
      u_.host_kind_ = host_kind::empty;
    }
  }
  u_.host_end_ = u_.path_begin_ = pos();
  p_ = end;
  return path_start_state();
}

// The URL Standard's serializer writes "/." before a host-less path that starts with "//", so
// that the serialization does not read as an authority.
void url_builder::finish() {
  if (u_.host_kind_ != host_kind::none || u_.opaque_path_) return;
  const std::string_view h(u_.href_);
  if (u_.path_end() < u_.path_begin_ + 2u || h[u_.path_begin_ + 1] != '/') return;
  u_.href_.insert(u_.path_begin_, "/.");
  u_.path_begin_ += 2;
  if (u_.query_begin_ != url::npos) u_.query_begin_ += 2;
  if (u_.fragment_begin_ != url::npos) u_.fragment_begin_ += 2;
}

result<url> parse(std::string_view input) {
  return url_builder(input, nullptr).run();
}

result<url> parse(std::string_view input, const url& base) {
  return url_builder(input, &base).run();
}

}  // namespace corofetch::url
