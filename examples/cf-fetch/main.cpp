// cf-fetch: HTTP requests like curl, with curl's everyday flags, its -w variables and its exit
// codes. Several URLs are fetched in order over one client, so they share its connection pool,
// DNS cache and cookie jar. --dry-run prints the exact request bytes instead. The other URLs a
// browser follows go through their own modules: file:, ftp:, mailto: (MX order) and news:.
//
//   cf-fetch -sSf -o page.html -w '%{http_code} %{time_total}\n' https://example.test/
//   cf-fetch -v -L --resolve www.test:8080:127.0.0.1 http://www.test:8080/
//   cf-fetch -F 'file=@photo.png;type=image/png' -F note=hello http://127.0.0.1:8080/upload
//   cf-fetch --json -b cookies.txt -c cookies.txt http://127.0.0.1:8080/login -d 'user=a'
//   cf-fetch -C - -O ftp://user:password@127.0.0.1:2121/dir/file1.html
//   cf-fetch -T message.eml --mail-from me@client.test mailto:tone@cyber.co.kr
//   cf-fetch --nntp-server 127.0.0.1:1119 news:comp.protocols.tcp-ip
#include "cf-fetch/options.hpp"
#include "cf-fetch/request.hpp"
#include "cf-fetch/schemes.hpp"
#include "cf-fetch/transfer.hpp"
#include "cf-fetch/write_out.hpp"
#include "common/cli.hpp"
#include "common/exit_codes.hpp"
#include "common/json.hpp"
#include "common/network.hpp"
#include "common/run.hpp"

#include <corofetch/client/client.hpp>
#include <corofetch/client/cookie_jar.hpp>

#include <asio/io_context.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include <unistd.h>

