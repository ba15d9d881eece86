#pragma once
// What every tool's command line does the same way: --help ending with the exit codes,
// --version, and bad usage as one line on stderr with exit status 2 (with --json, also one JSON
// document on stdout).

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace corofetch::tool {

/// "NAME VERSION (corofetch VERSION; fmt, Asio, CLI11 and JSON versions)": --version's line.
[[nodiscard]] std::string version_text(const std::string& tool_name);

/// Adds --version to `app` (--help is CLI11's) and the exit codes after the options in --help:
/// `exit_codes` (a table from exit_codes_table), curl's table (exit_codes_help) by default.
void add_common_flags(CLI::App& app, bool& version);
void add_common_flags(CLI::App& app, bool& version, const std::string& exit_codes);

/// Whether --json is among the arguments (before a "--" that ends the options): known before
/// parsing, so that bad usage gets a JSON document too.
[[nodiscard]] bool wants_json(int argc, const char* const* argv);

/// Parses the command line. Returns the exit status when the tool should stop now: 0 after
/// printing --help or --version on stdout, exit_usage (2) after one line "NAME: problem (see
/// --help)" on stderr for bad usage (and, when wants_json, the error document on stdout);
/// nullopt when the tool should run.
[[nodiscard]] std::optional<int> parse_command_line(CLI::App& app, const std::string& tool_name,
                                                    const bool& version, int argc,
                                                    const char* const* argv);

/// Prints "NAME: message" on stderr (one line; newlines in the message become spaces).
void print_error(const std::string& tool_name, const std::string& message);

/// Bad usage found after parsing: "NAME: message (see --help)" on stderr, with `json` also
/// {"error": {"message", "exit_code": 2}, "exit_code": 2} on stdout. Returns exit_usage.
int usage_error(const std::string& tool_name, const std::string& message, bool json);

/// A failure that ends the tool with `code`: "NAME: message" on stderr, with `json` also the
/// error document (see failure_json) on stdout. Returns `code`.
int fail(const std::string& tool_name, const std::string& message, int code, bool json);

}  // namespace corofetch::tool
