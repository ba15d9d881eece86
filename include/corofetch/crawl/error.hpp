#pragma once

#include <system_error>

namespace corofetch::crawl {

/// Why a crawl input or output was refused; the category is "corofetch.crawl".
enum class errc {
  invalid_options = 1,  ///< a crawl, scope or politeness option out of range
  invalid_sitemap,      ///< a sitemap that is not well-formed XML or not urlset/sitemapindex
  sitemap_too_large,    ///< a sitemap over its byte or URL bound (sitemaps.org: 50 MiB, 50,000)
  warc_write_failed,    ///< the WARC file could not be written
  state_corrupt,        ///< the crawl state file cannot be read back
  invalid_warc_field,   ///< a WARC field name or value that cannot be written (CR, LF, space)
  warc_read_failed,     ///< a WARC file that cannot be read, or is not WARC records
};

/// The category of errc, named "corofetch.crawl"; one instance for the program's lifetime.
const std::error_category& crawl_category() noexcept;

/// An errc as a std::error_code in crawl_category() (found by argument-dependent lookup).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), crawl_category()};
}

}  // namespace corofetch::crawl

template <>
struct std::is_error_code_enum<corofetch::crawl::errc> : std::true_type {};
