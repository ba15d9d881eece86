#include "common/network.hpp"

#include <corofetch/dns/root_hints.hpp>
#include <corofetch/http/syntax.hpp>
#include <corofetch/url/url.hpp>

#include <array>
#include <cmath>
#include <exception>
#include <string>

namespace corofetch::tool {

namespace {

// A time option: seconds, or a number with wrk's units; bad text is a usage error naming the
// option.
void add_time_option(CLI::App& app, const std::string& names, double& out,
                     const std::string& description) {
  app.add_option_function<std::string>(
         names,
         [&out, names](const std::string& text) {
           std::string problem;
           const auto seconds = parse_seconds(text, &problem);
           if (!seconds) throw CLI::ValidationError(names, problem);
           out = *seconds;
         },
         description)
      ->type_name("SECONDS");
}

}  // namespace

void add_network_options(CLI::App& app, network_options& out, unsigned which) {
  if ((which & opt_resolve) != 0) {
    app.add_option("--resolve", out.resolves,
                   "HOST:PORT:ADDR: use ADDR for HOST:PORT, no DNS (repeatable)")
        ->allow_extra_args(false);
  }
  if ((which & opt_dns_server) != 0) {
    app.add_option("--dns-server", out.dns_servers, "DNS server ADDR[:PORT] (repeatable)")
        ->allow_extra_args(false);
  }
  if ((which & opt_cacert) != 0) {
    app.add_option("--cacert", out.cacert, "PEM file of trusted CAs instead of the system store");
  }
  if ((which & opt_insecure) != 0) {
    app.add_flag("-k,--insecure", out.insecure, "Do not verify servers' certificates");
  }
  if ((which & opt_proxy) != 0) {
    app.add_option("-x,--proxy", out.proxy, "Proxy http://[user:pass@]host:port");
  }
  if ((which & opt_max_time) != 0) {
    add_time_option(app, "-m,--max-time", out.max_time,
                    "Bound on each transfer, request to last byte: SECONDS (or 500ms, 2m)");
  }
  if ((which & opt_connect_timeout) != 0) {
    add_time_option(app, "--connect-timeout", out.connect_timeout,
                    "Bound on each connect: SECONDS (or 500ms, 2m)");
  }
  if ((which & opt_header) != 0) {
    app.add_option("-H,--header", out.headers,
                   "Extra field 'Name: value' on every request (repeatable; 'Name:' removes a "
                   "field the tool sends, 'Name;' sends it empty)")
        ->allow_extra_args(false);
  }
  if ((which & opt_user_agent) != 0) {
    app.add_option_function<std::string>(
        "-A,--user-agent", [&out](const std::string& v) { out.user_agent = v; },
        "User-Agent to send ('' sends none)");
  }
  if ((which & opt_address_guard) != 0) {
    app.add_flag_callback(
        "--refuse-private", [&out] { out.refuse_private = true; },
        "Refuse to connect to private and local addresses (loopback, RFC 1918, link-local, ...), "
        "checked after DNS");
    app.add_option("--allow-private", out.allow_private,
                   "Address classes to connect to anyway, comma-separated (loopback, private, "
                   "link-local, ...), or 'all' to turn the check off")
        ->delimiter(',')
        ->allow_extra_args(false);
  }
  if ((which & opt_http_version) != 0) {
    using client::http_version_choice;
    auto* h11 = app.add_flag_callback(
        "--http1.1", [&out] { out.http_version = http_version_choice::http1_1; }, "HTTP/1.1 only");
    auto* h2 = app.add_flag_callback(
        "--http2", [&out] { out.http_version = http_version_choice::negotiate; },
        "HTTP/2 where TLS agrees on it through ALPN, else HTTP/1.1");
    auto* prior = app.add_flag_callback(
        "--http2-prior-knowledge",
        [&out] { out.http_version = http_version_choice::http2_prior_knowledge; },
        "HTTP/2 from the first byte, h2c on http:// (RFC 9113 3.3)");
    h11->excludes(h2)->excludes(prior);
    h2->excludes(prior);
  }
}

std::optional<double> parse_seconds(const std::string& text, std::string* problem) {
  const auto say = [&](const std::string& what) -> std::optional<double> {
    if (problem != nullptr) *problem = what;
    return std::nullopt;
  };
  double value = 0;
  std::size_t used = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return say("'" + text + "' is not a time: give seconds, or 250us, 500ms, 2s, 1m, 1h");
  }
  const std::string unit = text.substr(used);
  double scale = 1;
  if (unit == "us") {
    scale = 1e-6;
  } else if (unit == "ms") {
    scale = 1e-3;
  } else if (unit == "m") {
    scale = 60;
  } else if (unit == "h") {
    scale = 3600;
  } else if (!unit.empty() && unit != "s") {
    return say("'" + text + "' is not a time: give seconds, or 250us, 500ms, 2s, 1m, 1h");
  }
  if (!std::isfinite(value)) return say("'" + text + "' is not a finite time");
  if (value < 0) return say("'" + text + "': a time cannot be negative");
  // A deadline is a time point in nanoseconds (292 years of range): far beyond this bound an
  // addition overflows. curl too refuses what its millisecond counter cannot hold.
  constexpr double max_seconds = 1e9;
  if (value * scale > max_seconds) {
    return say("'" + text + "' is too long: at most 1000000000 seconds");
  }
  return value * scale;
}

namespace {

bool has_control(std::string_view s) {
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return true;
  }
  return false;
}

