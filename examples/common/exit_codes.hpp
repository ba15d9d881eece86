#pragma once
// Exit codes shared by the tools: curl's numbers where curl has one for the same failure, so a
// script written for curl reads a cf-* tool's status the same way.

#include <span>
#include <string>
#include <system_error>

namespace corofetch::tool {

/// curl's exit codes (man curl, "EXIT CODES") that the tools use.
enum exit_code : int {
  exit_ok = 0,
  exit_unsupported_protocol = 1,  ///< also: a failure with no more specific code
  exit_usage = 2,                 ///< bad command line
  exit_bad_url = 3,
  exit_proxy_resolve = 5,
  exit_resolve = 6,
  exit_connect = 7,
  exit_weird_reply = 8,  ///< the server's reply is not HTTP
  exit_partial_file = 18,
  exit_http_error = 22,  ///< -f and a status >= 400
  exit_write_error = 23,
  exit_read_error = 26,  ///< a local file to send could not be read
  exit_timeout = 28,
  exit_range_error = 33,  ///< resume asked for, the server does not do ranges
  exit_tls_connect = 35,
  exit_too_many_redirects = 47,
  exit_empty_reply = 52,
  exit_recv_error = 56,
  exit_tls_certificate = 60,
  exit_bad_content_encoding = 61,
  exit_file_too_large = 63,
  exit_internal = 70,      ///< a crash: an exception escaped (sysexits' EX_SOFTWARE; curl has none)
  exit_ca_file = 77,       ///< --cacert could not be loaded
  exit_interrupted = 130,  ///< SIGINT or SIGTERM (128 + 2, as a shell reports Ctrl-C)
};

/// The exit code of a failed fetch or lookup: resolve 6, connect 7, timeout 28, TLS 35 (60 for
/// the certificate), redirects 47, empty reply 52, truncated body 18, not HTTP 8, write 23, ...
[[nodiscard]] int exit_code_for(std::error_code ec);

/// One row of a tool's exit code table.
struct exit_code_row {
  int code;
  const char* meaning;
};

/// A tool's exit code table as --help ends with it: the heading line, then one line per row,
/// "  CODE MEANING" with the codes in a column ("  0   success", "  130 interrupted").
[[nodiscard]] std::string exit_codes_table(std::span<const exit_code_row> rows,
                                           const std::string& heading = "Exit codes:");

/// The table printed at the end of the --help of the tools that use curl's codes (cf-fetch):
/// "Exit codes (curl's):" and one line per code.
[[nodiscard]] std::string exit_codes_help();

}  // namespace corofetch::tool
