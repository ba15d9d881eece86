#pragma once

#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace corofetch::http {
class fields;
}

namespace corofetch::client {

/// Why a Set-Cookie was ignored (category "corofetch.cookie").
enum class cookie_errc {
  malformed = 1,    ///< no '=', an empty name, or a control character in a part (RFC 6265 5.2)
  too_large,        ///< name and value over cookie_limits::max_cookie_bytes (RFC 6265 6.1)
  domain_mismatch,  ///< the request host does not domain-match Domain (RFC 6265 5.3 step 6)
  public_suffix,    ///< Domain is a public suffix and not the request host (RFC 6265 5.3 step 5)
  not_http,         ///< the request URL is neither http: nor https:
};

/// The "corofetch.cookie" category.
const std::error_category& cookie_category() noexcept;

inline std::error_code make_error_code(cookie_errc e) noexcept {
  return {static_cast<int>(e), cookie_category()};
}

/// Cookie times: whole seconds since the epoch. Cookie dates reach year 9999 (RFC 6265 5.1.1),
/// past what system_clock::time_point holds in libstdc++ (nanoseconds, until 2262).
using cookie_time = std::chrono::sys_seconds;

/// The SameSite attribute (RFC 6265bis 5.6.7), kept and written out; a client that is not a
/// browser has no "site for cookies" to enforce it against.
enum class same_site_policy : std::uint8_t { unset, strict, lax, none };

/// A stored cookie (RFC 6265 5.3).
struct cookie {
  std::string name;
  std::string value;
  std::string domain;  ///< canonical host, lowercase, no leading dot, IPv6 without brackets
  std::string path;
  std::optional<cookie_time> expires;  ///< none: a session cookie (persistent-flag false)
  cookie_time creation{};
  cookie_time last_access{};
  bool host_only = true;  ///< sent to `domain` only, not to its subdomains
  bool secure = false;    ///< sent over https only
  bool http_only = false;
  same_site_policy same_site = same_site_policy::unset;
};

/// A Set-Cookie field value taken apart (RFC 6265 5.2), before the storage model.
struct set_cookie {
  std::string name;
  std::string value;
  std::optional<cookie_time> expires;  ///< from Max-Age when present, else from Expires
  std::optional<std::string> domain;   ///< lowercase, leading dot removed
  std::optional<std::string> path;     ///< only a value starting with '/'
  bool secure = false;
  bool http_only = false;
  same_site_policy same_site = same_site_policy::unset;
};

/// Parses a Set-Cookie field value (RFC 6265 5.2); `now` anchors Max-Age. Unknown or invalid
/// attributes are ignored, the last of each kind wins, Max-Age wins over Expires. Errors:
/// cookie_errc::malformed (no '=', empty name, a control character or TAB in the name, value,
/// Domain or Path: it would corrupt a Cookie field or a cookie-file line).
[[nodiscard]] result<set_cookie> parse_set_cookie(std::string_view text,
                                                  std::chrono::system_clock::time_point now);

/// Parses a cookie date with RFC 6265 5.1.1's algorithm (any of RFC 1123, RFC 850 with two-digit
/// years, asctime, and the variants servers send). Errors: std::errc::invalid_argument when a
/// part is missing or out of range (day 1-31 of a real date, year >= 1601, 23:59:59).
[[nodiscard]] result<cookie_time> parse_cookie_date(std::string_view text);

/// RFC 6265 5.1.3: `host` equals `domain`, or ends with "." + domain and is not an IP address.
/// Both canonical (lowercase).
[[nodiscard]] bool domain_match(std::string_view host, std::string_view domain) noexcept;

/// RFC 6265 5.1.4 default-path of a request path: up to, not including, its last '/'; "/" when
/// that leaves nothing or the path does not start with '/'.
[[nodiscard]] std::string_view default_path(std::string_view request_path) noexcept;

/// RFC 6265 5.1.4 path-match: equal, or `cookie_path` is a prefix that ends in '/' or is
/// followed by '/' in `request_path`.
[[nodiscard]] bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept;

/// "Strict", "Lax", "None", or "" when unset.
[[nodiscard]] std::string_view to_string(same_site_policy p) noexcept;

/// The cookie as a Set-Cookie value, every attribute written out (Expires as an RFC 9110
/// IMF-fixdate, SameSite included): for logs and tools.
[[nodiscard]] std::string to_set_cookie(const cookie& c);

/// The bounds of a jar (RFC 6265 6.1 asks for at least these).
struct cookie_limits {
  std::size_t max_cookie_bytes = 4096;  ///< name and value together
  std::size_t max_per_domain = 50;      ///< cookies with one Domain (or host)
  std::size_t max_total = 3000;
};

/// A line of a cookie file that was skipped, and why.
struct cookie_file_problem {
  std::size_t line = 0;  ///< 1-based
  std::string reason;
};

/// What reading a cookie file did.
struct cookie_file_report {
  std::size_t loaded = 0;
  std::size_t expired = 0;  ///< lines skipped because their cookie had expired
  std::vector<cookie_file_problem> problems;
};

/// A cookie store (RFC 6265 5.3 and 5.4) with its limits, read and written in the Netscape
/// cookie-file format curl uses (-b/-c). Every operation takes `now` so tests control time; the
/// client passes now() (the clock given at construction, system_clock by default). Thread-safe:
/// a mutex guards the store, so one jar can serve clients on several threads.
class cookie_jar {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using clock_function = std::function<time_point()>;