namespace {

namespace client = corofetch::client;
namespace tool = corofetch::tool;
using cf_fetch::options;

const std::string tool_name = "cf-fetch";

// "cf-fetch: (N) message", as curl writes "curl: (N) message".
void report_error(const options& o, int code, const std::string& message) {
  if (o.show_errors()) tool::print_error(tool_name, "(" + std::to_string(code) + ") " + message);
}

// A failure before any transfer: the error line, and with --json the error document.
int fail(const options& o, int code, const std::string& message) {
  if (o.json) tool::print_json({{"error", tool::error_json(message, code)}, {"exit_code", code}});
  if (!o.json) report_error(o, code, message);
  return code;
}

// -b FILE and -c FILE: the client keeps cookies in a jar; -b NAME=VALUE only adds a field.
std::shared_ptr<client::cookie_jar> make_jar(const options& o) {
  bool wanted = !o.cookie_jar.empty();
  auto jar = std::make_shared<client::cookie_jar>();
  for (const std::string& c : o.cookies) {
    if (c.find('=') != std::string::npos) continue;
    wanted = true;
    auto read = jar->load(c, jar->now());
    if (!read && !o.silent) {  // curl reads a missing file as an empty jar
      std::fprintf(stderr, "cf-fetch: warning: cookie file '%s' not read: %s\n", c.c_str(),
                   read.error().message().c_str());
    }
  }
  return wanted ? jar : nullptr;
}

// -w @FILE reads the format from a file ("@-": standard input).
std::optional<std::string> write_out_format(const options& o) {
  if (!o.write_out.starts_with("@")) return o.write_out;
  return cf_fetch::read_file(o.write_out.substr(1));
}

void print_write_out(const options& o, const std::string& format,
                     const cf_fetch::transfer_outcome& t) {
  std::vector<std::string> unknown;
  std::string to_stderr;
  const std::string text = cf_fetch::expand_write_out(format, t.report, unknown, to_stderr);
  for (const std::string& name : unknown) {
    if (!o.silent)
      std::fprintf(stderr, "cf-fetch: unknown --write-out variable: '%s'\n", name.c_str());
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fwrite(to_stderr.data(), 1, to_stderr.size(), stderr);
  std::fflush(stdout);
}

// --dry-run: each URL's request message as it would be written (with --json: url, method,
// target and the message, an array for several URLs).
int dry_run(const options& o, const tool::header_settings& headers, const cf_fetch::payload& body,
            const client::client_options& co, bool decode) {
  corofetch::http::serialize_options so;
  so.user_agent = co.user_agent;
  so.accept_any = co.send_accept;
  so.accept_encoding = decode;
  nlohmann::json documents = nlohmann::json::array();
  for (std::size_t i = 0; i < o.urls.size(); ++i) {
    auto req = cf_fetch::build_request(o, headers, body, i, 0);
    auto bytes = std::holds_alternative<client::request>(req)
                     ? cf_fetch::request_bytes(std::get<client::request>(req), so)
                     : std::get<cf_fetch::payload_error>(req);
    if (auto* e = std::get_if<cf_fetch::payload_error>(&bytes)) {
      return fail(o, e->exit_code, e->message);
    }
    const auto& text = std::get<std::string>(bytes);
    if (o.json) {
      const auto& r = std::get<client::request>(req);
      documents.push_back({{"url", std::string(r.url.href())},
                           {"method", std::string(r.method.name())},
                           {"target", std::string(r.url.path_and_query())},
                           {"request", text}});
    } else {
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
  }
  if (o.json)
    return tool::print_json(documents.size() == 1 ? documents[0] : documents)
               ? tool::exit_ok
               : tool::exit_write_error;
  return std::fflush(stdout) == 0 ? tool::exit_ok : tool::exit_write_error;
}

// Every URL in order over one client; the exit status is the last transfer's (curl's).
int fetch_all(const options& o, const tool::header_settings& headers, const cf_fetch::payload& body,
              client::client_options co, const client::fetch_options& defaults,
              const std::string& format) {
  co.timeouts = defaults.timeouts;
  co.cookies = make_jar(o);
  asio::io_context io(1);
  nlohmann::json documents = nlohmann::json::array();
  int status = tool::run_coroutine(io, tool_name, [&]() -> asio::awaitable<int> {
    corofetch::dns::resolver resolver(io.get_executor(), co.resolver);
    client::client fetcher(resolver, co);
    const cf_fetch::run_context ctx{o,        headers, body, fetcher, ::isatty(STDOUT_FILENO) == 1,
                                    &resolver};
    int last = 0;
    for (std::size_t i = 0; i < o.urls.size(); ++i) {
      // No co_await inside ?: (g++ 12 miscompiles it).
      cf_fetch::transfer_outcome t;
      if (cf_fetch::is_other_scheme(o.urls[i])) {
        t = co_await cf_fetch::run_other_scheme(ctx, i);
      } else {
        t = co_await cf_fetch::run_transfer(ctx, i);
      }
      t.report.response = &t.response;  // the outcome moved: point at its own response again
      last = t.exit_code;
      if (o.json) {
        documents.push_back(cf_fetch::transfer_json(t));
        continue;
      }
      if (t.exit_code != 0) report_error(o, t.exit_code, t.message);
      if (!format.empty()) print_write_out(o, format, t);
    }
    co_return last;
  });
  if (co.cookies && !o.cookie_jar.empty()) {
    const std::string file = o.cookie_jar == "-" ? "/dev/stdout" : o.cookie_jar;
    if (auto ec = co.cookies->save(file, co.cookies->now()); ec && !o.silent) {
      std::fprintf(stderr, "cf-fetch: warning: failed to save cookies in %s: %s\n",
                   o.cookie_jar.c_str(), ec.message().c_str());
    }
  }
  if (o.json && !documents.empty()) {
    tool::print_json(documents.size() == 1 ? documents[0] : documents);
  }
  return status;
}

// Bad usage found after parsing: one line and exit 2, or with --json one document.
int usage_error(const options& o, const std::string& message) {
  if (o.json) {
    tool::print_json(
        {{"error", tool::error_json(message, tool::exit_usage)}, {"exit_code", tool::exit_usage}});
  }
  tool::print_error(tool_name, message + " (see --help)");
  return tool::exit_usage;
}

int run(int argc, char** argv) {
  CLI::App app{
      "cf-fetch: HTTP requests like curl (its flags, -w variables and exit codes); also file:, "
      "ftp:, mailto: and news:"};
  options o;
  cf_fetch::declare_options(app, o);
  tool::add_common_flags(app, o.version);
  app.footer(cf_fetch::exit_codes_help());
  if (auto stop = tool::parse_command_line(app, tool_name, o.version, argc, argv)) return *stop;
  if (auto problem = cf_fetch::collect_ordered(app, o)) return usage_error(o, *problem);
  if (o.outputs.size() > o.urls.size() && !o.silent) {
    std::fprintf(stderr, "cf-fetch: warning: more -o/-O than URLs; the extra ones are ignored\n");
  }
  const auto format = write_out_format(o);
  if (!format) return usage_error(o, "cannot read the -w format from '" + o.write_out + "'");

  tool::header_settings headers;
  if (auto problem = tool::parse_headers(o.net, headers)) return usage_error(o, *problem);
  client::client_options co;
  client::fetch_options defaults;
  if (auto problem = tool::apply_network_options(o.net, headers, co, defaults)) {
    return usage_error(o, *problem);
  }
  auto built = cf_fetch::build_payload(o);
  if (auto* e = std::get_if<cf_fetch::payload_error>(&built)) {
    return fail(o, e->exit_code, e->message);
  }
  const auto& body = std::get<cf_fetch::payload>(built);
  for (const std::string& w : body.warnings) {
    if (!o.silent) std::fprintf(stderr, "cf-fetch: warning: %s\n", w.c_str());
  }
  if (o.dry_run) {
    return dry_run(o, headers, body, co, o.compressed && !o.raw && !headers.drop_accept_encoding);
  }
  return fetch_all(o, headers, body, co, defaults, *format);
}

}  // namespace

int main(int argc, char** argv) {
  return tool::guarded_main(tool_name, [&] { return run(argc, argv); });
}
