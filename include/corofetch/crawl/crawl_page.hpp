#pragma once

#include <corofetch/client/response.hpp>
#include <corofetch/crawl/scope.hpp>
#include <corofetch/html/references.hpp>
#include <corofetch/url/url.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::crawl {

/// Why a URL was not requested.
enum class skip_reason : std::uint8_t {
  none,               ///< it was requested
  robots_disallowed,  ///< robots.txt disallows it, or could not be fetched (RFC 9309 2.3.1.4)
  out_of_scope,       ///< the scope leaves it out (crawl_page::skip_detail says how)
};

/// A short name: "none", "robots disallowed", "out of scope".
[[nodiscard]] std::string_view to_string(skip_reason reason) noexcept;

/// What happens to a link a page names.
enum class link_verdict : std::uint8_t {
  follow,             ///< queued, unless the seen-set already has it
  nofollow,           ///< rel=nofollow, or the page's robots meta says nofollow
  out_of_scope,       ///< crawl_link::scope says why
  too_deep,           ///< past crawl_options::max_depth
  robots_disallowed,  ///< its origin's robots.txt, already known, disallows it
  rejected,           ///< the page handler rejected it
};

/// A short name: "follow", "nofollow", "out of scope", "too deep", ...
[[nodiscard]] std::string_view to_string(link_verdict verdict) noexcept;

/// One link of a page: a hyperlink or frame of an HTML page, the Location of a redirect, or a
/// URL a sitemap lists.
struct crawl_link {
  /// The absolute URL; location.href_without_fragment() is what is queued.
  url::url location;
  html::reference_kind kind = html::reference_kind::hyperlink;
  bool redirect = false;  ///< the Location of a 3xx (same depth as the page)
  bool sitemap = false;   ///< a further sitemap, listed by a sitemap index
  bool nofollow = false;  ///< rel=nofollow on the link itself
  link_verdict verdict = link_verdict::follow;
  scope_verdict scope = scope_verdict::in_scope;

  /// Not to be followed (from a page handler).
  void reject() noexcept { verdict = link_verdict::rejected; }
};

/// What a crawler fetches for a URL, beyond pages.
enum class fetch_purpose : std::uint8_t {
  page,     ///< a frontier entry of kind page
  sitemap,  ///< a frontier entry of kind sitemap
  robots,   ///< a robots.txt (reported only with crawl_options::report_robots)
};

/// One URL that ended: fetched (whatever the status), failed after its retries, or skipped.
/// Handed to the page handler, which may keep what it copies; the object, its body included,
/// is reused for the next URL after the handler returns.
struct crawl_page {
  std::string url;       ///< the canonical URL requested
  std::string referrer;  ///< the canonical URL of the page that named it; "" for a seed
  std::uint32_t depth = 0;
  fetch_purpose purpose = fetch_purpose::page;
  std::uint16_t attempts = 0;  ///< requests made for it (1 + retries); 0 when skipped
  /// The final response: status, reason, version, fields, body (the size limit is
  /// fetch_options::max_body_bytes), response.url (the final URL), timing, body_bytes.
  /// Status 0 when no response came (a failure, a skip).
  client::response response;
  /// The media type of Content-Type, lowercased, without parameters: "text/html".
  std::string content_type;
  /// The head of the last request as sent (request line and fields), for WARC.
  std::string request_head;
  /// The peer's address; "" when the client does not tell it (it does not, today).
  std::string remote_address;
  /// When the last request began (WARC-Date) and how long its fetch took.
  std::chrono::system_clock::time_point fetched_at{};
  std::chrono::nanoseconds elapsed{0};
  /// Links found, in document order, each with its verdict.
  std::vector<crawl_link> links;
  bool html = false;      ///< the body was parsed as HTML (2xx, text/html or xhtml)
  bool noindex = false;   ///< <meta name=robots content=noindex> (or the crawler's own name)
  bool nofollow = false;  ///< <meta name=robots content=nofollow>: no link followed
  /// Why no response came (the client's error after the last retry), or why a response could
  /// not be read (an HTML or sitemap error, with the status kept).
  std::error_code error;
  std::string error_detail;
  skip_reason skipped = skip_reason::none;
  /// For a skip: "Disallow: /private/ (line 3)", "robots.txt unreachable: HTTP 503",
  /// "other host", "excluded" (to_string(scope_verdict) for the scope), ...
  std::string skip_detail;

  [[nodiscard]] int status() const noexcept { return response.status; }
  /// The URL of the final response; url when there was none (no redirects are followed by
  /// default, so the same as url).
  [[nodiscard]] std::string_view final_url() const noexcept {
    return response.url.empty() ? std::string_view(url) : std::string_view(response.url);
  }
};

/// What a page handler may do besides looking.
class crawl_control {
 public:
  virtual ~crawl_control() = default;
  /// Queues `target` (absolute, or relative to the page's final URL) as a link of the page:
  /// one level deeper, outside the scope and depth checks, through the seen-set and robots.txt.
  /// Errors: the URL's (corofetch.url), errc::invalid_options for a scheme other than http(s).
  virtual std::error_code add(std::string_view target) = 0;
  /// Ends the crawl: nothing new starts; fetches in flight end and are reported.
  virtual void stop() = 0;
};

/// Called on the crawler's executor for each URL that ended. May reject links
/// (crawl_link::reject), add URLs and stop the crawl through `control`; an exception it
/// throws stops the crawl and is rethrown by async_run.
using page_handler = std::function<void(crawl_page& page, crawl_control& control)>;

}  // namespace corofetch::crawl