  /// An empty jar; an empty `clock` means std::chrono::system_clock::now.
  explicit cookie_jar(cookie_limits limits = {}, clock_function clock = {});
  cookie_jar(const cookie_jar&) = delete;
  cookie_jar& operator=(const cookie_jar&) = delete;

  /// The jar's clock.
  [[nodiscard]] time_point now() const;

  /// Stores the cookie of one Set-Cookie value received for `request_url` (RFC 6265 5.3): a
  /// cookie with the same name, domain and path is replaced and keeps its creation time; an
  /// expired one only deletes; a Domain that is a public suffix is refused unless it is the
  /// request host (libpsl); over the limits, expired cookies then the least recently used are
  /// evicted. Errors: those of parse_set_cookie, cookie_errc::too_large, domain_mismatch,
  /// public_suffix, not_http.
  std::error_code store(std::string_view set_cookie_text, const url::url& request_url,
                        time_point now);
  /// store() for every Set-Cookie line of a response's fields; returns how many were accepted.
  std::size_t store_all(const http::fields& response_fields, const url::url& request_url,
                        time_point now);

  /// Appends the Cookie field value for a request to `request_url` (RFC 6265 5.4): cookies whose
  /// domain and path match, Secure ones over https only, longer paths first, then older; marks
  /// them accessed. Returns false, `out` untouched, when none applies. No allocation once `out`
  /// has grown.
  bool append_cookie_header(const url::url& request_url, time_point now, std::string& out);
  /// The Cookie field value for `request_url`, "" when none applies (see append_cookie_header).
  [[nodiscard]] std::string cookie_header(const url::url& request_url, time_point now);

  /// Every cookie not expired at `now`, by domain, path and creation.
  [[nodiscard]] std::vector<cookie> cookies(time_point now) const;
  /// Cookies stored, expired ones not yet evicted included.
  [[nodiscard]] std::size_t size() const;
  /// Forgets every cookie.
  void clear();
  /// Forgets the session cookies (RFC 6265 5.3: "the current session is over").
  void end_session();

  /// Adds the cookies of a Netscape cookie file's text (curl's format; "#HttpOnly_" marks
  /// HttpOnly). Malformed lines are skipped and reported with their line number, expired
  /// cookies skipped and counted; a line never replaces a cookie's creation time.
  cookie_file_report read_netscape(std::string_view text, time_point now);
  /// The unexpired cookies as a Netscape cookie file: a header, then per cookie a line of domain
  /// (a leading dot for a domain cookie), include-subdomains, path, secure, expiry (0 for a
  /// session cookie), name, value, tab-separated. Has no SameSite column (curl reads 7 fields).
  [[nodiscard]] std::string write_netscape(time_point now) const;
  /// read_netscape() of a file. Errors: the system error of opening or reading it.
  result<cookie_file_report> load(const std::filesystem::path& file, time_point now);
  /// write_netscape() to a file, replacing it. Errors: the system error of writing it.
  std::error_code save(const std::filesystem::path& file, time_point now) const;

 private:
  struct entry {
    cookie value;
    std::uint64_t order = 0;  // creation order, for ties of whole-second creation times
  };
  using bucket = std::vector<entry>;
  // Lets by_domain_ be searched with a string_view (C++20 heterogeneous lookup): no allocation.
  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  void insert_locked(cookie&& c, cookie_time now);
  void evict_locked(bucket& b, cookie_time now);
  void collect_locked(const url::url& request_url, cookie_time now);

  cookie_limits limits_;
  clock_function clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket, name_hash, std::equal_to<>>
      by_domain_;  // by cookie::domain
  std::size_t count_ = 0;
  std::uint64_t next_order_ = 0;
  std::vector<entry*> matched_;  // scratch of append_cookie_header, memory kept
};

}  // namespace corofetch::client

template <>
struct std::is_error_code_enum<corofetch::client::cookie_errc> : std::true_type {};
