// cf-fetch: one HTTP request, like curl. It resolves the host (through the resolver and its
// cache, or --resolve / --dns-server), connects (Happy Eyeballs, TLS verified by default),
// sends the request, follows redirects with -L, and writes the body to stdout or -o FILE.
// --dry-run prints the exact request bytes instead, without resolving or connecting.
//
//   cf-fetch -v -L --resolve www.test:8080:127.0.0.1 http://www.test:8080/
//   cf-fetch --json -o /dev/null https://127.0.0.1:8443/ --cacert ca.pem
//   cf-fetch --dry-run -X POST -H 'X-Trace: 1' -d 'a=1' http://user:pw@127.0.0.1:8080/form
#include <corofetch/client/client.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/http/error.hpp>
#include <corofetch/http/request.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/http/syntax.hpp>
#include <corofetch/net/error.hpp>
#include <corofetch/url/url.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace http = corofetch::http;
namespace client = corofetch::client;

int fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "cf-fetch: %s\n", message.c_str());
  return code;
}

struct header_line {
  std::string name;
  std::string value;
};

// "Name: value" as curl's -H takes it; leading whitespace of the value is dropped.
bool split_header(const std::string& line, header_line& out) {
  const auto colon = line.find(':');
  if (colon == std::string::npos) return false;
  out.name = line.substr(0, colon);
  std::size_t v = colon + 1;
  while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
  out.value = line.substr(v);
  return true;
}

// curl's convention: "-H 'User-Agent:'" with no value removes a field the tool adds itself.
bool disable_default(const header_line& h, http::serialize_options& options) {
  if (!h.value.empty()) return false;
  if (http::iequals(h.name, "User-Agent")) {
    options.user_agent.clear();
  } else if (http::iequals(h.name, "Accept")) {
    options.accept_any = false;
  } else if (http::iequals(h.name, "Accept-Encoding")) {
    options.accept_encoding = false;
  } else {
    return false;
  }
  return true;
}

struct cli {
  bool dry_run = false;
  bool json = false;
  bool head = false;
  bool include = false;
  bool follow = false;
  bool verbose = false;
  bool insecure = false;
  bool raw = false;
  std::size_t max_redirects = 10;
  double max_time = 0;
  double connect_timeout = 0;
  std::string method_name;
  std::vector<std::string> header_args;
  std::string data;
  bool has_data = false;
  std::string output;
  std::string cacert;
  std::string proxy;
  std::vector<std::string> dns_servers;
  std::vector<std::string> resolves;
  std::string target;
};

// ---- --dry-run: the request message, nothing sent ------------------------------------------

