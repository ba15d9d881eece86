#pragma once
// What every tool's command line does the same way: --help ending with the exit codes,
// --version, and bad usage as one line on stderr with exit status 2.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace corofetch::tool {

/// "NAME VERSION (corofetch VERSION; fmt, Asio, CLI11 and JSON versions)": --version's line.
[[nodiscard]] std::string version_text(const std::string& tool_name);

/// Adds --version to `app` (--help is CLI11's) and the exit codes after the options in --help.
void add_common_flags(CLI::App& app, bool& version);

/// Parses the command line. Returns the exit status when the tool should stop now: 0 after
/// printing --help or --version on stdout, exit_usage (2) after one line "NAME: problem (see
/// --help)" on stderr for bad usage; nullopt when the tool should run.
[[nodiscard]] std::optional<int> parse_command_line(CLI::App& app, const std::string& tool_name,
                                                    const bool& version, int argc,
                                                    const char* const* argv);

/// Prints "NAME: message" on stderr (one line; newlines in the message become spaces).
void print_error(const std::string& tool_name, const std::string& message);

}  // namespace corofetch::tool