// curl: "Name: value" adds, "Name:" removes a field the tool adds itself, "Name;" sends an
// empty value.
std::optional<std::string> parse_one(const std::string& line, header_settings& out) {
  if (has_control(line)) return "invalid -H '" + line + "': a control character";
  const auto colon = line.find(':');
  if (colon == std::string::npos) {
    if (!line.empty() && line.back() == ';') {
      const std::string name = line.substr(0, line.size() - 1);
      if (name.empty() || !http::is_token(name)) {
        return "invalid -H '" + line + "': the name is not a token";
      }
      out.fields.add(name, "");
      out.empty_values = true;
      return std::nullopt;
    }
    return "invalid -H '" + line + "': expected 'Name: value'";
  }
  const std::string name = line.substr(0, colon);
  if (name.empty() || !http::is_token(name)) {
    return "invalid -H '" + line + "': the name is not a token";
  }
  std::size_t v = colon + 1;
  while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
  std::string value = line.substr(v);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
  if (value.empty()) {
    if (http::iequals(name, "User-Agent")) out.drop_user_agent = true;
    if (http::iequals(name, "Accept")) out.drop_accept = true;
    if (http::iequals(name, "Accept-Encoding")) out.drop_accept_encoding = true;
    out.fields.erase(name);  // also removes what an earlier -H or -A set
    out.removed.push_back(name);
    return std::nullopt;
  }
  out.fields.add(name, value);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_headers(const network_options& in, header_settings& out) {
  for (const std::string& line : in.headers) {
    if (auto problem = parse_one(line, out)) return problem;
  }
  // -A sets the User-Agent unless a -H did (curl: -H wins over the option that sets a field).
  if (in.user_agent && !out.fields.contains("User-Agent") && !out.drop_user_agent) {
    if (has_control(*in.user_agent)) return "invalid -A value: a control character";
    if (in.user_agent->empty()) {
      out.drop_user_agent = true;
    } else {
      out.fields.add("User-Agent", *in.user_agent);
    }
  }
  return std::nullopt;
}

std::optional<std::string> parse_resolves(const network_options& in,
                                          std::vector<client::resolve_override>& out) {
  for (const std::string& r : in.resolves) {
    auto ov = client::parse_resolve_override(r);
    if (!ov) return "invalid --resolve '" + r + "': expected HOST:PORT:ADDR with a port 0-65535";
    out.push_back(std::move(*ov));
  }
  return std::nullopt;
}

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
}

std::string proxy_url(const std::string& value) {
  // curl reads a proxy without a scheme as http://.
  if (value.find("://") == std::string::npos) return "http://" + value;
  return value;
}

std::optional<std::string> check_addresses(const network_options& in) {
  for (const std::string& server : in.dns_servers) {
    if (!dns::parse_server_address(server, 53)) {
      return "invalid --dns-server '" + server +
             "': expected ADDR, ADDR:PORT, ADDR#PORT or [IPV6]:PORT with a port 1-65535";
    }
  }
  if (!in.proxy.empty()) {
    const auto proxy = url::parse(proxy_url(in.proxy));
    if (!proxy || proxy->scheme() != "http" || proxy->hostname().empty()) {
      return "invalid -x '" + in.proxy + "': expected http://[USER:PASSWORD@]HOST[:PORT]";
    }
  }
  return std::nullopt;
}

namespace {

// Every class the guard refuses (all but the public one), as --allow-private names them.
constexpr std::array guarded_classes{
    net::address_class::loopback,          net::address_class::private_use,
    net::address_class::carrier_grade_nat, net::address_class::link_local,
    net::address_class::multicast,         net::address_class::broadcast,
    net::address_class::documentation,     net::address_class::benchmarking,
    net::address_class::reserved,          net::address_class::unspecified};

}  // namespace

std::optional<net::address_class> parse_address_class(std::string_view name) {
  for (const net::address_class c : guarded_classes) {
    if (net::to_string(c) == name) return c;
  }
  return std::nullopt;
}

std::optional<std::string> apply_network_options(const network_options& in,
                                                 const header_settings& headers,
                                                 client::client_options& options,
                                                 client::fetch_options& fetch) {
  if (in.max_time < 0 || in.connect_timeout < 0) return "a time cannot be negative";
  if (headers.drop_user_agent) options.user_agent.clear();
  if (headers.drop_accept) options.send_accept = false;
  if (auto problem = check_addresses(in)) return problem;
  options.http_version = in.http_version;
  options.public_addresses_only = in.refuse_private;
  for (const std::string& name : in.allow_private) {
    if (name == "all") {
      options.public_addresses_only = false;
      continue;
    }
    auto c = parse_address_class(name);
    if (!c) {
      std::string message = "--allow-private: '" + name + "' is not an address class (";
      for (const net::address_class k : guarded_classes) message.append(net::to_string(k)) += ", ";
      return message.append("all)");
    }
    options.allowed_address_classes.push_back(*c);
  }
  options.tls.ca_file = in.cacert;
  options.tls.insecure_skip_verify = in.insecure;
  if (!in.proxy.empty()) options.proxy = proxy_url(in.proxy);
  options.resolver.servers = in.dns_servers;
  if (auto problem = parse_resolves(in, options.resolve_overrides)) return problem;
  if (in.max_time > 0) options.timeouts.total = seconds_to_ms(in.max_time);
  if (in.connect_timeout > 0) options.timeouts.connect = seconds_to_ms(in.connect_timeout);
  fetch.timeouts = options.timeouts;
  return std::nullopt;
}

}  // namespace corofetch::tool
