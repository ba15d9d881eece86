#pragma once
// --json: one JSON document on stdout, also on failure, never mixed with other text.

#include <nlohmann/json.hpp>

#include <string>
#include <system_error>

namespace corofetch::tool {

/// Prints `document` on stdout, indented, followed by a newline. Bytes that are not UTF-8 are
/// replaced (U+FFFD) so the output always parses. Returns false when stdout failed.
bool print_json(const nlohmann::json& document);

/// The "error" member of a failed operation's document: {"message", "category" and "value"
/// (the error_code's), "exit_code"}.
[[nodiscard]] nlohmann::json error_json(std::error_code ec, const std::string& message,
                                        int exit_code);

/// An error document without an error_code (bad usage, a file that cannot be read).
[[nodiscard]] nlohmann::json error_json(const std::string& message, int exit_code);

/// The whole document of a tool that failed before it had anything else to say:
/// {"error": error_json(message, exit_code), "exit_code": exit_code}.
[[nodiscard]] nlohmann::json failure_json(const std::string& message, int exit_code);

}  // namespace corofetch::tool