int dry_run(const cli& c) {
  auto url = corofetch::url::parse(c.target);
  if (!url) return fail("invalid URL '" + c.target + "': " + url.error().message());
  std::string method_name = c.method_name;
  if (method_name.empty()) method_name = c.head ? "HEAD" : c.has_data ? "POST" : "GET";
  auto method = http::method::parse(method_name);
  if (!method) return fail("invalid method '" + method_name + "': " + method.error().message());

  auto request = http::make_request(*method, *url);
  if (!request) return fail("cannot request '" + c.target + "': " + request.error().message());

  http::serialize_options options;
  bool has_content_type = false;
  for (const std::string& line : c.header_args) {
    header_line h;
    if (!split_header(line, h))
      return fail("invalid header '" + line + "': expected 'Name: value'");
    if (disable_default(h, options)) continue;
    if (http::iequals(h.name, "Host")) {
      request->fields().set("Host", h.value);
      continue;
    }
    has_content_type = has_content_type || http::iequals(h.name, "Content-Type");
    request->fields().add(h.name, h.value);
  }
  if (c.has_data) {
    if (!has_content_type) {
      request->fields().add("Content-Type", "application/x-www-form-urlencoded");
    }
    request->set_body(c.data);
  }

  auto bytes = http::serialize(*request, options);
  if (!bytes) return fail("invalid request: " + bytes.error().message());

  if (c.json) {
    nlohmann::json out;
    out["url"] = std::string(url->href());
    out["method"] = std::string(request->method().name());
    out["target"] = std::string(request->target());
    out["request"] = *bytes;  // binary-safe only for UTF-8 bodies; the JSON keeps them exact
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    const std::string& message = *bytes;
    std::fwrite(message.data(), 1, message.size(), stdout);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

// ---- fetching ----------------------------------------------------------------------------

// Exit codes after curl's, so scripts can tell failures apart.
int exit_code(std::error_code ec) {
  using client::errc;
  if (ec == corofetch::dns::errc::nxdomain || ec == corofetch::dns::errc::nodata ||
      ec.category() == corofetch::dns::dns_category() || ec == errc::resolve_timeout) {
    return ec == errc::resolve_timeout ? 28 : 6;
  }
  if (client::is_timeout(ec)) return 28;
  if (ec == errc::too_many_redirects || ec == errc::redirect_loop) return 47;
  if (ec == errc::proxy_connect_failed || ec == errc::invalid_proxy) return 5;
  if (ec == corofetch::net::errc::tls_certificate_untrusted ||
      ec == corofetch::net::errc::tls_certificate_expired ||
      ec == corofetch::net::errc::tls_certificate_invalid ||
      ec == corofetch::net::errc::tls_hostname_mismatch) {
    return 60;
  }
  if (ec.category() == corofetch::net::net_category()) return 35;
  if (ec == http::errc::truncated) return 18;
  if (ec.category() == http::http_category()) return ec == http::errc::decoded_too_large ? 61 : 8;
  if (ec == errc::sink_failed) return 23;
  if (ec == asio::error::connection_refused || ec == asio::error::host_unreachable ||
      ec == asio::error::network_unreachable) {
    return 7;
  }
  if (ec == asio::error::connection_reset || ec == asio::error::eof) return 56;
  return 1;
}

std::string ms(client::timing::duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", std::chrono::duration<double, std::milli>(d).count());
  return text;
}

std::string status_line(const client::response& r) {
  return "HTTP/" + std::to_string(r.version.major_version) + "." +
         std::to_string(r.version.minor_version) + " " + std::to_string(r.status) + " " + r.reason;
}

std::string response_head(const client::response& r) {
  std::string head = status_line(r) + "\r\n";
  for (const http::field f : r.fields) {
    head.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  return head + "\r\n";
}

void verbose_lines(std::string_view head, const char* prefix) {
  while (!head.empty()) {
    const auto end = head.find("\r\n");
    const auto line = head.substr(0, end);
    std::fprintf(stderr, "%s %.*s\n", prefix, static_cast<int>(line.size()), line.data());
    if (end == std::string_view::npos) break;
    head.remove_prefix(end + 2);
  }
}

nlohmann::json timing_json(const client::timing& t) {
  return {{"queued_ms", std::chrono::duration<double, std::milli>(t.queued).count()},
          {"dns_ms", std::chrono::duration<double, std::milli>(t.dns).count()},
          {"connect_ms", std::chrono::duration<double, std::milli>(t.connect).count()},
          {"tls_ms", std::chrono::duration<double, std::milli>(t.tls).count()},
          {"sent_ms", std::chrono::duration<double, std::milli>(t.sent).count()},
          {"first_byte_ms", std::chrono::duration<double, std::milli>(t.first_byte).count()},
          {"done_ms", std::chrono::duration<double, std::milli>(t.done).count()},
          {"total_ms", std::chrono::duration<double, std::milli>(t.total()).count()}};
}

nlohmann::json summary(const cli& c, const client::response& r) {
  nlohmann::json headers = nlohmann::json::array();
  for (const http::field f : r.fields)
    headers.push_back({std::string(f.name), std::string(f.value)});
  nlohmann::json redirects = nlohmann::json::array();
  for (const auto& hop : r.redirects) {
    redirects.push_back({{"url", hop.url},
                         {"method", hop.method},
                         {"status", hop.status},
                         {"location", hop.location},
                         {"reused", hop.reused},
                         {"timings", timing_json(hop.timing)}});
  }
  return {{"url", c.target},        {"final_url", r.url},
          {"status", r.status},     {"reason", r.reason},
          {"headers", headers},     {"body_bytes", r.body_bytes},
          {"decoded", r.decoded},   {"timings", timing_json(r.timing)},
          {"redirects", redirects}, {"reused", r.reused}};
}

// Writes the body to a std::FILE* (stdout or -o FILE) as it arrives.
class output_sink final : public client::body_sink {
 public:
  explicit output_sink(std::FILE* f) : file_(f) {}
  std::error_code write(std::string_view chunk) override {
    if (std::fwrite(chunk.data(), 1, chunk.size(), file_) != chunk.size()) {
      return std::make_error_code(std::errc::io_error);
    }
    return {};
  }

 private:
  std::FILE* file_;
};

struct prepared {
  client::client_options options;
  client::fetch_options fetch;
  client::request request;
};

std::optional<std::string> prepare(const cli& c, prepared& p) {
  auto req = client::request::make(http::method::get, c.target);
  if (!req) return "invalid URL '" + c.target + "': " + req.error().message();
  p.request = std::move(*req);
  std::string method_name = c.method_name;
  if (method_name.empty()) method_name = c.head ? "HEAD" : c.has_data ? "POST" : "GET";
  auto method = http::method::parse(method_name);
  if (!method) return "invalid method '" + method_name + "': " + method.error().message();
  p.request.method = *method;

  http::serialize_options defaults;
  bool has_content_type = false;
  for (const std::string& line : c.header_args) {
    header_line h;
    if (!split_header(line, h)) return "invalid header '" + line + "': expected 'Name: value'";
    if (disable_default(h, defaults)) continue;
    has_content_type = has_content_type || http::iequals(h.name, "Content-Type");
    p.request.fields.add(h.name, h.value);
  }
  if (c.has_data) {
    if (!has_content_type) {
      p.request.fields.add("Content-Type", "application/x-www-form-urlencoded");
    }
    p.request.body = http::request_body(c.data);
  }

  auto& o = p.options;
  o.user_agent = defaults.user_agent;
  o.send_accept = defaults.accept_any;
  o.tls.ca_file = c.cacert;
  o.tls.insecure_skip_verify = c.insecure;
  o.proxy = c.proxy;
  o.resolver.servers = c.dns_servers;
  for (const std::string& r : c.resolves) {
    auto ov = client::parse_resolve_override(r);
    if (!ov) return "invalid --resolve '" + r + "': expected HOST:PORT:ADDR with a port 0-65535";
    o.resolve_overrides.push_back(std::move(*ov));
  }
  auto& f = p.fetch;
  f.timeouts = o.timeouts;
  if (c.max_time > 0) {
    f.timeouts.total = std::chrono::milliseconds(static_cast<long long>(c.max_time * 1000));
  }
  if (c.connect_timeout > 0) {
    f.timeouts.connect =
        std::chrono::milliseconds(static_cast<long long>(c.connect_timeout * 1000));
  }
  f.follow_redirects = c.follow;
  f.max_redirects = c.max_redirects;
  f.decode_content = !c.raw && defaults.accept_encoding;
  if (c.verbose) f.on_request_head = [](std::string_view head) { verbose_lines(head, ">"); };
  return std::nullopt;
}

int fetch(const cli& c) {
  prepared p;
  if (auto problem = prepare(c, p)) return fail(*problem);

  std::FILE* out = stdout;
  if (!c.output.empty()) {
    out = std::fopen(c.output.c_str(), "wb");
    if (out == nullptr) return fail("cannot open '" + c.output + "' for writing", 23);
  }
  // The body streams to its destination chunk by chunk; with --json it is only counted.
  client::callback_sink counting([](std::string_view) { return std::error_code{}; });
  output_sink writing(out);
  p.fetch.sink = c.json && c.output.empty() ? static_cast<client::body_sink*>(&counting)
                                            : static_cast<client::body_sink*>(&writing);
  if (c.include && !c.json) {
    // -i: the head goes out before the body; it is known when the first chunk arrives, so the
    // body is kept in memory in this mode and written after the head.
    p.fetch.sink = nullptr;
  }

  asio::io_context io(1);
  client::response response;
  std::error_code error;
  std::exception_ptr crashed;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        client::client fetcher(io.get_executor(), p.options);
        error = co_await fetcher.async_fetch_into(p.request, response, p.fetch);
      },
      [&](const std::exception_ptr& e) { crashed = e; });
  try {
    io.run();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (crashed) {
    try {
      std::rethrow_exception(crashed);
    } catch (const std::exception& e) {
      return fail(e.what());
    }
  }

  if (c.verbose) {
    for (const auto& hop : response.redirects) {
      std::fprintf(stderr, "< %d redirect to %s\n", hop.status, hop.location.c_str());
    }
    if (response.status != 0) verbose_lines(response_head(response), "<");
    const auto& t = response.timing;
    std::fprintf(stderr,
                 "* timing (ms): queued %s, dns %s, connect %s, tls %s, sent %s, first byte %s, "
                 "done %s, total %s%s\n",
                 ms(t.queued).c_str(), ms(t.dns).c_str(), ms(t.connect).c_str(), ms(t.tls).c_str(),
                 ms(t.sent).c_str(), ms(t.first_byte).c_str(), ms(t.done).c_str(),
                 ms(t.total()).c_str(), response.reused ? " (reused connection)" : "");
  }
  if (error) {
    if (out != stdout) std::fclose(out);
    return fail(response.error_detail.empty() ? error.message() : response.error_detail,
                exit_code(error));
  }
  if (c.include && !c.json) {
    const std::string head = response_head(response);
    std::fwrite(head.data(), 1, head.size(), out);
    std::fwrite(response.body.data(), 1, response.body.size(), out);
  }
  if (c.json) {
    std::printf(
        "%s\n",
        summary(c, response).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  const bool flushed = std::fflush(out) == 0 && (out == stdout || std::fclose(out) == 0);
  if (!flushed) return fail("writing the body failed", 23);
  return std::fflush(stdout) == 0 ? 0 : 23;
}

int run(int argc, char** argv) {
  CLI::App app{"cf-fetch: one HTTP request, like curl (--dry-run prints the request message)"};
  cli c;
  app.add_flag("--dry-run", c.dry_run, "Print the exact request bytes; no DNS, no connection");
  app.add_option("-X,--request", c.method_name,
                 "Method (any RFC 9110 token; default GET, or POST with -d)");
  app.add_option("-H,--header", c.header_args,
                 "Extra field 'Name: value' (repeatable; 'Name:' drops a default)");
  app.add_option("-d,--data", c.data, "Request body (sent with Content-Length)");
  app.add_flag("-I,--head", c.head, "HEAD request: fields only");
  app.add_flag("-i,--include", c.include, "Write the response head before the body");
  app.add_flag("-L,--location", c.follow, "Follow redirects (301 302 303 307 308)");
  app.add_option("--max-redirs", c.max_redirects, "Redirects followed at most (default 10)");
  app.add_option("-o,--output", c.output, "Write the body to FILE instead of stdout");
  app.add_flag("-v,--verbose", c.verbose, "Request and response heads, timing per phase on stderr");
  app.add_option("-m,--max-time", c.max_time, "Bound on the whole fetch, in seconds");
  app.add_option("--connect-timeout", c.connect_timeout, "Bound on connecting, in seconds");
  app.add_option("--cacert", c.cacert, "PEM file of trusted CAs instead of the system store");
  app.add_flag("-k,--insecure", c.insecure, "Do not verify the server's certificate");
  app.add_option("-x,--proxy", c.proxy, "Proxy http://[user:pass@]host:port");
  app.add_option("--dns-server", c.dns_servers, "DNS server ADDR[:PORT] (repeatable)");
  app.add_option("--resolve", c.resolves, "HOST:PORT:ADDR, bypassing DNS (repeatable)");
  app.add_flag("--raw", c.raw, "Do not ask for nor decode gzip/deflate");
  app.add_flag("--json", c.json,
               "JSON summary on stdout (url, final_url, status, headers, body_bytes, timings, "
               "redirects, reused); the body only goes to -o");
  app.add_option("url", c.target, "http:// or https:// URL")->required();
  CLI11_PARSE(app, argc, argv);
  c.has_data = app.count("--data") != 0;
  if (c.dry_run) return dry_run(c);
  return fetch(c);
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // e.g. out of memory: still one clear line
    std::fprintf(stderr, "cf-fetch: %s\n", e.what());
    return 2;
  }
}
