#pragma once

#include <corofetch/dns/record.hpp>

#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

namespace corofetch::dns {

/// The outcome of one query as the resolver and its cache keep it: the records of the type
/// asked, or an error; for NXDOMAIN and NODATA, the negative TTL read from the SOA in the
/// authority section (RFC 2308 5: min(SOA TTL, SOA MINIMUM)).
struct answer {
  std::error_code error;                      ///< empty when `records` is the answer
  std::vector<record> records;                ///< never empty on success; MX by preference
  std::optional<std::uint32_t> negative_ttl;  ///< NXDOMAIN/NODATA with an SOA only
  /// The smallest TTL of every answer-section record, CNAMEs of the chain included (RFC 2181
  /// 5.2: a chain is only valid as long as its shortest link).
  std::uint32_t min_ttl = 0;
};

}  // namespace corofetch::dns
