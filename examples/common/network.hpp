#pragma once
// The network options every tool that fetches takes, with the same meaning everywhere (curl's):
// --resolve, --dns-server, --cacert, -k, -x, -m, --connect-timeout, -H, -A.

#include <corofetch/client/options.hpp>
#include <corofetch/http/fields.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::tool {

/// The values of the network options as given on the command line.
struct network_options {
  std::vector<std::string> resolves;      ///< --resolve HOST:PORT:ADDR
  std::vector<std::string> dns_servers;   ///< --dns-server ADDR[:PORT]
  std::string cacert;                     ///< --cacert FILE
  bool insecure = false;                  ///< -k
  std::string proxy;                      ///< -x http://[user:pass@]host:port
  double max_time = 0;                    ///< -m SECONDS, each transfer; 0: not given
  double connect_timeout = 0;             ///< --connect-timeout SECONDS; 0: not given
  std::vector<std::string> headers;       ///< -H 'Name: value' (repeatable)
  std::optional<std::string> user_agent;  ///< -A
  /// The private-address guard (client_options::public_addresses_only): --refuse-private
  /// turns it on (cf-crawl has it on from the start), --allow-private all turns it off.
  bool refuse_private = false;
  /// --allow-private CLASS[,CLASS...]: classes the guard lets through ("loopback", "private",
  /// "link-local", ... as net::to_string names them).
  std::vector<std::string> allow_private;
  /// --http1.1, --http2 (ALPN, the default), --http2-prior-knowledge
  client::http_version_choice http_version = client::http_version_choice::negotiate;
};

/// Which of the network options a tool takes: a tool offers only those it honours, and each
/// means the same in every tool that offers it.
enum network_option : unsigned {
  opt_resolve = 1U << 0U,
  opt_dns_server = 1U << 1U,
  opt_cacert = 1U << 2U,
  opt_insecure = 1U << 3U,
  opt_proxy = 1U << 4U,
  opt_max_time = 1U << 5U,
  opt_connect_timeout = 1U << 6U,
  opt_header = 1U << 7U,
  opt_user_agent = 1U << 8U,
  opt_http_version = 1U << 9U,
  opt_address_guard = 1U << 10U,
  all_network_options = (1U << 11U) - 1,
};

/// Adds the options named in `which` to `app`, bound to `out`. Repeatable options take one
/// value each time, so `-H 'a: b' URL` leaves URL to the positional arguments. A time that is
/// not a number of seconds (see parse_seconds) is bad usage.
void add_network_options(CLI::App& app, network_options& out, unsigned which = all_network_options);

/// A time given on the command line: seconds ("2", "0.5"), or with a unit as wrk writes it
/// ("250us", "500ms", "2s", "1m", "1h"). Errors: a message for text that is none of these, or a
/// negative or non-finite value.
[[nodiscard]] std::optional<double> parse_seconds(const std::string& text,
                                                  std::string* problem = nullptr);

/// The header fields -H and -A give, and which fields the client adds by itself that they
/// remove (curl: "-H 'Name:'" removes Name, "-H 'Name;'" sends it empty).
struct header_settings {
  http::fields fields;               ///< in command-line order, -A's User-Agent included
  std::vector<std::string> removed;  ///< the names of every "-H 'Name:'", in order
  bool drop_user_agent = false;
  bool drop_accept = false;
  bool drop_accept_encoding = false;
  bool empty_values = false;  ///< some "-H 'Name;'" asks for a field with an empty value
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

/// An address class by the name net::to_string gives it ("loopback", "private", ...); the
/// public class is not one the guard refuses, so it is not accepted here.
[[nodiscard]] std::optional<net::address_class> parse_address_class(std::string_view name);

/// The -x value as a URL: as curl, HOST:PORT without a scheme means http://HOST:PORT.
[[nodiscard]] std::string proxy_url(const std::string& value);

/// Checks the --dns-server and -x values: bad addresses and ports (a port over 65535 must not
/// wrap) are usage errors before any work starts, not a failed lookup or connect later.
/// Errors: a message naming the first bad value. apply_network_options() calls it.
[[nodiscard]] std::optional<std::string> check_addresses(const network_options& in);

/// Parses every --resolve value. Errors: a message naming the first bad one.
[[nodiscard]] std::optional<std::string> parse_resolves(const network_options& in,
                                                        std::vector<client::resolve_override>& out);

/// Seconds (fractions allowed) as milliseconds, rounded up so that 0.0001 is not "no bound".
[[nodiscard]] std::chrono::milliseconds seconds_to_ms(double seconds);

}  // namespace corofetch::tool
