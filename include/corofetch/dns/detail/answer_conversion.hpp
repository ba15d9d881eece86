#pragma once

#include <corofetch/dns/answer.hpp>
#include <corofetch/dns/record.hpp>

#include <cstdint>
#include <span>

namespace corofetch::dns::detail {

/// Turns what c-ares handed a query callback (its status and the raw answer, possibly empty)
/// into an answer: the records of `type` through the ares_parse_* functions (TTL and owner names
/// from our own reading of the message, MX sorted by preference), the error mapped into
/// corofetch.dns, and for NXDOMAIN/NODATA the negative TTL from the authority section. Safe on
/// any bytes: a message that does not parse gives errc::malformed_answer.
/// `ares_status` is c-ares' status code (0 is ARES_SUCCESS).
[[nodiscard]] answer convert_answer(std::span<const std::uint8_t> message, record_type type,
                                    int ares_status);

/// The corofetch.dns error for a c-ares status code (ARES_ENOTFOUND -> errc::nxdomain, ...);
/// an empty error_code for ARES_SUCCESS.
[[nodiscard]] std::error_code from_ares_status(int ares_status) noexcept;

}  // namespace corofetch::dns::detail
