#pragma once
// cf-fetch's command line, as curl spells it.

#include "cf-fetch/payload.hpp"
#include "common/network.hpp"

#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cf_fetch {

/// Where one URL's body goes: stdout, -o FILE ("-" is stdout, binary or not), or -O.
struct output_spec {
  std::string file;  ///< empty: stdout
  bool remote_name = false;
  bool explicit_stdout = false;  ///< -o - : binary output to a terminal allowed
};

struct options {
  corofetch::tool::network_options net;
  std::vector<std::string> urls;

  // What is sent.
  std::string method;
  std::vector<data_arg> data;  ///< every -d variant, in command-line order
  bool get = false;            ///< -G: the data goes into the query
  std::vector<form_arg> forms;
  std::string upload_file;           ///< -T
  std::string user;                  ///< -u USER:PASSWORD
  std::string referer;               ///< -e
  std::vector<std::string> cookies;  ///< -b NAME=VALUE or FILE
  std::string cookie_jar;            ///< -c FILE
  bool compressed = false;
  bool raw = false;
  std::string continue_at;  ///< -C OFFSET or '-'

  // The other schemes: ftp:, file:, mailto:, news:.
  bool list_only = false;                ///< -l: an ftp: folder's names only (NLST)
  std::string mail_from;                 ///< --mail-from ADDRESS: MAIL FROM (and From:)
  std::uint16_t smtp_port = 25;          ///< --smtp-port: the port of every mail exchanger
  bool ssl_required = false;             ///< --ssl-reqd: mailto: only over STARTTLS
  std::string nntp_server;               ///< --nntp-server HOST[:PORT]
  std::vector<std::string> file_drives;  ///< --file-drive C=/mnt/c (file://localhost/c:/...)

  // How it runs.
  bool follow = false;
  std::size_t max_redirects = 50;
  int retry = 0;
  double retry_delay = 0;
  double retry_max_time = 0;
  bool retry_connrefused = false;

  // What is written.
  std::vector<output_spec> outputs;  ///< -o and -O in order; the i-th goes to the i-th URL
  bool remote_name_all = false;
  bool fail = false;
  bool include = false;
  bool head = false;
  bool silent = false;
  bool show_error = false;
  bool verbose = false;
  std::string write_out;
  bool json = false;
  bool dry_run = false;
  bool version = false;

  /// Whether error messages are printed (curl: -s hides them, -S shows them again).
  [[nodiscard]] bool show_errors() const { return !silent || show_error; }
};

/// Declares every option on `app`, bound to `o`.
void declare_options(CLI::App& app, options& o);

/// After parsing: the data arguments and the outputs in command-line order (curl pairs the
/// i-th -o/-O with the i-th URL, wherever they stand). Errors: a message for bad usage.
[[nodiscard]] std::optional<std::string> collect_ordered(const CLI::App& app, options& o);

}  // namespace cf_fetch
