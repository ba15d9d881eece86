// redis:// URLs as the IANA-registered scheme has them: redis://[[user]:password@]host[:port][/db].
#include <corofetch/http/syntax.hpp>
#include <corofetch/redis/endpoint.hpp>
#include <corofetch/redis/error.hpp>
#include <corofetch/url/url.hpp>

#include <charconv>

namespace corofetch::redis {
namespace {

bool parse_number(std::string_view s, unsigned max, unsigned& out) {
  if (s.empty() || s.size() > 10) return false;
  unsigned v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return false;
  out = v;
  return true;
}

// Splits "host[:port]" (IPv6 in brackets) into `e`.
bool parse_host_port(std::string_view hostport, endpoint& e) {
  std::string_view host = hostport;
  std::string_view port;
  if (hostport.starts_with('[')) {
    const std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) return false;
    host = hostport.substr(1, close - 1);
    const std::string_view rest = hostport.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (port.empty()) return false;
    }
  } else if (const std::size_t colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
    if (port.empty()) return false;
  }
  if (host.empty() || host.find_first_of("/?#@[] ") != std::string_view::npos) return false;
  e.host = std::string(host);
  if (!port.empty()) {
    unsigned p = 0;
    if (!parse_number(port, 65535, p) || p == 0) return false;
    e.port = static_cast<std::uint16_t>(p);
  }
  return true;
}

}  // namespace

result<endpoint> parse_url(std::string_view text) {
  constexpr std::string_view scheme = "redis://";
  if (text.size() < scheme.size() || !http::iequals(text.substr(0, scheme.size()), scheme))
    return errc::invalid_url;
  std::string_view rest = text.substr(scheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) return errc::invalid_url;
  endpoint e;
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !parse_number(db, 1U << 30, e.db)) return errc::invalid_url;
  }
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    const std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      e.password = url::percent_decode(userinfo);  // redis://secret@host: a password alone
    } else {
      e.username = url::percent_decode(userinfo.substr(0, colon));
      e.password = url::percent_decode(userinfo.substr(colon + 1));
    }
  }
  if (!parse_host_port(authority, e)) return errc::invalid_url;
  return e;
}

std::string to_string(const endpoint& e) {
  const bool v6 = e.host.find(':') != std::string::npos;
  std::string s = "redis://";
  s += v6 ? "[" + e.host + "]" : e.host;
  s += ':' + std::to_string(e.port) + '/' + std::to_string(e.db);
  return s;
}

}  // namespace corofetch::redis
