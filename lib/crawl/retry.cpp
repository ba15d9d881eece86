// The crawler's retry policy: which failures are worth another attempt and how long to wait.
#include <corofetch/client/error.hpp>
#include <corofetch/crawl/retry.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/http/error.hpp>
#include <corofetch/net/error.hpp>

#include <asio/error.hpp>

#include <algorithm>
#include <array>
#include <charconv>

namespace corofetch::crawl {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Failures another attempt may not meet: the network, the server's load, a name server.
bool is_transient(std::error_code ec) {
  if (ec == asio::error::operation_aborted) return false;
  const std::error_category& cat = ec.category();
  if (cat == std::system_category() || cat == std::generic_category() ||
      cat == asio::error::get_system_category() || cat == asio::error::get_misc_category()) {
    return true;
  }
  if (cat == client::client_category()) return client::is_timeout(ec);
  if (cat == dns::dns_category()) {
    return ec == dns::errc::servfail || ec == dns::errc::refused || ec == dns::errc::timeout ||
           ec == dns::errc::connection_refused;
  }
  if (cat == http::http_category()) {
    return ec == http::errc::truncated || ec == http::errc::empty_response;
  }
  if (cat == net::net_category()) {
    return ec == net::errc::connect_timeout || ec == net::errc::tls_handshake_timeout ||
           ec == net::errc::tls_stream_truncated;
  }
  return false;
}

milliseconds backoff_for(std::uint16_t attempt, const retry_options& o) {
  milliseconds d = o.backoff;
  for (std::uint16_t i = 0; i < attempt && d < o.max_backoff; ++i) d *= 2;
  return std::min(d, o.max_backoff);
}

bool read_int(std::string_view s, int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7 IMF-fixdate), the only form senders may
// generate.
std::optional<std::chrono::sys_seconds> parse_imf_fixdate(std::string_view v) {
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (v.size() != 29 || v[3] != ',' || v[4] != ' ' || v[7] != ' ' || v[11] != ' ' || v[16] != ' ' ||
      v[19] != ':' || v[22] != ':' || v.substr(25) != " GMT") {
    return std::nullopt;
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!read_int(v.substr(5, 2), day) || !read_int(v.substr(12, 4), year) ||
      !read_int(v.substr(17, 2), hour) || !read_int(v.substr(20, 2), minute) ||
      !read_int(v.substr(23, 2), second)) {
    return std::nullopt;
  }
  const auto month = std::find(months.begin(), months.end(), v.substr(8, 3));
  if (month == months.end() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::chrono::year_month_day date{
      std::chrono::year(year),
      std::chrono::month(static_cast<unsigned>(month - months.begin()) + 1),
      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         seconds(second);
}

}  // namespace

std::optional<seconds> parse_retry_after(std::string_view value,
                                         std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (!value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos) {
    long long s = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), s);
    if (ec == std::errc::result_out_of_range) return seconds::max();
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    return seconds(s);
  }
  const auto date = parse_imf_fixdate(value);
  if (!date) return std::nullopt;
  const auto wait = std::chrono::ceil<seconds>(*date - now);
  return std::max(wait, seconds(0));
}

retry_decision decide_retry(std::error_code error, int status,
                            std::optional<std::string_view> retry_after, std::uint16_t attempt,
                            const retry_options& options,
                            std::chrono::system_clock::time_point now) {
  if (attempt >= options.max_retries) return {};
  if (error) {
    if (!is_transient(error)) return {};
    return {retry_action::backoff, backoff_for(attempt, options)};
  }
  if (status == 429 || status == 503) {
    const auto asked = retry_after ? parse_retry_after(*retry_after, now) : std::nullopt;
    if (!asked) return {retry_action::host_busy, backoff_for(attempt, options)};
    if (*asked > std::chrono::duration_cast<seconds>(options.max_retry_after)) return {};
    return {retry_action::host_busy, std::chrono::duration_cast<milliseconds>(*asked)};
  }
  if (status >= 500 && status <= 599) return {retry_action::backoff, backoff_for(attempt, options)};
  return {};
}

}  // namespace corofetch::crawl
