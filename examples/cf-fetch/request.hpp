#pragma once
// One URL's request as curl would send it: method, URL (with -G's query, -T's file name),
// fields (-H, -A, -e, -u, -b, Range for -C) and body (-d, -F, -T).

#include "cf-fetch/options.hpp"
#include "cf-fetch/payload.hpp"

#include <corofetch/client/request.hpp>
#include <corofetch/http/serializer.hpp>

#include "common/network.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace cf_fetch {

/// What every URL of a run sends alike, built once.
struct payload {
  std::string data;                         ///< the joined -d arguments
  std::optional<multipart> form;            ///< -F
  std::optional<std::string> stdin_upload;  ///< -T -: read once, resent on a retry
  std::vector<std::string> warnings;        ///< files -d could not read
};

/// Builds the payload from the options. Errors: -F's (a file, exit 26; a bad argument, 2).
[[nodiscard]] std::variant<payload, payload_error> build_payload(const options& o);

/// The request for o.urls[index] (a new one per attempt: -T's file is read again). `range_from`
/// > 0 asks for the rest of a partial file (-C). Errors: exit 3 for a bad URL, 1 for an
/// unsupported scheme, 26 for a file -T cannot read, 2 for a bad -u.
[[nodiscard]] std::variant<corofetch::client::request, payload_error> build_request(
    const options& o, const corofetch::tool::header_settings& headers, const payload& p,
    std::size_t index, std::uint64_t range_from);

/// The method curl would use: -X, else HEAD (-I), PUT (-T), POST (data or -F), GET.
[[nodiscard]] std::string method_of(const options& o, const payload& p);

/// The URL fetched for o.urls[index]: -G's query and -T's file name applied.
[[nodiscard]] std::string effective_url(const options& o, const payload& p, std::size_t index);

/// --dry-run: the request message exactly as it would be written (a memory or stdin body
/// included; a -T file's bytes too).
[[nodiscard]] std::variant<std::string, payload_error> request_bytes(
    const corofetch::client::request& req, const corofetch::http::serialize_options& options);

}  // namespace cf_fetch
