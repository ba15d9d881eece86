#include "cf-fetch/write_out.hpp"

#include <corofetch/url/url.hpp>

#include "common/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>

namespace cf_fetch {

namespace client = corofetch::client;
using corofetch::tool::seconds_text;

namespace {

void add_exchange(const client::timing& t, bool tls, cumulative_times& c) {
  const auto lookup = t.queued + t.dns;
  const auto connected = lookup + t.connect;
  const auto handshaken = connected + t.tls;
  c.namelookup += lookup;
  c.connect += connected;
  if (tls) c.appconnect += handshaken;
  c.pretransfer += handshaken;
  c.starttransfer += handshaken + t.sent + t.first_byte;
}

bool is_https(std::string_view url) {
  return url.starts_with("https:");
}

std::string remote_ip(const client::response& r) {
  if (r.connection_id == 0) return {};
  return r.remote.address().to_string();
}

std::string remote_port(const client::response& r) {
  if (r.connection_id == 0) return "0";
  return std::to_string(r.remote.port());
}

std::string http_version(const client::response& r) {
  if (r.status == 0) return "0";
  if (r.version.minor_version == 0) return std::to_string(r.version.major_version);
  return fmt::format("{}.{}", r.version.major_version, r.version.minor_version);
}

std::string redirect_url(const client::response& r) {
  if (r.status < 300 || r.status > 399) return {};
  const auto location = r.fields.find("Location");
  if (!location) return {};
  auto base = corofetch::url::parse(r.url);
  if (!base) return {};
  auto target = corofetch::url::parse(*location, *base);
  return target ? std::string(target->href()) : std::string();
}

std::string scheme(const client::response& r) {
  const auto colon = r.url.find(':');
  std::string s = colon == std::string::npos ? "" : r.url.substr(0, colon);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return s;
}

using variable = std::function<std::string(const transfer_report&, const cumulative_times&)>;

const std::map<std::string, variable, std::less<>>& variables() {
  using tr = const transfer_report&;
  using ct = const cumulative_times&;
  static const std::map<std::string, variable, std::less<>> table{
      {"content_type",
       [](tr r, ct) { return std::string(r.response->fields.find("Content-Type").value_or("")); }},
      {"errormsg", [](tr r, ct) { return r.error_message; }},
      {"exitcode", [](tr r, ct) { return std::to_string(r.exit_code); }},
      {"http_code", [](tr r, ct) { return fmt::format("{:03}", r.response->status); }},
      {"http_version", [](tr r, ct) { return http_version(*r.response); }},
      {"method", [](tr r, ct) { return r.method; }},
      {"num_connects", [](tr r, ct) { return std::to_string(r.num_connects); }},
      {"num_redirects", [](tr r, ct) { return std::to_string(r.response->redirects.size()); }},
      {"redirect_url", [](tr r, ct) { return redirect_url(*r.response); }},
      {"remote_ip", [](tr r, ct) { return remote_ip(*r.response); }},
      {"remote_port", [](tr r, ct) { return remote_port(*r.response); }},
      {"response_code", [](tr r, ct) { return fmt::format("{:03}", r.response->status); }},
      {"scheme", [](tr r, ct) { return scheme(*r.response); }},
      {"size_download", [](tr r, ct) { return std::to_string(r.response->wire_body_bytes); }},
      {"size_upload", [](tr r, ct) { return std::to_string(r.size_upload); }},
      {"speed_download",
       [](tr r, ct c) {
         const double s = std::chrono::duration<double>(c.total).count();
         const double bytes = static_cast<double>(r.response->wire_body_bytes);
         return fmt::format("{:.0f}", s > 0 ? bytes / s : 0.0);
       }},
      {"time_appconnect", [](tr, ct c) { return seconds_text(c.appconnect); }},
      {"time_connect", [](tr, ct c) { return seconds_text(c.connect); }},
      {"time_namelookup", [](tr, ct c) { return seconds_text(c.namelookup); }},
      {"time_pretransfer", [](tr, ct c) { return seconds_text(c.pretransfer); }},
      {"time_redirect", [](tr, ct c) { return seconds_text(c.redirect); }},
      {"time_starttransfer", [](tr, ct c) { return seconds_text(c.starttransfer); }},
      {"time_total", [](tr, ct c) { return seconds_text(c.total); }},
      {"url_effective", [](tr r, ct) { return r.response->url; }},
  };
  return table;
}

// A backslash escape of -w: \n \r \t \\ ; anything else stays as written.
std::size_t escape(std::string_view format, std::size_t i, std::string& out) {
  if (i + 1 >= format.size()) {
    out += '\\';
    return i + 1;
  }
  switch (format[i + 1]) {
    case 'n':
      out += '\n';
      break;
    case 'r':
      out += '\r';
      break;
    case 't':
      out += '\t';
      break;
    case '\\':
      out += '\\';
      break;
    default:
      out += '\\';
      out += format[i + 1];
  }
  return i + 2;
}

}  // namespace

cumulative_times times_of(const transfer_report& r) {
  cumulative_times c;
  for (const auto& hop : r.response->redirects) {
    add_exchange(hop.timing, is_https(hop.url), c);
    c.redirect += hop.timing.total();
  }
  add_exchange(r.response->timing, is_https(r.response->url), c);
  // The wall clock covers everything (the client's own work between phases too); never less
  // than the phases it contains.
  c.total = std::max({r.wall, c.starttransfer, c.redirect + r.response->timing.total()});
  return c;
}

std::string expand_write_out(const std::string& format, const transfer_report& r,
                             std::vector<std::string>& unknown, std::string& to_stderr) {
  const cumulative_times times = times_of(r);
  std::string normal;
  std::string* out = &normal;
  std::size_t i = 0;
  while (i < format.size()) {
    const char ch = format[i];
    if (ch == '\\') {
      i = escape(format, i, *out);
      continue;
    }
    if (ch != '%') {
      *out += ch;
      ++i;
      continue;
    }
    if (format.compare(i, 2, "%%") == 0) {
      *out += '%';
      i += 2;
      continue;
    }
    const bool header = format.compare(i, 8, "%header{") == 0;
    const bool var = format.compare(i, 2, "%{") == 0;
    const auto close = format.find('}', i);
    if ((!header && !var) || close == std::string::npos) {
      *out += ch;
      ++i;
      continue;
    }
    const std::size_t name_at = i + (header ? 8 : 2);
    const std::string name = format.substr(name_at, close - name_at);
    i = close + 1;
    if (header) {
      *out += std::string(r.response->fields.find(name).value_or(""));
    } else if (name == "stderr") {
      out = &to_stderr;
    } else if (name == "stdout") {
      out = &normal;
    } else if (const auto found = variables().find(name); found != variables().end()) {
      *out += found->second(r, times);
    } else {
      unknown.push_back(name);
    }
  }
  return normal;
}

std::string write_out_variables() {
  std::string names;
  for (const auto& [name, fn] : variables()) {
    if (!names.empty()) names += ' ';
    names += name;
  }
  return names + " stderr stdout; %header{NAME}";
}

}  // namespace cf_fetch
