#include <corofetch/http/request.hpp>
#include <corofetch/smtp/mailto_message.hpp>
#include <corofetch/smtp/sender.hpp>

#include "smtp/session.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

#include <fmt/format.h>

namespace corofetch::smtp {
namespace {

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool has_line_break(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// An address list of a "to", "cc" or "bcc" field (RFC 6068 2: addr-spec separated by ',').
std::error_code add_addresses(std::string_view list, std::vector<std::string>& out) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view one = list.substr(0, comma);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (!one.empty()) {
      if (!detail::valid_mailbox(one)) return errc::invalid_address;
      out.emplace_back(one);
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return {};
}

// Header fields RFC 6068 6 names as safe to take from a link, besides to/cc/bcc/subject/body.
bool safe_header(std::string_view name) {
  constexpr std::array<std::string_view, 4> safe{"keywords", "comments", "in-reply-to",
                                                 "references"};
  return std::find(safe.begin(), safe.end(), name) != safe.end();
}

// One "hfname=hfvalue" of the query, both decoded.
std::error_code add_field(std::string_view pair, mailto_fields& out) {
  const auto eq = pair.find('=');
  const std::string name = lowercase(url::percent_decode(pair.substr(0, eq)));
  const std::string value =
      eq == std::string_view::npos ? std::string() : url::percent_decode(pair.substr(eq + 1));
  if (name.empty()) return {};
  if (name == "body") {
    out.body = out.body ? *out.body + "\r\n" + value : value;
    return {};
  }
  if (has_line_break(value)) return errc::invalid_header;
  if (name == "to") return add_addresses(value, out.to);
  if (name == "cc") return add_addresses(value, out.cc);
  if (name == "bcc") return add_addresses(value, out.bcc);
  if (name == "subject") {
    out.subject = value;
  } else if (safe_header(name)) {
    out.headers.emplace_back(name, value);
  } else {
    out.ignored.push_back(name);
  }
  return {};
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 128; });
}

// RFC 2047 2 and 4.1: "=?UTF-8?B?...?=" words of at most 75 characters, each holding whole
// UTF-8 characters (45 bytes encode to 60), folded onto continuation lines.
std::string encoded_words(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    std::size_t n = std::min<std::size_t>(45, text.size());
    while (n < text.size() && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    if (n == 0) n = std::min<std::size_t>(45, text.size());
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + http::base64_encode(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// Line breaks of the body as CRLF (RFC 5322 2.3), ending with one.
std::string crlf_body(std::string_view body) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n') continue;
    if (body[i] == '\r' || body[i] == '\n') {
      out += "\r\n";
    } else {
      out += body[i];
    }
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::string capitalised(std::string name) {
  bool start = true;
  for (char& c : name) {
    if (start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    start = c == '-';
  }
  return name;
}

}  // namespace

result<mailto_fields> parse_mailto(const url::url& mailto) {
  if (mailto.scheme() != "mailto") return errc::not_a_mailto_url;
  mailto_fields out;
  if (auto ec = add_addresses(url::percent_decode(mailto.pathname()), out.to)) return ec;
  std::string_view query = mailto.query().value_or("");
  while (!query.empty()) {
    const auto amp = query.find('&');
    if (auto ec = add_field(query.substr(0, amp), out)) return ec;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::vector<std::string> envelope_recipients(const mailto_fields& fields) {
  std::vector<std::string> out;
  for (const auto* list : {&fields.to, &fields.cc, &fields.bcc}) {
    for (const auto& a : *list) {
      const bool seen = std::any_of(out.begin(), out.end(), [&](const std::string& o) {
        return lowercase(o) == lowercase(a);
      });
      if (!seen) out.push_back(a);
    }
  }
  return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  constexpr std::array<std::string_view, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
                     days.at(static_cast<std::size_t>(utc.tm_wday)), utc.tm_mday,
                     months.at(static_cast<std::size_t>(utc.tm_mon)), utc.tm_year + 1900,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

result<std::string> compose_message(const mailto_fields& fields, const compose_options& options) {
  if (!fields.body) return errc::no_body;
  if (fields.to.empty() && fields.cc.empty() && fields.bcc.empty()) return errc::no_recipient;
  if (!detail::valid_mailbox(options.from)) return errc::invalid_address;
  std::string m;
  m += "Date: " + rfc5322_date(options.date) + "\r\n";
  m += "From: " + options.from + "\r\n";
  if (!fields.to.empty()) m += "To: " + join(fields.to) + "\r\n";
  if (!fields.cc.empty()) m += "Cc: " + join(fields.cc) + "\r\n";
  const std::string subject =
      is_ascii(fields.subject) ? fields.subject : encoded_words(fields.subject);
  m += "Subject: " + subject + "\r\n";
  for (const auto& [name, value] : fields.headers) {
    m += capitalised(name) + ": " + (is_ascii(value) ? value : encoded_words(value)) + "\r\n";
  }
  const auto since_epoch = options.date.time_since_epoch();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
  m += fmt::format("Message-ID: <{}.{:016x}@{}>\r\n", micros, options.unique,
                   options.from.substr(options.from.rfind('@') + 1));
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += std::string("Content-Transfer-Encoding: ") + (is_ascii(*fields.body) ? "7bit" : "8bit") +
       "\r\n";
  m += "\r\n";
  m += crlf_body(*fields.body);
  return m;
}

}  // namespace corofetch::smtp
