// cf-fetch: one HTTP request, like curl. This version has --dry-run only: it prints the exact
// request bytes that would be sent, without resolving or connecting. The network client
// (another issue) adds the fetching itself.
//
//   cf-fetch --dry-run -X POST -H 'X-Trace: 1' -d 'a=1' http://user:pw@127.0.0.1:8080/form
#include <corofetch/http/request.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/http/syntax.hpp>
#include <corofetch/url/url.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace {

namespace http = corofetch::http;

int fail(const std::string& message) {
  std::fprintf(stderr, "cf-fetch: %s\n", message.c_str());
  return 1;
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cf-fetch: one HTTP request (--dry-run prints the request message)"};
  bool dry_run = false;
  bool json = false;
  std::string method_name;
  std::vector<std::string> header_args;
  std::string data;
  std::string target;
  app.add_flag("--dry-run", dry_run, "Print the exact request bytes; no DNS, no connection");
  app.add_option("-X,--request", method_name,
                 "Method (any RFC 9110 token; default GET, or POST with -d)");
  app.add_option("-H,--header", header_args,
                 "Extra field 'Name: value' (repeatable; 'Name:' drops a default)");
  app.add_option("-d,--data", data, "Request body (sent with Content-Length)");
  app.add_flag("--json", json, "Machine-readable output");
  app.add_option("url", target, "http:// or https:// URL")->required();
  CLI11_PARSE(app, argc, argv);

  if (!dry_run) return fail("the network client is not built yet: only --dry-run works");

  auto url = corofetch::url::parse(target);
  if (!url) return fail("invalid URL '" + target + "': " + url.error().message());

  const bool has_data = app.count("--data") != 0;
  if (method_name.empty()) method_name = has_data ? "POST" : "GET";
  auto method = http::method::parse(method_name);
  if (!method) return fail("invalid method '" + method_name + "': " + method.error().message());

  auto request = http::make_request(*method, *url);
  if (!request) return fail("cannot request '" + target + "': " + request.error().message());

  http::serialize_options options;
  bool has_content_type = false;
  for (const std::string& line : header_args) {
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
  if (has_data) {
    if (!has_content_type) {
      request->fields().add("Content-Type", "application/x-www-form-urlencoded");
    }
    request->set_body(data);
  }

  auto bytes = http::serialize(*request, options);
  if (!bytes) return fail("invalid request: " + bytes.error().message());

  if (json) {
    nlohmann::json out;
    out["url"] = std::string(url->href());
    out["method"] = std::string(request->method().name());
    out["target"] = std::string(request->target());
    out["request"] = *bytes;  // binary-safe only for UTF-8 bodies; the JSON keeps them exact
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::fwrite(bytes->data(), 1, bytes->size(), stdout);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
