#pragma once

#include <corofetch/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corofetch::load {

/// One request a load run sends: a method, an absolute http or https URL, extra header fields
/// in order, and a body. Nothing is checked until the generator serializes it.
struct target {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// The `@file` the body is to be read from ("" when none); load_targets_file reads it.
  std::string body_file;
  /// The line of the targets file that started this target (1-based; 0 when not from a file).
  std::size_t line = 0;
};

/// Where and why a targets file was refused.
struct targets_error {
  std::size_t line = 0;  ///< 1-based line of the problem (0: the file itself)
  std::string message;
};

/// Parses a targets file in vegeta's HTTP format: blocks of `METHOD URL`, then optional
/// `Name: value` header lines and an optional `@path` body line, blocks separated by blank
/// lines; lines starting with `#` are comments. CRLF line ends are accepted. Bodies are not
/// read here (target::body_file names them). Errors: load::errc::invalid_targets, with the
/// line and the reason in *where when given (a bad method token, a URL that is not absolute
/// http(s), a header line without a colon, a second @ line, no target at all). Never throws.
[[nodiscard]] result<std::vector<target>> parse_targets(std::string_view text,
                                                        targets_error* where = nullptr);

/// Reads and parses the targets file at `path`, then the body of each `@file` line (relative
/// paths are taken from the working directory, as vegeta does). Errors: those of
/// parse_targets, and the system error of a file that cannot be read (*where names the line
/// of its @ line and the file). Never throws.
[[nodiscard]] result<std::vector<target>> load_targets_file(const std::string& path,
                                                            targets_error* where = nullptr);

}  // namespace corofetch::load
