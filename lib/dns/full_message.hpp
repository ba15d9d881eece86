#pragma once

// The whole of a DNS message as the iterative resolver needs it: every section, additional
// included, with the records of the types we know converted, and the query it sends (RD clear,
// EDNS0). message.cpp's reader stops at the authority section; a referral's glue is in the
// additional section (RFC 1034 4.3.2 step 3.b), so this reads on from where that one stops.
#include <corofetch/dns/record.hpp>
#include <corofetch/dns/response.hpp>
#include <corofetch/result.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace corofetch::dns::detail {

/// A response as the iterative resolver reads it: the public dns::response.
using full_message = response;

/// Reads every section of `message` (RFC 1035 4.1). errc::malformed_answer when it is not a
/// well-formed response: too short, QR clear, a name or a record running past the end, a
/// compression pointer that does not point backwards, RDATA of a known type that does not
/// parse (RFC 1035 3.3, 3.4.1, RFC 3596 2.2, RFC 2782, RFC 8659 4.1). With `keep_unknown`,
/// records of class IN of a type without a struct are kept as unknown_data (RFC 3597) instead
/// of skipped, as a tool that shows a whole message needs.
[[nodiscard]] result<full_message> read_full_message(std::span<const std::uint8_t> message,
                                                     bool keep_unknown = false);

/// A query for `name` and `type`, class IN, with message id `id`, RD clear unless
/// `recursion_desired` (RFC 1034 4.3.1: an iterative resolver asks each server for what it
/// knows itself; a client resolver asks a recursive server to find it) and, when `udp_payload`
/// is not 0, an EDNS0 OPT record offering that UDP payload size (RFC 6891 6.1.2, 6.2.3).
/// errc::bad_name when `name` has no plain wire form (see plain_wire_name()).
[[nodiscard]] result<std::vector<std::uint8_t>> make_query(std::uint16_t id,
                                                           const std::string& name,
                                                           std::uint16_t type,
                                                           std::uint16_t udp_payload,
                                                           bool recursion_desired = false);

/// True when `response` answers `query` (both whole messages): the same id, QR set, and the same
/// question, its name compared ASCII case-insensitively (RFC 4343; RFC 5452 9.1 makes the id and
/// question the checks against spoofed answers). A response without a question is accepted
/// only with an error RCODE (a FORMERR may not echo it, RFC 6891 7).
[[nodiscard]] bool answers_query(std::span<const std::uint8_t> response,
                                 std::span<const std::uint8_t> query) noexcept;

}  // namespace corofetch::dns::detail
