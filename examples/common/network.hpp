#pragma once
// The network options every tool that fetches takes, with the same meaning everywhere (curl's):
// --resolve, --dns-server, --cacert, -k, -x, -m, --connect-timeout, -H, -A.

#include <corofetch/client/options.hpp>
#include <corofetch/http/fields.hpp>

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace corofetch::tool {

/// The values of the network options as given on the command line.
struct network_options {
  std::vector<std::string> resolves;      ///< --resolve HOST:PORT:ADDR
  std::vector<std::string> dns_servers;   ///< --dns-server ADDR[:PORT]
  std::string cacert;                     ///< --cacert FILE
  bool insecure = false;                  ///< -k
  std::string proxy;                      ///< -x http://[user:pass@]host:port
  double max_time = 0;                    ///< -m SECONDS, the whole operation
  double connect_timeout = 0;             ///< --connect-timeout SECONDS
  std::vector<std::string> headers;       ///< -H 'Name: value' (repeatable)
  std::optional<std::string> user_agent;  ///< -A
};

/// Adds the options above to `app`, bound to `out`. Repeatable options take one value each
/// time, so `-H 'a: b' URL` leaves URL to the positional arguments.
void add_network_options(CLI::App& app, network_options& out);

/// The header fields -H and -A give, and which fields the client adds by itself that they
/// remove (curl: "-H 'Name:'" removes Name, "-H 'Name;'" sends it empty).
struct header_settings {
  http::fields fields;  ///< in command-line order, -A's User-Agent included
  bool drop_user_agent = false;
  bool drop_accept = false;
  bool drop_accept_encoding = false;
};

/// Parses the -H and -A values. Errors: a message naming the bad header ("expected 'Name:
/// value'", a control character).
[[nodiscard]] std::optional<std::string> parse_headers(const network_options& in,
                                                       header_settings& out);

/// Fills the client options (TLS, proxy, resolver servers, --resolve overrides, the
/// User-Agent and Accept defaults from `headers`) and the timeouts of `fetch` (-m bounds the
/// total, --connect-timeout the connect phase). Errors: a message for a bad --resolve value or
/// a negative time.
[[nodiscard]] std::optional<std::string> apply_network_options(const network_options& in,
                                                               const header_settings& headers,
                                                               client::client_options& options,
                                                               client::fetch_options& fetch);

/// Seconds (fractions allowed) as milliseconds, rounded up so that 0.0001 is not "no bound".
[[nodiscard]] std::chrono::milliseconds seconds_to_ms(double seconds);

}  // namespace corofetch::tool
