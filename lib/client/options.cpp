// client_options helpers: curl's --resolve syntax and the addresses it gives.
#include <corofetch/client/options.hpp>
#include <corofetch/net/address.hpp>

#include <system_error>

namespace corofetch::client {

result<resolve_override> parse_resolve_override(std::string_view spec) {
  // HOST:PORT:ADDR; ADDR may be an IPv6 address (more colons), with or without brackets.
  const auto first = spec.find(':');
  const auto second = first == std::string_view::npos ? first : spec.find(':', first + 1);
  if (first == 0 || second == std::string_view::npos || second + 1 == spec.size()) {
    return std::make_error_code(std::errc::invalid_argument);
  }
  const std::string_view port = spec.substr(first + 1, second - first - 1);
  if (port.empty() || port.size() > 5) return std::make_error_code(std::errc::invalid_argument);
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::make_error_code(std::errc::invalid_argument);
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::make_error_code(std::errc::invalid_argument);
  resolve_override out;
  out.host = std::string(spec.substr(0, first));
  out.port = static_cast<std::uint16_t>(value);
  out.address = std::string(spec.substr(second + 1));
  return out;
}

namespace {

std::string_view strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

}  // namespace

result<std::vector<asio::ip::tcp::endpoint>> override_endpoints(
    std::span<const resolve_override> overrides, std::string_view host, std::uint16_t port) {
  std::vector<asio::ip::tcp::endpoint> endpoints;
  const std::string_view bare = strip_brackets(host);
  for (const auto& o : overrides) {
    if (o.port != port || strip_brackets(o.host) != bare) continue;
    auto a = net::parse_address(strip_brackets(o.address));
    if (!a) return a.error();
    endpoints.emplace_back(net::to_asio(*a), port);
  }
  return endpoints;
}

}  // namespace corofetch::client
