#pragma once
// What cf-lookup prints: a reply as dig does (whole, +short, or the sections asked for), a
// trace as dig +trace does, and the same as one JSON document.

#include "dig_args.hpp"

#include <corofetch/dns/dig_format.hpp>
#include <corofetch/dns/iterative_resolver.hpp>
#include <corofetch/dns/server_query.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <system_error>

namespace cf_lookup {

/// One question asked of a server, and what it came to.
struct outcome {
  lookup asked;
  corofetch::dns::server_reply reply;
  std::string server_label;  ///< the server as the user named it
  /// The answer read from the reply: CNAMEs followed, then the records of the type asked.
  corofetch::dns::cname_chain chain;
  /// Empty when there is an answer; errc::nxdomain, nodata, resolution_loop (a CNAME loop),
  /// servfail, refused, ... or the reply's own error (timeout, connection refused).
  std::error_code error;
};

/// Reads `o.reply` into `o.chain` and `o.error` (MX and SRV put in the order to try them).
void judge(outcome& o);

/// 0 for an answer, 1 for NXDOMAIN and NODATA, 2 for any other failure.
[[nodiscard]] int exit_status(std::error_code error);

/// "NXDOMAIN", "NODATA", "LOOP", "TIMEOUT", ... as dig users name them.
[[nodiscard]] std::string error_name(std::error_code ec);

/// The lookup as text: dig's whole reply (with `banner`, the "; <<>> cf-lookup" line before
/// it), or +short's lines.
[[nodiscard]] std::string to_text(const outcome& o, const dig_request& how,
                                  const std::string& banner);

/// The lookup as JSON: the question, the server, transport, query time, message size, status,
/// flags, every section, the CNAMEs followed and the records; "error" and "message" when it
/// failed ("records" only when it did not).
[[nodiscard]] nlohmann::json to_json(const outcome& o);

/// A trace (+trace, --trace) as JSON: the question, its records or error, every step.
[[nodiscard]] nlohmann::json to_json(const lookup& asked,
                                     const corofetch::dns::resolution& resolution);

/// The trace as dig +trace prints it, ending with the answer's records.
[[nodiscard]] std::string to_text(const corofetch::dns::resolution& resolution);

/// The JSON of records: name, type, ttl, data (presentation form).
[[nodiscard]] nlohmann::json to_json(const std::vector<corofetch::dns::record>& records);

}  // namespace cf_lookup
