#include <corofetch/crawl/error.hpp>
#include <corofetch/detail/error_category.hpp>

namespace corofetch::crawl {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::invalid_options:
      return "crawl options out of range";
    case errc::invalid_sitemap:
      return "sitemap is not well-formed XML with a urlset or sitemapindex root";
    case errc::sitemap_too_large:
      return "sitemap is larger than its byte or URL bound";
    case errc::warc_write_failed:
      return "WARC file could not be written";
    case errc::state_corrupt:
      return "crawl state file cannot be read back";
    case errc::invalid_warc_field:
      return "WARC field name or value cannot be written";
    case errc::warc_read_failed:
      return "WARC file could not be read as WARC records";
  }
  return "unknown crawl error";
}

const detail::module_category category("corofetch.crawl", &describe);

}  // namespace

const std::error_category& crawl_category() noexcept {
  return category;
}

}  // namespace corofetch::crawl
