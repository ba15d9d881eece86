#pragma once
// One URL's transfer: the request sent (again on a transient failure, with --retry's backoff),
// the response written where it goes, and what -v, -w and --json report about it.

#include "cf-fetch/options.hpp"
#include "cf-fetch/output.hpp"
#include "cf-fetch/request.hpp"
#include "cf-fetch/write_out.hpp"

#include <corofetch/client/client.hpp>
#include <corofetch/dns/resolver.hpp>

#include <nlohmann/json.hpp>

#include <asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace cf_fetch {

/// What a whole run shares: the options, the parsed headers, the payload, the client.
struct run_context {
  const options& opts;
  const corofetch::tool::header_settings& headers;
  const payload& body;
  corofetch::client::client& fetcher;
  bool stdout_is_terminal = false;
  /// The client's resolver, shared by the ftp:, mailto: and news: transfers.
  corofetch::dns::resolver* resolver = nullptr;
};

/// The outcome of one URL.
struct transfer_outcome {
  std::string url;  ///< the URL requested (with -G's query, -T's file name)
  int exit_code = 0;
  std::string message;  ///< the error, "" on success
  corofetch::client::response response;
  transfer_report report;
  std::string output_file;  ///< "" for stdout
  int retries = 0;
  /// What --json adds for the other schemes (ftp:, mailto:, ...); null for http:.
  nlohmann::json details;
};

/// Fetches o.urls[index] into o.outputs[index] (or stdout), retrying transient failures as
/// --retry says. Never throws for a network failure: it is in the outcome.
asio::awaitable<transfer_outcome> run_transfer(const run_context& ctx, std::size_t index);

/// Where o.urls[index]'s body goes and from which byte (-o, -O, -C); false, with t's exit code
/// and message set, when that cannot be known. Reads t.url.
bool plan_output(const options& o, std::size_t index, transfer_outcome& t, output_spec& spec,
                 std::uint64_t& offset);

/// The settings of the output of a transfer to `file` ("" for stdout).
[[nodiscard]] output::settings output_settings(const run_context& ctx, const output_spec& spec,
                                               const std::string& file);

/// The --json object of one transfer.
[[nodiscard]] nlohmann::json transfer_json(const transfer_outcome& t);

}  // namespace cf_fetch
