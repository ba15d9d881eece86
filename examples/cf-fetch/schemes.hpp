#pragma once
// The URLs a browser follows besides http: (file:, ftp:, mailto:, news:), each through its
// corofetch module, with curl's exit codes and the same -o, -O, -C, -v, -w, --json and -m.

#include "cf-fetch/transfer.hpp"

#include <corofetch/dns/resolver.hpp>
#include <corofetch/url/url.hpp>

#include <nlohmann/json.hpp>

#include <asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

namespace cf_fetch {

/// curl's exit codes for the other schemes (man curl, "EXIT CODES").
enum scheme_exit_code : int {
  exit_remote_access_denied = 9,  ///< ftp: a folder of the path refused (CWD)
  exit_bad_download_resume = 36,
  exit_file_couldnt_read = 37,
  exit_send_error = 55,
  exit_use_ssl_failed = 64,
  exit_login_denied = 67,
  exit_remote_file_not_found = 78,
};

/// True for the schemes run_other_scheme() fetches: file, ftp, mailto, news, nntp.
[[nodiscard]] bool is_other_scheme(std::string_view url);

/// Fetches o.urls[index], one of is_other_scheme()'s, into its output (mailto: sends a message
/// instead), bounded by -m. Never throws for a failure: it is in the outcome.
asio::awaitable<transfer_outcome> run_other_scheme(const run_context& ctx, std::size_t index);

/// cf-fetch's --help list of exit codes: the tools' list with the codes above added in order.
[[nodiscard]] std::string exit_codes_help();

// ---- what the schemes share (schemes.cpp) and each implements (scheme_*.cpp) ----------------

/// One transfer handed to a scheme.
struct scheme_job {
  const run_context& ctx;
  const corofetch::url::url& url;
  std::uint64_t offset = 0;  ///< -C
  /// Takes the body's bytes (to the output); an error stops the transfer.
  std::function<std::error_code(std::string_view)> sink;
};

/// What a scheme did.
struct scheme_result {
  std::error_code error;
  int exit_code = 0;    ///< the exit code when error is set
  std::string message;  ///< the error line
  std::string reply;    ///< the server's last reply ("226 Transfer complete")
  std::uint64_t uploaded = 0;
  nlohmann::json details = nlohmann::json::object();
};

/// Writes a dialogue or trace line on stderr (-v).
void verbose_line(std::string_view line);

asio::awaitable<scheme_result> fetch_file(const scheme_job& job);
asio::awaitable<scheme_result> fetch_ftp(const scheme_job& job);
asio::awaitable<scheme_result> send_mail(const scheme_job& job);
asio::awaitable<scheme_result> fetch_news(const scheme_job& job);

}  // namespace cf_fetch
