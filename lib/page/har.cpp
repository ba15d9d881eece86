// page::to_har: a page load as HAR 1.2 JSON, written by a small JSON writer (the library has
// no JSON dependency). Times are milliseconds rounded to microseconds, and an entry's time is
// the sum of its rounded timings, so the sum checks hold exactly.
#include <corofetch/page/har.hpp>

#include "page/phases.hpp"

#include <corofetch/http/syntax.hpp>
#include <corofetch/url/url.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corofetch::page {
namespace {

using std::chrono::nanoseconds;

// JSON text, written front to back; the caller keeps the structure valid.
class json_writer {
 public:
  void open(char c) {
    comma();
    out_ += c;
    first_ = true;
  }
  void close(char c) {
    out_ += c;
    first_ = false;
  }
  void key(std::string_view k) {
    comma();
    string(k);
    out_ += ':';
    first_ = true;
  }
  void value(std::string_view s) {
    comma();
    string(s);
  }
  void value(const char* s) { value(std::string_view(s)); }
  void value(double d) {
    comma();
    out_ += fmt::format("{:.3f}", d);
  }
  void value(bool b) {
    comma();
    out_ += b ? "true" : "false";
  }
  void value(long long n) {
    comma();
    out_ += std::to_string(n);
  }
  template <class T>
  void field(std::string_view k, T v) {
    key(k);
    value(v);
  }
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  void comma() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void string(std::string_view s) {
    out_ += '"';
    for (const char c : s) {
      const auto b = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += c;
      } else if (b < 0x20) {
        out_ += fmt::format("\\u{:04x}", b);
      } else {
        out_ += c;
      }
    }
    out_ += '"';
  }
  std::string out_;
  bool first_ = true;
};

// RFC 9110 5.6.3: optional whitespace is spaces and tabs.
std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Milliseconds, rounded to the microsecond as written.
double ms(nanoseconds d) {
  return std::round(std::chrono::duration<double, std::milli>(d).count() * 1000.0) / 1000.0;
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  return fmt::format("{}.{:03d}Z", date, static_cast<int>(millis));
}

struct timings {
  double blocked = 0, dns = -1, connect = -1, ssl = -1, send = 0, wait = 0, receive = 0;
  [[nodiscard]] double total() const {
    return blocked + std::max(dns, 0.0) + std::max(connect, 0.0) + send + wait + receive;
  }
};

timings timings_of(const resource& r, std::size_t k) {
  const client::timing t = detail::phases_of(r, k).timing;
  timings out;
  out.blocked = ms(t.queued);
  if (t.dns.count() > 0) out.dns = ms(t.dns);
  if (t.connect.count() + t.tls.count() > 0) out.connect = ms(t.connect) + ms(t.tls);
  if (t.tls.count() > 0) out.ssl = ms(t.tls);
  out.send = ms(t.sent);
  out.wait = ms(t.first_byte);
  out.receive = ms(t.done);
  return out;
}

void name_values(json_writer& w, const std::vector<std::pair<std::string, std::string>>& list) {
  w.open('[');
  for (const auto& [name, value] : list) {
    w.open('{');
    w.field("name", name);
    w.field("value", value);
    w.close('}');
  }
  w.close(']');
}

// The header fields of a request head as written ("GET / HTTP/1.1\r\nHost: ...\r\n\r\n").
std::vector<std::pair<std::string, std::string>> head_fields(std::string_view head) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t at = head.find("\r\n");
  while (at != std::string_view::npos) {
    at += 2;
    const std::size_t end = head.find("\r\n", at);
    if (end == std::string_view::npos || end == at) break;
    const std::string_view line = head.substr(at, end - at);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      out.emplace_back(std::string(line.substr(0, colon)),
                       std::string(trim_ows(line.substr(colon + 1))));
    }
    at = end;
  }
  return out;
}

