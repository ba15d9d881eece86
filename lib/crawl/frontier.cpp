// What every frontier shares: the host a URL is scheduled under, and the defaults of a frontier
// that keeps no robots.txt of its own.
#include <corofetch/crawl/frontier.hpp>

namespace corofetch::crawl {

std::string_view host_key(std::string_view canonical_url) noexcept {
  const std::size_t scheme_end = canonical_url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view authority = canonical_url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  // Userinfo ends at the last '@' of the authority (the URL Standard percent-encodes any other).
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  return authority;
}

asio::awaitable<result<shared_robots>> frontier::async_robots(std::string origin) {
  (void)origin;
  co_return shared_robots{};
}

asio::awaitable<std::error_code> frontier::async_store_robots(std::string origin, int status,
                                                              std::string body, duration ttl) {
  (void)origin;
  (void)status;
  (void)body;
  (void)ttl;
  co_return std::error_code();
}

}  // namespace corofetch::crawl
