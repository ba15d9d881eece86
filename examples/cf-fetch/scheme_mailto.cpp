// mailto: URLs: the message (-T FILE, byte for byte, or one built from the URL's subject= and
// body=, RFC 6068) delivered through the domain's mail exchangers in MX order (RFC 5321 5).
#include "cf-fetch/schemes.hpp"

#include "common/exit_codes.hpp"
#include "common/network.hpp"

#include <corofetch/smtp/mailto_message.hpp>
#include <corofetch/smtp/sender.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <random>

#include <unistd.h>

namespace cf_fetch {

namespace smtp = corofetch::smtp;
namespace tool = corofetch::tool;
namespace url = corofetch::url;

namespace {

scheme_result failed(int code, std::string message) {
  scheme_result r;
  r.exit_code = code;
  r.message = std::move(message);
  return r;
}

// The From: of a message built from the URL when --mail-from is not given: the login name at
// this host, as mail(1) writes it.
std::string default_from() {
  const char* user = std::getenv("USER");
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host = {};
  const std::string name = (user != nullptr && *user != '\0') ? user : "cf-fetch";
  const std::string domain = host[0] != '\0' ? host.data() : "localhost";
  return name + "@" + (domain.find('.') == std::string::npos ? domain + ".localdomain" : domain);
}

// -T FILE (or -T -, read once) as it is, else a message composed from the URL.
std::variant<std::string, scheme_result> message_of(const scheme_job& job,
                                                    const smtp::mailto_fields& fields) {
  const options& o = job.ctx.opts;
  if (o.upload_file == "-") return *job.ctx.body.stdin_upload;
  if (!o.upload_file.empty()) {
    auto content = read_file(o.upload_file);
    if (!content) {
      return failed(tool::exit_read_error,
                    "Failed to open/read local data from file '" + o.upload_file + "'");
    }
    return std::move(*content);
  }
  smtp::compose_options co;
  co.from = o.mail_from.empty() ? default_from() : o.mail_from;
  std::random_device device;
  co.unique = (static_cast<std::uint64_t>(device()) << 32U) | device();
  auto composed = smtp::compose_message(fields, co);
  if (composed) return std::move(*composed);
  if (composed.error() == smtp::errc::no_body) {
    return failed(tool::exit_usage, "nothing to send to " + std::string(job.url.href()) +
                                        ": give the message with -T FILE, or a body= in the URL");
  }
  return failed(tool::exit_bad_url, "cannot build the message: " + composed.error().message());
}

// Every recipient in one mailto: URL, as async_send() takes them.
std::optional<url::url> envelope_url(const std::vector<std::string>& recipients) {
  std::string text = "mailto:";
  for (const auto& r : recipients) {
    if (text.size() > 7) text += ',';
    for (const char c : r) {
      if (c == '%' || c == ',' || c == '?' || c == '#') {
        text += fmt::format("%{:02X}", static_cast<unsigned char>(c));
      } else {
        text += c;
      }
    }
  }
  auto u = url::parse(text);
  return u ? std::optional<url::url>(std::move(*u)) : std::nullopt;
}

// The exit code of one error of a delivery or of one exchanger.
int smtp_error_exit_code(std::error_code ec) {
  using smtp::errc;
  if (ec.category() != smtp::smtp_category()) return tool::exit_code_for(ec);
  switch (static_cast<errc>(ec.value())) {
    case errc::reply_timeout:
      return tool::exit_timeout;
    case errc::starttls_unavailable:
      return exit_use_ssl_failed;
    case errc::starttls_failed:
      return tool::exit_tls_connect;
    case errc::not_a_mailto_url:
    case errc::no_recipient:
    case errc::invalid_address:
    case errc::multiple_domains:
    case errc::null_mx:
    case errc::invalid_header:
      return tool::exit_bad_url;
    default:  // rejected, deferred, every exchanger failed, a dialogue that went wrong
      return exit_send_error;
  }
}

// When no exchanger took the message for one same reason (all down: 7, all silent: 28, none
// with STARTTLS: 64), that reason's code; else curl's "send failed".
int smtp_exit_code(const smtp::delivery& d) {
  if (d.error != smtp::errc::all_exchangers_failed || d.attempts.empty()) {
    return smtp_error_exit_code(d.error);
  }
  const int first = smtp_error_exit_code(d.attempts.front().error);
  const bool same = std::all_of(d.attempts.begin(), d.attempts.end(), [&](const auto& a) {
    return smtp_error_exit_code(a.error) == first;
  });
  return same && first != 0 ? first : exit_send_error;
}

smtp::send_options send_options(const scheme_job& job) {
  const options& o = job.ctx.opts;
  smtp::send_options so;
  so.from = o.mail_from;
  so.port = o.smtp_port;
  if (o.net.connect_timeout > 0) so.connect_timeout = tool::seconds_to_ms(o.net.connect_timeout);
  so.tls = job.ctx.fetcher.options().tls;
  if (o.ssl_required) so.starttls = smtp::starttls_policy::required;
  so.trace_dialogue = o.verbose;
  if (o.verbose) so.log = [](std::string_view line) { verbose_line(line); };
  return so;
}

nlohmann::json attempts_json(const smtp::delivery& d) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : d.attempts) {
    out.push_back({{"exchanger", a.exchanger},
                   {"preference", a.preference},
                   {"address", a.address.address().to_string()},
                   {"port", a.address.port()},
                   {"error", a.error ? a.error.message() : ""},
                   {"server_reply", a.server_reply}});
  }
  return out;
}

}  // namespace

asio::awaitable<scheme_result> send_mail(const scheme_job& job) {
  auto fields = smtp::parse_mailto(job.url);
  if (!fields) {
    co_return failed(tool::exit_bad_url, "invalid mailto: URL '" + std::string(job.url.href()) +
                                             "': " + fields.error().message());
  }
  for (const auto& name : fields->ignored) {
    if (!job.ctx.opts.silent) {
      std::fprintf(stderr,
                   "cf-fetch: warning: the mailto: field '%s' is ignored (RFC 6068 6: not known "
                   "to be safe)\n",
                   name.c_str());
    }
  }
  auto message = message_of(job, *fields);
  if (auto* problem = std::get_if<scheme_result>(&message)) co_return std::move(*problem);
  std::string text = std::move(std::get<std::string>(message));
  auto to = envelope_url(smtp::envelope_recipients(*fields));
  if (!to || smtp::envelope_recipients(*fields).empty()) {
    co_return failed(tool::exit_bad_url, "the mailto: URL names no recipient");
  }
  const std::uint64_t size = text.size();
  const smtp::send_options so = send_options(job);
  auto d = co_await smtp::async_send(*to, std::move(text), *job.ctx.resolver, so);
  scheme_result r;
  r.uploaded = size;
  r.reply = d.server_reply;
  r.details["recipients"] = d.recipients;
  r.details["attempts"] = attempts_json(d);
  r.details["implicit_mx"] = d.implicit_mx;
  r.details["tls"] = d.tls;
  if (!d.error) co_return r;
  r.error = d.error;
  r.exit_code = smtp_exit_code(d);
  r.message = d.error.message();
  if (!d.server_reply.empty()) r.message += ": " + d.server_reply;
  co_return r;
}

}  // namespace cf_fetch