// "a=1; b=2" (Cookie) as name-value pairs.
void cookie_pairs(std::string_view list, std::vector<std::pair<std::string, std::string>>& out) {
  while (!list.empty()) {
    const std::size_t semi = list.find(';');
    const std::string_view pair = trim_ows(list.substr(0, semi));
    const std::size_t eq = pair.find('=');
    if (!pair.empty()) {
      out.emplace_back(std::string(pair.substr(0, eq)), eq == std::string_view::npos
                                                            ? std::string()
                                                            : std::string(pair.substr(eq + 1)));
    }
    if (semi == std::string_view::npos) break;
    list.remove_prefix(semi + 1);
  }
}

void query_string(json_writer& w, const std::string& text) {
  std::vector<std::pair<std::string, std::string>> params;
  if (auto u = url::parse(text)) {
    std::string_view q = u->query().value_or("");
    while (!q.empty()) {
      const std::size_t amp = q.find('&');
      const std::string_view p = q.substr(0, amp);
      const std::size_t eq = p.find('=');
      if (!p.empty()) {
        params.emplace_back(
            url::percent_decode(p.substr(0, eq)),
            eq == std::string_view::npos ? std::string() : url::percent_decode(p.substr(eq + 1)));
      }
      if (amp == std::string_view::npos) break;
      q.remove_prefix(amp + 1);
    }
  }
  name_values(w, params);
}

void request(json_writer& w, const exchange& e) {
  const auto fields = head_fields(e.request_head);
  std::vector<std::pair<std::string, std::string>> cookies;
  for (const auto& [name, value] : fields) {
    if (http::iequals(name, "Cookie")) cookie_pairs(value, cookies);
  }
  w.key("request");
  w.open('{');
  w.field("method", e.method);
  w.field("url", e.url);
  const bool http2 = e.version.major_version == 2;
  w.field("httpVersion", http2 ? "HTTP/2.0" : "HTTP/1.1");
  w.key("cookies");
  name_values(w, cookies);
  w.key("headers");
  name_values(w, fields);
  w.key("queryString");
  query_string(w, e.url);
  // HTTP/2 sends the head HPACK-compressed: its size on the wire is not known here (-1, as
  // the HAR spec says for a size not available).
  w.field("headersSize",
          e.request_head.empty() || http2 ? -1LL : static_cast<long long>(e.request_head.size()));
  w.field("bodySize", 0LL);
  w.close('}');
}

// An Expires attribute in the preferred HTTP date form (RFC 9110 5.6.7, "Sun, 06 Nov 1994
// 08:49:37 GMT") as ISO 8601, as HAR asks; nullopt for another form.
std::optional<std::string> cookie_date(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return iso_time(std::chrono::system_clock::from_time_t(timegm(&tm)));
}

// Set-Cookie values: the cookie's name and value, and its attributes (RFC 6265 5.2).
void response_cookies(json_writer& w, const http::fields& fields) {
  w.open('[');
  for (const auto f : fields) {
    if (!http::iequals(f.name, "Set-Cookie")) continue;
    std::vector<std::pair<std::string, std::string>> parts;
    cookie_pairs(f.value, parts);
    if (parts.empty()) continue;
    w.open('{');
    w.field("name", parts[0].first);
    w.field("value", parts[0].second);
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const std::string& attr = parts[i].first;
      if (http::iequals(attr, "Path")) w.field("path", parts[i].second);
      if (http::iequals(attr, "Domain")) w.field("domain", parts[i].second);
      if (http::iequals(attr, "Expires")) {
        if (auto when = cookie_date(parts[i].second)) w.field("expires", *when);
      }
      if (http::iequals(attr, "Secure")) {
        w.key("secure");
        w.value(true);
      }
      if (http::iequals(attr, "HttpOnly")) {
        w.key("httpOnly");
        w.value(true);
      }
    }
    w.close('}');
  }
  w.close(']');
}

std::string version_text(const exchange& e) {
  if (e.status == 0) return "";
  return fmt::format("HTTP/{}.{}", e.version.major_version, e.version.minor_version);
}

