// cf-url: takes URLs apart as a browser does (the seed's 1-2), one table or JSON line each.
//
//   cf-url http://user:password@www.cyber.co.kr:80/dir/file.html mailto:tone@cyber.co.kr
//   cf-url --base http://h/dir/page.html ../img/a.png
//   cf-url --json news:comp.protocols.tcp-ip
//
// --json prints one JSON document, {"urls": [...]}, also on failure. Exit status in --help.
#include <corofetch/url/url.hpp>
#include <corofetch/version.hpp>

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using corofetch::url::url;

nlohmann::json optional_json(std::optional<std::string_view> v) {
  return v ? nlohmann::json(std::string(*v)) : nlohmann::json(nullptr);
}

nlohmann::json to_json(const std::string& input, const url& u) {
  const auto port = u.effective_port();
  return {{"input", input},
          {"href", u.href()},
          {"scheme", u.scheme()},
          {"user", u.username()},
          {"password", u.password()},
          {"host", u.hostname()},
          {"port", port ? nlohmann::json(*port) : nlohmann::json(nullptr)},
          {"path", u.pathname()},
          {"query", optional_json(u.query())},
          {"fragment", optional_json(u.fragment())}};
}

constexpr int exit_usage = 2;
const char* const exit_codes_help =
    "Exit codes:\n"
    "  0  every URL is valid\n"
    "  1  some URL is not (the others are still printed)\n"
    "  2  bad usage (no URL, an unknown option, an invalid --base)";

// The JSON document; bytes that are not UTF-8 (a URL given as raw bytes) become U+FFFD instead
// of an exception.
void print_json(const nlohmann::json& j) {
  fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

// One line on stderr; with --json, the same as a JSON document on stdout.
int usage_error(const std::string& problem, bool json) {
  fmt::print(stderr, "cf-url: {} (see --help)\n", problem);
  if (json) print_json({{"error", {{"message", problem}, {"exit_code", exit_usage}}}});
  return exit_usage;
}

bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--json") return true;
  }
  return false;
}

void print_table(const std::string& input, const url& u) {
  const auto port = u.effective_port();
  const auto row = [](std::string_view name, std::string_view value) {
    fmt::print("  {:<9} {}\n", name, value);
  };
  fmt::print("{}\n", input);
  row("href", u.href());
  row("scheme", u.scheme());
  row("user", u.username());
  row("password", u.password());
  row("host", u.hostname());
  row("port", port ? fmt::format("{}{}", *port, u.port() ? "" : " (default)") : "-");
  row("path", u.pathname());
  row("query", u.query() ? std::string(*u.query()) : "-");
  row("fragment", u.fragment() ? std::string(*u.fragment()) : "-");
  row("file", corofetch::url::local_file_name(u));
}

int run(int argc, char** argv) {
  CLI::App app{"cf-url: parse URLs as browsers do (WHATWG URL Standard) and print their parts"};
  std::vector<std::string> inputs;
  std::string base_text;
  bool json = false;
  app.add_option("URL", inputs, "URLs to parse (relative ones need --base)")->required();
  app.add_option("--base", base_text, "Resolve every URL as a reference relative to this one");
  app.add_flag("--json", json, "One JSON document, {\"urls\": [...]}, instead of tables");
  app.set_version_flag("--version", std::string("cf-url ") + corofetch::version_string);
  app.footer(exit_codes_help);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return usage_error(e.what(), wants_json(argc, argv));
  }

  std::optional<url> base;
  if (!base_text.empty()) {
    auto parsed = corofetch::url::parse(base_text);
    if (!parsed) {
      return usage_error(
          fmt::format("invalid --base '{}': {}", base_text, parsed.error().message()), json);
    }
    base = std::move(*parsed);
  }

  int status = 0;
  auto urls = nlohmann::json::array();
  for (const auto& input : inputs) {
    auto parsed = base ? corofetch::url::parse(input, *base) : corofetch::url::parse(input);
    if (!parsed) {
      status = 1;
      if (json) {
        urls.push_back({{"input", input}, {"error", parsed.error().message()}});
      } else {
        fmt::print(stderr, "cf-url: invalid URL '{}': {}\n", input, parsed.error().message());
      }
      continue;
    }
    if (json) {
      urls.push_back(to_json(input, *parsed));
    } else {
      print_table(input, *parsed);
    }
  }
  if (json) print_json({{"urls", urls}});
  return status;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // output errors (a closed stdout) end with one line too
    std::fprintf(stderr, "cf-url: %s\n", e.what());
    return 2;
  }
}
