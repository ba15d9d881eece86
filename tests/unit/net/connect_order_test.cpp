#include <corofetch/net/connect.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using asio::ip::tcp;
using corofetch::net::happy_eyeballs_order;

namespace {

tcp::endpoint ep(const char* address) {
  return {asio::ip::make_address(address), 443};
}

std::vector<std::string> order(const std::vector<tcp::endpoint>& in) {
  std::vector<std::string> out;
  for (const auto& e : happy_eyeballs_order(in)) out.push_back(e.address().to_string());
  return out;
}

}  // namespace

TEST_CASE("Happy Eyeballs order interleaves families, IPv6 first (RFC 8305 4)", "[unit]") {
  CHECK(order({ep("192.0.2.1"), ep("192.0.2.2"), ep("2001:db8::1"), ep("2001:db8::2")}) ==
        std::vector<std::string>{"2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2"});
  CHECK(order({ep("2001:db8::1"), ep("2001:db8::2"), ep("2001:db8::3"), ep("192.0.2.1")}) ==
        std::vector<std::string>{"2001:db8::1", "192.0.2.1", "2001:db8::2", "2001:db8::3"});
  CHECK(order({ep("192.0.2.3"), ep("192.0.2.1")}) ==
        std::vector<std::string>{"192.0.2.3", "192.0.2.1"});
  CHECK(order({}).empty());
}
