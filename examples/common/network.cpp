#include "common/network.hpp"

#include <corofetch/http/syntax.hpp>

#include <cmath>

namespace corofetch::tool {

void add_network_options(CLI::App& app, network_options& out) {
  app.add_option("--resolve", out.resolves, "HOST:PORT:ADDR: use ADDR for HOST:PORT, no DNS")
      ->allow_extra_args(false);
  app.add_option("--dns-server", out.dns_servers, "DNS server ADDR[:PORT] (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--cacert", out.cacert, "PEM file of trusted CAs instead of the system store");
  app.add_flag("-k,--insecure", out.insecure, "Do not verify the server's certificate");
  app.add_option("-x,--proxy", out.proxy, "Proxy http://[user:pass@]host:port");
  app.add_option("-m,--max-time", out.max_time, "Bound on the whole operation, in seconds");
  app.add_option("--connect-timeout", out.connect_timeout, "Bound on connecting, in seconds");
  app.add_option("-H,--header", out.headers,
                 "Extra field 'Name: value' (repeatable; 'Name:' removes a default field, "
                 "'Name;' sends it empty)")
      ->allow_extra_args(false);
  app.add_option_function<std::string>(
      "-A,--user-agent", [&out](const std::string& v) { out.user_agent = v; },
      "User-Agent to send ('' sends none)");
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
  if (has_control(line)) return "invalid header '" + line + "': a control character";
  const auto colon = line.find(':');
  if (colon == std::string::npos) {
    if (!line.empty() && line.back() == ';') {
      out.fields.add(line.substr(0, line.size() - 1), "");
      return std::nullopt;
    }
    return "invalid header '" + line + "': expected 'Name: value'";
  }
  const std::string name = line.substr(0, colon);
  if (name.empty() || !http::is_token(name)) {
    return "invalid header '" + line + "': the name is not a token";
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

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
}

std::optional<std::string> apply_network_options(const network_options& in,
                                                 const header_settings& headers,
                                                 client::client_options& options,
                                                 client::fetch_options& fetch) {
  if (in.max_time < 0 || in.connect_timeout < 0) return "a time cannot be negative";
  if (headers.drop_user_agent) options.user_agent.clear();
  if (headers.drop_accept) options.send_accept = false;
  options.tls.ca_file = in.cacert;
  options.tls.insecure_skip_verify = in.insecure;
  options.proxy = in.proxy;
  options.resolver.servers = in.dns_servers;
  for (const std::string& r : in.resolves) {
    auto ov = client::parse_resolve_override(r);
    if (!ov) return "invalid --resolve '" + r + "': expected HOST:PORT:ADDR with a port 0-65535";
    options.resolve_overrides.push_back(std::move(*ov));
  }
  if (in.max_time > 0) options.timeouts.total = seconds_to_ms(in.max_time);
  if (in.connect_timeout > 0) options.timeouts.connect = seconds_to_ms(in.connect_timeout);
  fetch.timeouts = options.timeouts;
  return std::nullopt;
}

}  // namespace corofetch::tool
