#include "common/cli.hpp"

#include "common/exit_codes.hpp"
#include "common/json.hpp"

#include <corofetch/version.hpp>

#include <fmt/format.h>
#include <asio/version.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string_view>

namespace corofetch::tool {

std::string version_text(const std::string& tool_name) {
  return fmt::format(
      "{} {} (corofetch {}; Asio {}.{}.{}, fmt {}.{}.{}, CLI11 {}, nlohmann-json {}.{}.{})",
      tool_name, corofetch::version_string, corofetch::version_string, ASIO_VERSION / 100000,
      ASIO_VERSION / 100 % 1000, ASIO_VERSION % 100, FMT_VERSION / 10000, FMT_VERSION / 100 % 100,
      FMT_VERSION % 100, CLI11_VERSION, NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
      NLOHMANN_JSON_VERSION_PATCH);
}

void add_common_flags(CLI::App& app, bool& version) {
  add_common_flags(app, version, exit_codes_help());
}

void add_common_flags(CLI::App& app, bool& version, const std::string& exit_codes) {
  app.add_flag("-V,--version", version, "Print the version and exit");
  app.footer(exit_codes);
}

bool wants_json(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return false;
    if (arg == "--json") return true;
  }
  return false;
}

void print_error(const std::string& tool_name, const std::string& message) {
  std::string line = message;
  for (char& ch : line) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  std::fprintf(stderr, "%s: %s\n", tool_name.c_str(), line.c_str());
}

std::optional<int> parse_command_line(CLI::App& app, const std::string& tool_name,
                                      const bool& version, int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return exit_ok;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    if (version) {  // "--version" with other arguments missing: the version still wins
      std::printf("%s\n", version_text(tool_name).c_str());
      return exit_ok;
    }
    return usage_error(tool_name, e.what(), wants_json(argc, argv));
  }
  if (version) {
    std::printf("%s\n", version_text(tool_name).c_str());
    return exit_ok;
  }
  return std::nullopt;
}

int usage_error(const std::string& tool_name, const std::string& message, bool json) {
  return fail(tool_name, message + " (see --help)", exit_usage, json);
}

int fail(const std::string& tool_name, const std::string& message, int code, bool json) {
  print_error(tool_name, message);
  if (json) print_json(failure_json(message, code));
  return code;
}

}  // namespace corofetch::tool
