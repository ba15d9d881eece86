#pragma once

#include <corofetch/crawl/error.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::crawl {

/// What a sitemap lists (sitemaps.org "XML tag definitions" and "Using Sitemap index files").
enum class sitemap_kind : std::uint8_t {
  urlset,  ///< <urlset>: page URLs (also every text sitemap)
  index,   ///< <sitemapindex>: URLs of further sitemaps
};

/// The <changefreq> values of the protocol; a hint, not a command.
enum class change_frequency : std::uint8_t {
  always,
  hourly,
  daily,
  weekly,
  monthly,
  yearly,
  never
};

/// One <url> of a urlset or one <sitemap> of an index.
struct sitemap_entry {
  /// <loc>, trimmed, entities resolved, parsed as an absolute http: or https: URL.
  url::url loc;
  /// <lastmod> as written, trimmed; "" when absent.
  std::string lastmod;
  /// lastmod read as a W3C Datetime (YYYY, YYYY-MM, YYYY-MM-DD, or with a time and a zone),
  /// in UTC, fractions of a second dropped; nullopt when absent or not such a date.
  std::optional<std::chrono::sys_seconds> lastmod_time;
  /// <changefreq>; nullopt when absent or not one of the protocol's values (urlset only).
  std::optional<change_frequency> changefreq;
  /// <priority>, 0.0 to 1.0; nullopt when absent or out of range (urlset only; the protocol's
  /// default is 0.5).
  std::optional<double> priority;
};

/// A parsed sitemap.
struct sitemap {
  sitemap_kind kind = sitemap_kind::urlset;
  /// The entries kept, in document order.
  std::vector<sitemap_entry> entries;
  /// Entries left out: no <loc>, a relative or unparsable URL, a scheme other than http and
  /// https, a URL longer than sitemap_options::max_url_length, or (with
  /// sitemap_options::same_location_only) a URL outside the sitemap's location.
  std::size_t skipped = 0;
};

/// Bounds and policy of a parse. The defaults are the protocol's limits.
struct sitemap_options {
  /// Entries allowed (sitemaps.org: at most 50,000 URLs per sitemap); skipped ones count too.
  std::size_t max_urls = 50'000;
  /// Bytes allowed after gzip decoding (sitemaps.org: 50MB, 52,428,800 bytes).
  std::uint64_t max_bytes = std::uint64_t{50} * 1024 * 1024;
  /// Longer <loc> values are skipped (sitemaps.org: "less than 2,048 characters").
  std::size_t max_url_length = 2048;
  /// Skip URLs that are not on the sitemap's scheme, host and port and under the directory of
  /// its path (sitemaps.org "Sitemap file location"). Off by default because a sitemap named
  /// in robots.txt may list other hosts ("Sitemaps & Cross Submits").
  bool same_location_only = false;
};

/// Parses an XML sitemap (sitemaps.org protocol 0.9): a <urlset> of <url> entries or a
/// <sitemapindex> of <sitemap> entries, in the protocol's namespace or in none. Elements of
/// other namespaces (image:, news:, video:, xhtml:link) are ignored. `bytes` may be gzip
/// compressed (recognized by its magic number, not by a name). `sitemap_url` is where the
/// document came from, for same_location_only.
///
/// Errors: errc::invalid_sitemap for XML that is not well-formed (expat's message), a root other
/// than urlset or sitemapindex, a DTD that declares entities (refused, so neither entity
/// expansion bombs nor external entities can happen; nothing is ever fetched), or corrupt gzip;
/// errc::sitemap_too_large beyond max_bytes (decoded) or max_urls. When `detail` is given, it
/// receives a one-line explanation on error, e.g. "line 3, column 7: mismatched tag" (both
/// counted from 1).
/// Never throws; one pass, expat fed in pieces.
result<sitemap> parse_sitemap(std::string_view bytes, const url::url& sitemap_url,
                              const sitemap_options& options = {}, std::string* detail = nullptr);

/// Parses a text sitemap (sitemaps.org "Text file"): one URL per line, LF or CRLF, UTF-8 with an
/// optional byte order mark; blank lines ignored; gzip recognized as for parse_sitemap. The
/// result is always a urlset with only locs. Errors: errc::sitemap_too_large beyond max_bytes
/// or max_urls, errc::invalid_sitemap for corrupt gzip. Never throws.
result<sitemap> parse_text_sitemap(std::string_view bytes, const url::url& sitemap_url,
                                   const sitemap_options& options = {},
                                   std::string* detail = nullptr);

/// Parses either form: XML when the first byte after an optional byte order mark and blanks is
/// '<', text otherwise (after gzip decoding). For a sitemap named in robots.txt, whose form
/// is not known in advance. Errors as parse_sitemap and parse_text_sitemap.
result<sitemap> parse_any_sitemap(std::string_view bytes, const url::url& sitemap_url,
                                  const sitemap_options& options = {},
                                  std::string* detail = nullptr);

/// Reads a W3C Datetime (the profile of ISO 8601 that sitemaps.org requires for <lastmod>):
/// YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD, YYYY-MM-DDThh:mm:ssTZD or with fractions of
/// a second, where TZD is Z or +hh:mm or -hh:mm. Returns UTC seconds, nullopt when malformed.
[[nodiscard]] std::optional<std::chrono::sys_seconds> parse_w3c_datetime(
    std::string_view text) noexcept;

}  // namespace corofetch::crawl
