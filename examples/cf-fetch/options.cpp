#include "cf-fetch/options.hpp"

#include "cf-fetch/write_out.hpp"

#include <map>

namespace cf_fetch {

namespace {

// Options whose every occurrence keeps its position among the others of its group.
constexpr std::string_view data_ascii = "--data";
constexpr std::string_view data_raw = "--data-raw";
constexpr std::string_view data_binary = "--data-binary";
constexpr std::string_view data_urlencode = "--data-urlencode";
constexpr std::string_view form = "--form";
constexpr std::string_view form_string = "--form-string";
constexpr std::string_view output = "--output";
constexpr std::string_view remote_name = "--remote-name";

// Repeatable options collected by collect_ordered(); their values live in the Option itself.
void repeatable(CLI::App& app, const std::string& names, const std::string& help) {
  app.add_option(names, help)
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
}

}  // namespace

void declare_options(CLI::App& app, options& o) {
  corofetch::tool::add_network_options(app, o.net);
  app.add_option("urls", o.urls,
                 "URLs fetched in order: http:, https: (over one pool), file:, ftp:, mailto: "
                 "(with -T, or a body= in the URL), news:");
  app.add_option("-X,--request", o.method, "Method (default GET; POST with -d/-F, PUT with -T)");
  repeatable(app, "-d,--data,--data-ascii",
             "Data to POST (repeatable, joined with '&'); @FILE reads it without CR/LF");
  repeatable(app, "--data-raw", "Data to POST, '@' not special");
  repeatable(app, "--data-binary", "Data to POST; @FILE read as it is");
  repeatable(app, "--data-urlencode",
             "Data to POST percent-encoded: CONTENT, =CONTENT, NAME=CONTENT, @FILE, NAME@FILE");
  app.add_flag("-G,--get", o.get, "Put the data in the URL's query and GET it");
  repeatable(app, "-F,--form",
             "multipart/form-data part NAME=VALUE, NAME=@FILE, NAME=<FILE [;type=T][;filename=F]");
  repeatable(app, "--form-string", "multipart/form-data part NAME=VALUE, taken literally");
  app.add_option("-T,--upload-file", o.upload_file,
                 "PUT this file ('-': standard input); to a mailto: URL, the message to send");
  app.add_option("-u,--user", o.user, "USER:PASSWORD for Basic authentication, or the FTP login");
  app.add_option("-e,--referer", o.referer, "Referer to send");
  app.add_option("-b,--cookie", o.cookies,
                 "NAME=VALUE[; N2=V2] to send, or a cookie FILE to read (Netscape format)")
      ->allow_extra_args(false);
  app.add_option("-c,--cookie-jar", o.cookie_jar, "Write every cookie to FILE at the end");
  app.add_flag("--compressed", o.compressed, "Ask for gzip/deflate and decode the body");
  app.add_flag("--raw", o.raw, "Do not decode a content coding");
  app.add_option("-C,--continue-at", o.continue_at,
                 "Resume at OFFSET, or '-' at the output file's size (Range, appended)");
  app.add_flag("-l,--list-only", o.list_only, "ftp: a folder's names only (NLST, not LIST)");
  app.add_option("--mail-from", o.mail_from,
                 "mailto: the sender (MAIL FROM; also From: of a message built from the URL)");
  app.add_option("--smtp-port", o.smtp_port, "mailto: the port of the mail exchangers (25)");
  app.add_flag("--ssl-reqd", o.ssl_required,
               "mailto: require STARTTLS (an exchanger without it is left)");
  app.add_option("--nntp-server", o.nntp_server, "news: the NNTP server HOST[:PORT] (119)");
  app.add_option("--file-drive", o.file_drives,
                 "file: LETTER=FOLDER maps a drive (file://localhost/c:/x with C=/mnt/c)")
      ->allow_extra_args(false);
  app.add_flag("-L,--location", o.follow, "Follow redirects (301 302 303 307 308)");
  app.add_option("--max-redirs", o.max_redirects, "Redirects followed at most (default 50)");
  app.add_option("--retry", o.retry,
                 "Retry a transient failure N times (timeout, 408 429 500 502 503 504), "
                 "waiting Retry-After or 1 s doubling");
  app.add_option("--retry-delay", o.retry_delay, "Wait this many seconds between retries");
  app.add_option("--retry-max-time", o.retry_max_time, "Retry only within this many seconds");
  app.add_flag("--retry-connrefused", o.retry_connrefused, "A refused connection is transient");
  repeatable(app, "-o,--output", "Write the body to FILE ('-': stdout); one per URL, in order");
  const std::string remote_help = "Write the body to the URL's file name; one per URL";
  app.add_flag("-O,--remote-name", remote_help);
  app.add_flag("--remote-name-all", o.remote_name_all, "-O for every URL");
  app.add_flag("-f,--fail", o.fail, "Exit 22 on HTTP >= 400, without writing the body");
  app.add_flag("-i,--include", o.include, "Write the response head before the body");
  app.add_flag("-I,--head", o.head, "HEAD request; write the response head");
  app.add_flag("-s,--silent", o.silent, "No error messages or warnings");
  app.add_flag("-S,--show-error", o.show_error, "With -s, still print errors");
  app.add_flag("-v,--verbose", o.verbose,
               "Addresses, connection, TLS, request and response heads, timing on stderr");
  app.add_option("-w,--write-out", o.write_out,
                 "After each transfer print FORMAT (@FILE reads it): " + write_out_variables());
  app.add_flag("--json", o.json,
               "One JSON document on stdout (an object, an array for several URLs), also on "
               "failure; the body only goes to -o");
  app.add_flag("--dry-run", o.dry_run, "Print the exact request bytes; no DNS, no connection");
}

std::optional<std::string> collect_ordered(const CLI::App& app, options& o) {
  std::map<const CLI::Option*, std::size_t> taken;
  auto next = [&](const CLI::Option* opt) -> std::string {
    const auto& values = opt->results();
    const std::size_t i = taken[opt]++;
    return i < values.size() ? values[i] : std::string();
  };
  const CLI::Option* d = app.get_option(std::string(data_ascii));
  const CLI::Option* raw = app.get_option(std::string(data_raw));
  const CLI::Option* binary = app.get_option(std::string(data_binary));
  const CLI::Option* urlenc = app.get_option(std::string(data_urlencode));
  const CLI::Option* f = app.get_option(std::string(form));
  const CLI::Option* fs = app.get_option(std::string(form_string));
  const CLI::Option* out = app.get_option(std::string(output));
  const CLI::Option* remote = app.get_option(std::string(remote_name));
  for (const CLI::Option* opt : app.parse_order()) {
    if (opt == d) o.data.push_back({data_arg::kind::ascii, next(opt)});
    if (opt == raw) o.data.push_back({data_arg::kind::raw, next(opt)});
    if (opt == binary) o.data.push_back({data_arg::kind::binary, next(opt)});
    if (opt == urlenc) o.data.push_back({data_arg::kind::urlencode, next(opt)});
    if (opt == f) o.forms.push_back({next(opt), false});
    if (opt == fs) o.forms.push_back({next(opt), true});
    if (opt == out) {
      output_spec spec;
      spec.file = next(opt);
      if (spec.file == "-") {
        spec.file.clear();
        spec.explicit_stdout = true;
      }
      o.outputs.push_back(spec);
    }
    if (opt == remote) o.outputs.push_back({"", true, false});
  }
  if (o.urls.empty()) return "no URL specified";
  if (!o.data.empty() && !o.forms.empty()) return "-d and -F cannot be used together";
  if (!o.upload_file.empty() && (!o.data.empty() || !o.forms.empty())) {
    return "-T cannot be used with -d or -F";
  }
  if (o.get && !o.forms.empty()) return "-G cannot be used with -F";
  if (o.retry < 0) return "--retry needs a number >= 0";
  if (o.retry_delay < 0 || o.retry_max_time < 0) return "a time cannot be negative";
  return std::nullopt;
}

}  // namespace cf_fetch