long long response_head_size(const exchange& e) {
  if (e.status == 0 || e.version.major_version == 2) return -1;  // HPACK: see request()
  // "HTTP/1.1 200 OK\r\n", each field line, and the blank line.
  std::size_t n = version_text(e).size() + 1 + 3 + 1 + e.reason.size() + 2 + 2;
  for (const auto f : e.fields) n += f.name.size() + 2 + f.value.size() + 2;
  return static_cast<long long>(n);
}

void response(json_writer& w, const resource& r, const exchange& e, bool last) {
  w.key("response");
  w.open('{');
  w.field("status", static_cast<long long>(e.status));
  w.field("statusText", e.reason);
  w.field("httpVersion", version_text(e));
  w.key("cookies");
  response_cookies(w, e.fields);
  w.key("headers");
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto f : e.fields) headers.emplace_back(std::string(f.name), std::string(f.value));
  name_values(w, headers);
  w.key("content");
  w.open('{');
  w.field("size", last ? static_cast<long long>(r.bytes) : 0LL);
  w.field("mimeType", std::string(e.fields.find("Content-Type").value_or("")));
  w.close('}');
  w.field("redirectURL", e.redirect_url);
  w.field("headersSize", response_head_size(e));
  w.field("bodySize", last ? (e.status == 0 ? -1LL : static_cast<long long>(r.wire_bytes)) : -1LL);
  w.close('}');
}

void entry(json_writer& w, const resource& r, std::size_t k, const har_options& o) {
  const exchange& e = r.exchanges[k];
  const bool last = k + 1 == r.exchanges.size();
  const bool failed = last && static_cast<bool>(r.error);
  const timings t = timings_of(r, k);
  const nanoseconds start = detail::phases_of(r, k).start;
  w.open('{');
  w.field("pageref", o.page_id);
  w.field(
      "startedDateTime",
      iso_time(o.started + std::chrono::duration_cast<std::chrono::system_clock::duration>(start)));
  w.field("time", t.total());
  request(w, e);
  response(w, r, e, last);
  w.key("cache");
  w.open('{');
  w.close('}');
  w.key("timings");
  w.open('{');
  w.field("blocked", t.blocked);
  w.field("dns", t.dns);
  w.field("connect", t.connect);
  w.field("ssl", t.ssl);
  w.field("send", t.send);
  w.field("wait", t.wait);
  w.field("receive", t.receive);
  w.close('}');
  if (e.connection_id != 0) {
    w.field("serverIPAddress", e.remote.address().to_string());
    w.field("connection", std::to_string(e.connection_id));
  }
  w.field("_resourceType", to_string(r.kind));
  w.field("_source", r.source);
  if (failed) w.field("_error", r.error_detail.empty() ? r.error.message() : r.error_detail);
  w.close('}');
}

void entries_of(json_writer& w, const resource& r, const har_options& o) {
  if (r.exchanges.empty()) {  // never fetched (a cancelled load): one entry for what is known
    resource copy = r;
    copy.exchanges.emplace_back().url = r.url;
    copy.exchanges.back().started = r.started;
    entry(w, copy, 0, o);
    return;
  }
  for (std::size_t k = 0; k < r.exchanges.size(); ++k) entry(w, r, k, o);
}

}  // namespace

std::string to_har(const page_result& page, const har_options& options) {
  json_writer w;
  w.open('{');
  w.key("log");
  w.open('{');
  w.field("version", "1.2");
  w.key("creator");
  w.open('{');
  w.field("name", options.creator);
  w.field("version", options.version);
  w.close('}');
  w.key("pages");
  w.open('[');
  w.open('{');
  w.field("startedDateTime", iso_time(options.started));
  w.field("id", options.page_id);
  w.field("title", page.title);
  w.key("pageTimings");
  w.open('{');
  w.field("onContentLoad", ms(page.content_loaded));
  w.field("onLoad", ms(page.total));
  w.close('}');
  w.close('}');
  w.close(']');
  w.key("entries");
  w.open('[');
  entries_of(w, page.document, options);
  for (const resource& r : page.images) entries_of(w, r, options);
  w.close(']');
  w.close('}');
  w.close('}');
  return w.take();
}

}  // namespace corofetch::page
