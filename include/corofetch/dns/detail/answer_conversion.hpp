#pragma once

#include <corofetch/dns/answer.hpp>
#include <corofetch/dns/record.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace corofetch::dns::detail {

/// Turns what c-ares handed a query callback (its status and the raw answer, possibly empty)
/// into an answer: the records of `type` through the ares_parse_* functions, A and AAAA through
/// parse_addresses() with the same outcome (TTL and owner names from our own reading of the
/// message, MX sorted by preference), the error mapped into
/// corofetch.dns, and for NXDOMAIN/NODATA the negative TTL from the authority section. Safe on
/// any bytes: a message that does not parse gives errc::malformed_answer.
/// `ares_status` is c-ares' status code (0 is ARES_SUCCESS).
[[nodiscard]] answer convert_answer(std::span<const std::uint8_t> message, record_type type,
                                    int ares_status);

struct message_view;

/// convert_answer() reading the message into `scratch`, whose storage is reused from call to
/// call (the resolver keeps one, so a conversion does not allocate for its own reading). The
/// authority section is read only for NXDOMAIN and NODATA: a positive answer is taken from the
/// header, question and answer section, as c-ares' parse functions take it. `asked_name` is the
/// name the query was sent for (a trailing dot allowed) and `asked_wire` its plain_wire_name(),
/// or both empty: owners that are the question name (a pointer to it, RFC 1035 4.1.4, the
/// usual answer) take `asked_name` without decoding when the message's question is exactly
/// `asked_wire`; the result is the same either way. `asked_storage`, when given, is the string
/// `asked_name` views, which the caller no longer needs: the first such owner name takes its
/// buffer instead of copying it (it is left unspecified).
[[nodiscard]] answer convert_answer(std::span<const std::uint8_t> message, record_type type,
                                    int ares_status, message_view& scratch,
                                    std::string_view asked_name = {},
                                    std::string_view asked_wire = {},
                                    std::string* asked_storage = nullptr);

/// The corofetch.dns error for a c-ares status code (ARES_ENOTFOUND -> errc::nxdomain, ...);
/// an empty error_code for ARES_SUCCESS.
[[nodiscard]] std::error_code from_ares_status(int ares_status) noexcept;

}  // namespace corofetch::dns::detail
