#include <corofetch/smtp/exchangers.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace corofetch;

namespace {

dns::record mx(std::uint16_t preference, std::string host) {
  dns::record r;
  r.name = "example.test";
  r.type = dns::record_type::mx;
  r.data = dns::mx_data{preference, std::move(host)};
  return r;
}

std::string hosts(const std::vector<smtp::exchanger>& xs) {
  std::string s;
  for (const auto& x : xs) s += x.host + " ";
  return s;
}

}  // namespace

TEST_CASE("exchangers: lowest preference first", "[unit]") {
  std::mt19937_64 random(1);
  auto ordered = smtp::order_exchangers({mx(30, "c"), mx(10, "a"), mx(20, "b")}, random);
  REQUIRE(ordered);
  CHECK(hosts(*ordered) == "a b c ");
  CHECK((*ordered)[0].preference == 10);
  CHECK_FALSE((*ordered)[0].implicit);
}

TEST_CASE("exchangers: equal preferences in random order (RFC 5321 5.1)", "[unit]") {
  std::set<std::string> orders;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    std::mt19937_64 random(seed);
    auto ordered = smtp::order_exchangers(
        {mx(20, "last"), mx(10, "x"), mx(10, "y"), mx(10, "z"), mx(5, "first")}, random);
    REQUIRE(ordered);
    const std::string h = hosts(*ordered);
    CHECK(h.rfind("first ", 0) == 0);
    CHECK(h.substr(h.size() - 5) == "last ");
    orders.insert(h);
  }
  CHECK(orders.size() == 6);  // all 3! orders of x, y, z appear
}

TEST_CASE("exchangers: null MX refused, none gives an empty list", "[unit]") {
  std::mt19937_64 random(1);
  CHECK(smtp::order_exchangers({mx(0, "")}, random).error() == smtp::errc::null_mx);
  CHECK(smtp::order_exchangers({mx(0, ".")}, random).error() == smtp::errc::null_mx);
  auto none = smtp::order_exchangers({}, random);
  REQUIRE(none);
  CHECK(none->empty());
}
