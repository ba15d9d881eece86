// Fuzzes the address and prefix parsers: any input either fails with a corofetch.net error or
// gives a block whose text form parses back to the same block, and whose derived addresses
// (network, last, netmask) hold the invariants every caller relies on.
#include <corofetch/net/cidr.hpp>
#include <corofetch/net/classify.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto address = corofetch::net::parse_address(text);
  if (address.has_value()) {
    const auto& a = address.value();
    check(corofetch::net::parse_address(a.to_string()).value() == a);
    check(a.to_string().size() <= corofetch::net::ip_address::max_text_length);
    (void)corofetch::net::classify(a);
  } else {
    check(address.error().category() == corofetch::net::net_category());
  }

  auto block = corofetch::net::parse_cidr(text);
  if (!block.has_value()) {
    check(block.error().category() == corofetch::net::net_category());
    return 0;
  }
  const auto& c = block.value();
  check(c.prefix_length() <= c.address().bit_width());
  check(corofetch::net::parse_cidr(c.to_string()).value() == c);
  check(c.contains(c.address()));
  check(c.contains(c.network()));
  check(c.contains(c.last()));
  check(c.network() <= c.last());
  check(corofetch::net::netmask_prefix_length(c.netmask()).value() == c.prefix_length());
  return 0;
}
