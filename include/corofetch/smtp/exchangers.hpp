#pragma once

#include <corofetch/dns/record.hpp>
#include <corofetch/result.hpp>
#include <corofetch/smtp/error.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace corofetch::smtp {

/// A mail exchanger to try, from an MX record or the domain itself.
struct exchanger {
  std::string host;
  std::uint16_t preference = 0;
  bool implicit = false;  ///< the domain itself: it has no MX record (RFC 5321 5.1)
};

/// The order to try a domain's exchangers in (RFC 5321 5.1): lowest preference first, equal
/// preferences shuffled with `random` ("the client MUST randomize them to spread the load").
/// Records other than MX are ignored. Errors: errc::null_mx when an MX is the null MX of RFC
/// 7505 ("0 ." : the domain accepts no mail). An empty list gives an empty result: the caller
/// falls back to the implicit MX.
[[nodiscard]] result<std::vector<exchanger>> order_exchangers(
    const std::vector<dns::record>& records, std::mt19937_64& random);

}  // namespace corofetch::smtp
