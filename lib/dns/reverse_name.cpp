#include <corofetch/dns/error.hpp>
#include <corofetch/dns/reverse_name.hpp>

#include <fmt/format.h>

#include <iterator>

namespace corofetch::dns {

std::string reverse_name(const asio::ip::address& address) {
  std::string out;
  if (address.is_v4()) {
    const auto b = address.to_v4().to_bytes();
    fmt::format_to(std::back_inserter(out), "{}.{}.{}.{}.in-addr.arpa", b[3], b[2], b[1], b[0]);
    return out;
  }
  // RFC 3596 2.5: one label per nibble, least significant first.
  static constexpr char hex[] = "0123456789abcdef";
  const auto b = address.to_v6().to_bytes();
  out.reserve(72);
  for (auto it = b.rbegin(); it != b.rend(); ++it) {
    out += hex[*it & 0x0fU];
    out += '.';
    out += hex[(*it >> 4U) & 0x0fU];
    out += '.';
  }
  out += "ip6.arpa";
  return out;
}

result<std::string> reverse_name(std::string_view text) {
  std::error_code ec;
  const auto address = asio::ip::make_address(std::string(text), ec);
  if (ec) return errc::bad_name;
  return reverse_name(address);
}

}  // namespace corofetch::dns
