#pragma once
// --json: one JSON document on stdout, also on failure, never mixed with other text.

#include <nlohmann/json.hpp>

#include <string>
#include <system_error>

namespace corofetch::tool {

/// Prints `document` on stdout, indented, followed by a newline. Bytes that are not UTF-8 are
/// replaced (U+FFFD) so the output always parses. Returns false when stdout failed.
bool print_json(const nlohmann::json& document);

/// The "error" member of a failed operation's document: {"message", "code" (the category's
/// name and value), "exit_code"}.
[[nodiscard]] nlohmann::json error_json(std::error_code ec, const std::string& message,
                                        int exit_code);

/// An error document without an error_code (bad usage, a file that cannot be read).
[[nodiscard]] nlohmann::json error_json(const std::string& message, int exit_code);

}  // namespace corofetch::tool
