#pragma once

#include <corofetch/result.hpp>
#include <corofetch/url/error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace corofetch::url {

/// What kind of host a URL has (WHATWG URL Standard, "host").
enum class host_kind : std::uint8_t {
  none,    ///< no host at all (mailto:x, news:comp.x)
  empty,   ///< an empty host (file:///etc)
  domain,  ///< a domain, ASCII after IDNA ("xn--...")
  ipv4,    ///< an IPv4 address, serialized dotted-decimal
  ipv6,    ///< an IPv6 address, compressed, lowercase, in brackets
  opaque,  ///< a non-special scheme's opaque host (percent-encoded)
};

/// A parsed URL record as the WHATWG URL Standard defines it (https://url.spec.whatwg.org/).
/// Immutable once parsed: the serialization (href) is kept in one buffer and every component is
/// a view into it, so getters never allocate. Cheap to move; copies copy one string.
class url {
 public:
  /// The serialization, e.g. "http://user:pw@www.example.com:8080/dir/file.html?q#f".
  [[nodiscard]] std::string_view href() const noexcept { return href_; }
  /// The scheme without ':' ("http", "mailto").
  [[nodiscard]] std::string_view scheme() const noexcept;
  /// The username, percent-encoded as in href; empty when absent.
  [[nodiscard]] std::string_view username() const noexcept;
  /// The password, percent-encoded as in href; empty when absent.
  [[nodiscard]] std::string_view password() const noexcept;
  /// The host as the URL Standard's `hostname`: IPv6 in brackets, empty when there is none.
  [[nodiscard]] std::string_view hostname() const noexcept;
  /// hostname, then ":port" when the port is not the scheme's default.
  [[nodiscard]] std::string_view host() const noexcept;
  [[nodiscard]] host_kind host_type() const noexcept { return host_kind_; }
  /// The port written in the URL, absent when it was omitted or equal to the default.
  [[nodiscard]] std::optional<std::uint16_t> port() const noexcept;
  /// The port a connection would use: port(), else the scheme's default, else none.
  [[nodiscard]] std::optional<std::uint16_t> effective_port() const noexcept;
  /// The path ("/dir/file.html"), or the opaque path of mailto:, news:, data: ...
  [[nodiscard]] std::string_view pathname() const noexcept;
  /// The query without '?'; nullopt when there is none ("?" alone gives an empty query).
  [[nodiscard]] std::optional<std::string_view> query() const noexcept;
  /// The fragment without '#'; nullopt when there is none.
  [[nodiscard]] std::optional<std::string_view> fragment() const noexcept;
  /// "?query" or "" (URL Standard `search`: empty for an empty query too).
  [[nodiscard]] std::string_view search() const noexcept;
  /// "#fragment" or "" (URL Standard `hash`).
  [[nodiscard]] std::string_view hash() const noexcept;
  /// path then "?query" when there is one: an HTTP origin-form request target (RFC 9112 3.2.1).
  [[nodiscard]] std::string_view path_and_query() const noexcept;
  /// The href without its fragment ("#..."): what a client requests and a cache is keyed on.
  /// This is the URL Standard's serialization with "exclude fragment" set (4.5 URL
  /// serializing), the canonical form for a crawler's seen-set: parsing already lowercased the
  /// scheme and host, converted the host to ASCII (IDNA), dropped a default port, resolved "."
  /// and ".." segments and percent-encoded what must be; it does not decode percent-escapes,
  /// reorder the query or drop an empty one ("?" stays), as the standard does not.
  [[nodiscard]] std::string_view href_without_fragment() const noexcept;
  /// The origin serialization, e.g. "https://example.com:8443"; "null" for opaque origins.
  [[nodiscard]] std::string origin() const;

  /// http, https, ftp, file, ws, wss (URL Standard "special scheme").
  [[nodiscard]] bool is_special() const noexcept;
  /// True for a URL like mailto:x or news:x whose path is one opaque string.
  [[nodiscard]] bool has_opaque_path() const noexcept { return opaque_path_; }
  [[nodiscard]] bool has_credentials() const noexcept;

