#include "cf-fetch/schemes.hpp"

#include "common/exit_codes.hpp"
#include "common/network.hpp"

#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <variant>

// g++ 12 at -O2 pairs the coroutine frames' allocation (asio::aligned_new) with the frame's
// operator delete in within()'s ramp and warns they do not match; Asio frees that memory with
// aligned_delete, which does (the same false positive lib/page/loader.cpp silences).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace cf_fetch {

namespace tool = corofetch::tool;
namespace url = corofetch::url;
using clock = std::chrono::steady_clock;

namespace {

constexpr std::array<std::string_view, 5> other_schemes{"file", "ftp", "mailto", "news", "nntp"};

// What the HTTP options mean nothing for: refused rather than silently ignored.
std::optional<std::string> http_only_option(const options& o, std::string_view scheme) {
  if (!o.data.empty() || !o.forms.empty()) return "-d and -F";
  if (o.head) return "-I";
  if (!o.method.empty()) return "-X";
  if (!o.upload_file.empty() && scheme != "mailto") return "-T (uploads)";
  return std::nullopt;
}

asio::awaitable<scheme_result> dispatch(const scheme_job& job) {
  const std::string_view scheme = job.url.scheme();
  if (scheme == "file") co_return co_await fetch_file(job);
  if (scheme == "ftp") co_return co_await fetch_ftp(job);
  if (scheme == "mailto") co_return co_await send_mail(job);
  co_return co_await fetch_news(job);
}

// The scheme's work, stopped by -m: nullopt when the time ran out first. Its cancellation
// closes the connections it has open.
asio::awaitable<std::optional<scheme_result>> within(std::chrono::milliseconds limit,
                                                     const scheme_job& job) {
  if (limit.count() <= 0) {
    auto whole = co_await dispatch(job);
    co_return whole;
  }
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  auto work = dispatch(job);
  auto alarm = timer.async_wait(asio::use_awaitable);
  auto race = std::move(work) || std::move(alarm);
  auto first = co_await std::move(race);
  if (first.index() == 0) co_return std::get<0>(std::move(first));
  co_return std::nullopt;
}

// The body's bytes to the output; the file is opened at the first byte, so a transfer that
// fails before it leaves no file.
class body_writer {
 public:
  explicit body_writer(output& out) : out_(out) {}

  std::error_code write(std::string_view chunk) {
    if (auto ec = start(); ec) return ec;
    bytes_ += chunk.size();
    return out_.write(chunk);
  }
  std::error_code start() {
    if (started_) return {};
    started_ = true;
    return out_.begin();
  }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  output& out_;
  bool started_ = false;
  std::uint64_t bytes_ = 0;
};

// A failure of the output wins over the scheme's view of it (sink_failed).
void conclude_output(output& out, body_writer& writer, bool mail, transfer_outcome& t) {
  if (t.exit_code == 0 && !mail) {
    if (auto ec = writer.start(); ec && t.exit_code == 0) t.exit_code = tool::exit_write_error;
    if (auto ec = out.finish(); ec && t.exit_code == 0) t.exit_code = tool::exit_write_error;
  }
  if (out.refused_binary()) {
    t.exit_code = tool::exit_write_error;
    t.message =
        "Binary output can mess up your terminal. Use \"--output -\" to tell cf-fetch to output "
        "it to your terminal anyway, or consider \"--output <FILE>\" to save to a file.";
  } else if (!out.problem().empty()) {
    t.exit_code = tool::exit_write_error;
    t.message = out.problem();
  }
  if (!out.close() && t.exit_code == 0) {
    t.exit_code = tool::exit_write_error;
    t.message = "writing the output failed";
  }
}

// What -w and --json read: the response stands for the transfer (its url, the reply code as
// curl's response_code, the bytes).
void fill_report(const scheme_result& r, std::uint64_t bytes, std::string_view scheme,
                 transfer_outcome& t) {
  t.response.url = t.url;
  t.response.version.major_version = 0;
  t.response.version.minor_version = 0;
  int code = 0;
  if (r.reply.size() >= 3 && std::isdigit(static_cast<unsigned char>(r.reply[0])) != 0) {
    code = std::stoi(r.reply.substr(0, 3));
  }
  t.response.status = code;
  t.response.body_bytes = bytes;
  t.response.wire_body_bytes = bytes;
  t.report.size_upload = r.uploaded;
  t.details = r.details;
  t.details["scheme"] = std::string(scheme);
  t.details["server_reply"] = r.reply;
}

}  // namespace

