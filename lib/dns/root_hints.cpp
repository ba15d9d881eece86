#include <corofetch/dns/root_hints.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace corofetch::dns {
namespace {

// The fields of one master-file line, comments dropped (RFC 1035 5.1).
std::vector<std::string_view> fields_of(std::string_view line) {
  line = line.substr(0, line.find(';'));
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < line.size()) {
    const auto start = line.find_first_not_of(" \t\r", at);
    if (start == std::string_view::npos) break;
    const auto end = std::min(line.find_first_of(" \t\r", start), line.size());
    out.push_back(line.substr(start, end - start));
    at = end;
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

// "owner [TTL] [class] type data" (the TTL and class may come in either order) as owner, type
// and data; nullopt for a line that is not a record.
struct hint_record {
  std::string owner;
  std::string type;
  std::string data;
};
std::optional<hint_record> record_of(const std::vector<std::string_view>& f) {
  if (f.size() < 3) return std::nullopt;
  const auto is_number = [](std::string_view v) {
    return std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::size_t at = 1;
  while (at < 3 && at + 2 < f.size() && (is_number(f[at]) || iequals(f[at], "IN"))) ++at;
  if (at + 1 >= f.size()) return std::nullopt;
  return hint_record{canonical_name(f[0]), std::string(f[at]), std::string(f[at + 1])};
}

}  // namespace

result<delegation> parse_root_hints(std::string_view text, bool with_ipv6) {
  std::vector<hint_record> records;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    if (auto r = record_of(fields_of(line))) records.push_back(std::move(*r));
  }
  delegation root{"", {}};
  for (const auto& r : records) {
    if (r.owner.empty() && iequals(r.type, "NS"))
      root.servers.push_back({canonical_name(r.data), {}});
  }
  for (auto& server : root.servers) {
    for (const auto& r : records) {
      const bool wanted = iequals(r.type, "A") || (with_ipv6 && iequals(r.type, "AAAA"));
      if (!wanted || r.owner != server.name) continue;
      std::error_code ec;
      const auto address = asio::ip::make_address(r.data, ec);
      if (!ec) server.addresses.push_back(address);
    }
  }
  std::erase_if(root.servers, [](const name_server& s) { return s.addresses.empty(); });
  if (root.servers.empty()) return errc::bad_options;
  return root;
}

result<delegation> read_root_hints(const std::string& path, bool with_ipv6) {
  std::ifstream in(path);
  if (!in) return errc::bad_options;
  std::ostringstream text;
  text << in.rdbuf();
  return parse_root_hints(text.str(), with_ipv6);
}

result<asio::ip::udp::endpoint> parse_server_address(std::string_view text,
                                                     std::uint16_t default_port) {
  std::string_view host = text;
  std::string_view port_text;
  if (const auto hash = text.find('#'); hash != std::string_view::npos) {  // dig's ADDR#PORT
    host = text.substr(0, hash);
    port_text = text.substr(hash + 1);
    if (port_text.empty() || host.starts_with('[')) return errc::bad_options;
  } else if (text.starts_with('[')) {  // "[v6]" or "[v6]:port"
    const auto close = text.find(']');
    if (close == std::string_view::npos) return errc::bad_options;
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.empty() && (!rest.starts_with(':') || rest.size() == 1)) return errc::bad_options;
    if (!rest.empty()) port_text = rest.substr(1);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {  // "v4:port"; more: bare IPv6
    const auto colon = text.find(':');
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (port_text.empty()) return errc::bad_options;
  }
  std::uint16_t port = default_port;
  if (!port_text.empty()) {
    const auto* end = port_text.data() + port_text.size();
    const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (ec != std::errc{} || ptr != end) return errc::bad_options;
  }
  std::error_code ec;
  const auto address = asio::ip::make_address(std::string(host), ec);
  if (ec || port == 0) return errc::bad_options;
  return asio::ip::udp::endpoint(address, port);
}

}  // namespace corofetch::dns