  friend bool operator==(const url& a, const url& b) noexcept { return a.href_ == b.href_; }

 private:
  friend class url_builder;  // lib/url/parser.cpp assembles href_ and the offsets below

  /// The scheme, as far as the URL Standard treats schemes differently.
  enum class scheme_id : std::uint8_t { other, http, https, ws, wss, ftp, file };
  static constexpr std::uint32_t npos = 0xFFFFFFFF;

  [[nodiscard]] std::uint32_t path_end() const noexcept;

  // href_ = scheme ":" ["//" [username [":" password] "@"] host [":" port]] ["/."] path
  //         ["?" query] ["#" fragment]
  // Offsets index href_. Without "//", username_begin_ .. host_end_ all equal scheme_end_ + 1.
  // "/." is the URL Standard's marker for a host-less path that starts with "//"; it belongs to
  // neither host nor path.
  std::string href_;
  std::uint32_t scheme_end_ = 0;      // index of ':'
  std::uint32_t username_begin_ = 0;  // after "scheme:" or "scheme://"
  std::uint32_t username_end_ = 0;    // ':' before the password, '@', or host_begin_
  std::uint32_t host_begin_ = 0;      // after '@' when there are credentials
  std::uint32_t host_end_ = 0;        // ':' before the port, or path_begin_
  std::uint32_t path_begin_ = 0;
  std::uint32_t query_begin_ = npos;     // index of '?', npos when there is no query
  std::uint32_t fragment_begin_ = npos;  // index of '#', npos when there is no fragment
  std::int32_t port_ = -1;               // -1: none written (or the scheme's default)
  host_kind host_kind_ = host_kind::none;
  scheme_id scheme_id_ = scheme_id::other;
  bool opaque_path_ = false;
};

/// Parses an absolute URL (URL Standard "basic URL parser" with no base). Leading and trailing
/// C0 controls and spaces are stripped, tabs and newlines removed, backslashes treated as '/'
/// in special URLs, hosts converted to ASCII (UTS 46 via libidn2). Errors in corofetch.url:
/// an invalid scheme, host, port, IPv4 or IPv6 address, or a relative reference without a base.
/// Never throws; linear in the input's length.
result<url> parse(std::string_view input);

/// Parses `input` as a reference relative to `base` (URL Standard, with a base URL), e.g.
/// "../img/a.png" against "http://h/dir/page.html" gives "http://h/img/a.png".
result<url> parse(std::string_view input, const url& base);

/// The default port of a special scheme: http 80, https 443, ftp 21, ws 80, wss 443.
[[nodiscard]] std::optional<std::uint16_t> default_port(std::string_view scheme) noexcept;

/// Percent-decodes `text` (URL Standard "percent-decode"): each "%XY" with two hex digits
/// becomes that byte; any other '%' stays as it is. The result may hold any byte, NUL included.
[[nodiscard]] std::string percent_decode(std::string_view text);

/// The name of the local file a URL is saved as (the seed's 1-3 default document): the last
/// path segment, percent-decoded, or "index.html" when the path ends in '/' or is empty.
/// Never "", ".", ".." and never contains '/' or NUL.
[[nodiscard]] std::string local_file_name(const url& u);

/// A 64-bit fingerprint of a canonical URL (url::href_without_fragment()), for a crawler's
/// seen-set: a hash of the bytes, stable across runs, builds and machines (words are read
/// little-endian whatever the host), so fingerprints may be stored and shared (a frontier on
/// disk, in Redis). Each 8-byte word is folded into the state by a 64x64->128-bit multiply
/// whose halves are xored; the length seeds the state. Not keyed and not cryptographic: an
/// adversary can build collisions, and by chance two of n URLs collide with probability about
/// n^2 / 2^65 (one in 37 million for 10^6 URLs). Never throws.
[[nodiscard]] std::uint64_t fingerprint(std::string_view canonical) noexcept;

/// fingerprint(u.href_without_fragment()): two URLs that differ only in their fragment share it.
[[nodiscard]] std::uint64_t fingerprint(const url& u) noexcept;

}  // namespace corofetch::url