bool is_other_scheme(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  std::string scheme(text.substr(0, colon));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(other_schemes.begin(), other_schemes.end(), scheme) != other_schemes.end();
}

void verbose_line(std::string_view line) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

asio::awaitable<transfer_outcome> run_other_scheme(const run_context& ctx, std::size_t index) {
  const options& o = ctx.opts;
  transfer_outcome t;
  t.report.response = &t.response;
  t.url = o.urls[index];
  auto parsed = url::parse(t.url);
  if (!parsed) {
    t.exit_code = tool::exit_bad_url;
    t.message = "invalid URL '" + t.url + "': " + parsed.error().message();
    co_return t;
  }
  t.url = std::string(parsed->href());
  const bool mail = parsed->scheme() == "mailto";
  if (auto option = http_only_option(o, parsed->scheme())) {
    t.exit_code = tool::exit_usage;
    t.message = *option + " cannot be used with a " + std::string(parsed->scheme()) + ": URL";
    co_return t;
  }
  output_spec spec;
  std::uint64_t offset = 0;
  if (!mail && !plan_output(o, index, t, spec, offset)) co_return t;
  output out(output_settings(ctx, spec, mail ? std::string() : t.output_file), t.response);
  body_writer writer(out);
  const scheme_job job{ctx, *parsed, offset,
                       [&writer](std::string_view chunk) { return writer.write(chunk); }};
  const auto started = clock::now();
  const auto limit =
      o.net.max_time > 0 ? tool::seconds_to_ms(o.net.max_time) : std::chrono::milliseconds(0);
  auto done = co_await within(limit, job);
  t.report.wall = clock::now() - started;
  scheme_result r;
  if (done) {
    r = std::move(*done);
  } else {
    r.exit_code = tool::exit_timeout;
    r.message = "Operation timed out after " +
                std::to_string(
                    std::chrono::duration_cast<std::chrono::milliseconds>(t.report.wall).count()) +
                " milliseconds with " + std::to_string(writer.bytes()) + " bytes received";
  }
  t.exit_code = r.exit_code;
  t.message = r.message;
  conclude_output(out, writer, mail, t);
  fill_report(r, writer.bytes(), parsed->scheme(), t);
  t.report.exit_code = t.exit_code;
  t.report.error_message = t.message;
  co_return t;
}

std::string exit_codes_help() {
  const std::map<int, std::string> added{
      {exit_remote_access_denied, "ftp: a folder of the path could not be entered (CWD refused)"},
      {exit_bad_download_resume, "resume (-C) past the end of the remote or local file"},
      {exit_file_couldnt_read, "file: the file could not be read (missing, a folder, denied)"},
      {exit_send_error, "mailto: the mail was not delivered (rejected, or every exchanger failed)"},
      {exit_use_ssl_failed, "mailto: TLS required and the exchanger offers no STARTTLS"},
      {exit_login_denied, "ftp: login denied (530); news: the server wants a login"},
      {exit_remote_file_not_found, "ftp: no such file (550); news: no such group or article"},
  };
  std::istringstream in(tool::exit_codes_help());
  std::string result;
  std::string line;
  auto next = added.begin();
  while (std::getline(in, line)) {
    // "  33  resume ...": the code after the indentation; the heading has none.
    const auto digits = line.find_first_not_of(' ');
    int code = -1;
    const char* end = line.data() + line.size();
    if (digits != std::string::npos &&
        std::from_chars(line.data() + digits, end, code).ec == std::errc()) {
      for (; next != added.end() && next->first < code; ++next) {
        result += "  " + std::to_string(next->first) + "  " + next->second + "\n";
      }
    }
    result += line + "\n";
  }
  for (; next != added.end(); ++next) {
    result += "  " + std::to_string(next->first) + "  " + next->second + "\n";
  }
  return result;
}

}  // namespace cf_fetch
