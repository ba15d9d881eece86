// ftp: URLs (RFC 1738 3.2, RFC 959): a file, or a folder's listing for a path ending in '/',
// with curl's -u, -l, -C and exit codes.
#include "cf-fetch/schemes.hpp"

#include "common/exit_codes.hpp"
#include "common/network.hpp"

#include <corofetch/client/options.hpp>
#include <corofetch/ftp/client.hpp>

#include <fmt/format.h>

#include <cctype>
#include <memory>
#include <variant>

namespace cf_fetch {

namespace ftp = corofetch::ftp;
namespace tool = corofetch::tool;
namespace url = corofetch::url;

namespace {

// RFC 3986 2.3's unreserved characters stay, every other byte is %XX: a user or password may
// hold ':', '@' or '/'.
std::string encode_userinfo(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

// The URL as the FTP client is to see it: -u USER:PASSWORD as its userinfo (curl: -u wins over
// the URL's own), and the address --resolve gives for its host and port instead of the name.
std::variant<url::url, std::string> target_url(const url::url& u, const scheme_job& job) {
  const std::string& user = job.ctx.opts.user;
  std::string userinfo(u.username());
  if (!u.password().empty()) userinfo += ":" + std::string(u.password());
  if (!user.empty()) {
    const auto colon = user.find(':');
    if (colon == std::string::npos) {
      return "-u '" + user + "': give USER:PASSWORD (cf-fetch never prompts)";
    }
    userinfo =
        encode_userinfo(user.substr(0, colon)) + ":" + encode_userinfo(user.substr(colon + 1));
  }
  const std::uint16_t port = u.effective_port().value_or(21);
  auto overridden = corofetch::client::override_endpoints(
      job.ctx.fetcher.options().resolve_overrides, u.hostname(), port);
  if (!overridden) return "invalid --resolve address: " + overridden.error().message();
  std::string host(u.hostname());
  if (!overridden->empty()) {
    const auto address = overridden->front().address();
    host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  }
  if (user.empty() && overridden->empty()) return u;
  const std::string text = "ftp://" + (userinfo.empty() ? "" : userinfo + "@") + host + ":" +
                           std::to_string(port) + std::string(u.path_and_query());
  auto parsed = url::parse(text);
  if (!parsed) return "the ftp: URL cannot take -u or --resolve: " + parsed.error().message();
  return std::move(*parsed);
}

int ftp_exit_code(std::error_code ec) {
  using ftp::errc;
  if (ec.category() != ftp::ftp_category()) return tool::exit_code_for(ec);
  switch (static_cast<errc>(ec.value())) {
    case errc::login_failed:
    case errc::account_required:
      return exit_login_denied;
    case errc::file_unavailable:
      return exit_remote_file_not_found;
    case errc::reply_timeout:
    case errc::data_timeout:
      return tool::exit_timeout;
    case errc::resume_unsupported:
    case errc::resume_beyond_end:
      return exit_bad_download_resume;
    case errc::data_connect_failed:
      return tool::exit_connect;
    case errc::transfer_aborted:
      return tool::exit_partial_file;
    case errc::connection_closed:
      return tool::exit_recv_error;
    case errc::sink_failed:
      return tool::exit_write_error;
    case errc::not_an_ftp_url:
    case errc::invalid_argument:
      return tool::exit_bad_url;
    default:  // malformed, unexpected or too long replies, a refused session or passive mode
      return tool::exit_weird_reply;
  }
}

// RFC 959 3.1.1.1: an ASCII-type transfer (a listing) comes in NVT-ASCII, CRLF line ends, and
// the receiver turns it into its own form: LF here, as curl writes a listing. A CR at the end
// of one chunk waits for the next.
class line_end_converter {
 public:
  explicit line_end_converter(ftp::data_sink next) : next_(std::move(next)) {}

  std::error_code operator()(std::string_view chunk) {
    std::string out;
    out.reserve(chunk.size() + 1);
    for (const char c : chunk) {
      if (pending_cr_ && c != '\n') out += '\r';
      pending_cr_ = c == '\r';
      if (!pending_cr_) out += c;
    }
    return out.empty() ? std::error_code{} : next_(out);
  }
  /// A CR that ended the data stays.
  std::error_code finish() {
    if (!pending_cr_) return {};
    pending_cr_ = false;
    return next_("\r");
  }

 private:
  ftp::data_sink next_;
  bool pending_cr_ = false;
};

ftp::fetch_options ftp_options(const scheme_job& job) {
  const options& o = job.ctx.opts;
  ftp::fetch_options fo;
  if (o.net.connect_timeout > 0) fo.connect_timeout = tool::seconds_to_ms(o.net.connect_timeout);
  fo.resume_from = job.offset;
  fo.listing = o.list_only ? ftp::listing_command::nlst : ftp::listing_command::list;
  if (o.verbose) fo.log = [](std::string_view line) { verbose_line(line); };
  return fo;
}

}  // namespace

asio::awaitable<scheme_result> fetch_ftp(const scheme_job& job) {
  scheme_result r;
  auto login = target_url(job.url, job);
  if (auto* problem = std::get_if<std::string>(&login)) {
    r.exit_code = tool::exit_usage;
    r.message = *problem;
    co_return r;
  }
  const auto& u = std::get<url::url>(login);
  const ftp::fetch_options fo = ftp_options(job);
  const bool listing = u.pathname().ends_with('/');
  auto converter = std::make_shared<line_end_converter>(job.sink);
  // Named, not temporaries in the co_await call: g++ 12 destroys those twice.
  ftp::data_sink sink = job.sink;
  if (listing) sink = [converter](std::string_view chunk) { return (*converter)(chunk); };
  auto t = co_await ftp::async_fetch(u, *job.ctx.resolver, sink, fo);
  if (listing && !t.error) t.error = converter->finish();
  r.reply = t.server_reply;
  r.details["listing"] = t.listing;
  r.details["failed_command"] = t.failed_command;
  r.details["resumed_from"] = t.resumed_from;
  r.details["remote_size"] = t.size ? nlohmann::json(*t.size) : nlohmann::json(nullptr);
  if (!t.error) co_return r;
  r.error = t.error;
  r.exit_code = ftp_exit_code(t.error);
  if (t.error == ftp::errc::file_unavailable && t.failed_command == "CWD") {
    r.exit_code = exit_remote_access_denied;  // curl's "Server denied you to change to..."
  }
  if (t.error == ftp::errc::resume_beyond_end && t.size) {  // curl's words
    r.message = "Offset (" + std::to_string(job.offset) + ") was beyond file size (" +
                std::to_string(*t.size) + ")";
    co_return r;
  }
  r.message = t.error.message();
  if (!t.server_reply.empty()) r.message += ": " + t.server_reply;
  co_return r;
}

}  // namespace cf_fetch
