#pragma once

// The whole of a DNS message as the iterative resolver needs it: every section, additional
// included, with the records of the types we know converted, and the query it sends (RD clear,
// EDNS0). message.cpp's reader stops at the authority section; a referral's glue is in the
// additional section (RFC 1034 4.3.2 step 3.b), so this reads on from where that one stops.
#include <corofetch/dns/record.hpp>
#include <corofetch/result.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace corofetch::dns::detail {

/// A response: its header fields, its first question and its three sections. Records of class
/// IN whose type record_type names are converted; any other record (OPT, DS, RRSIG, ...) is
/// counted in `skipped` only.
struct full_message {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;      ///< QR, opcode, AA, TC, RD, RA, Z, RCODE as on the wire
  std::uint16_t questions = 0;  ///< QDCOUNT
  std::string question_name;    ///< presentation form, no trailing dot ("" for the root)
  std::uint16_t question_type = 0;
  std::vector<record> answer;
  std::vector<record> authority;
  std::vector<record> additional;
  std::size_t skipped = 0;

  [[nodiscard]] unsigned rcode() const noexcept { return flags & 0x000fU; }
  [[nodiscard]] bool authoritative() const noexcept { return (flags & 0x0400U) != 0; }
  [[nodiscard]] bool truncated() const noexcept { return (flags & 0x0200U) != 0; }
};

/// Reads every section of `message` (RFC 1035 4.1). errc::malformed_answer when it is not a
/// well-formed response: too short, QR clear, a name or a record running past the end, a
/// compression pointer that does not point backwards, RDATA of a known type that does not
/// parse (RFC 1035 3.3, 3.4.1, RFC 3596 2.2, RFC 2782).
[[nodiscard]] result<full_message> read_full_message(std::span<const std::uint8_t> message);

/// A query for `name` and `type`, class IN, with message id `id`, RD clear (RFC 1034 4.3.1: an
/// iterative resolver asks each server for what it knows itself) and, when `udp_payload` is
/// not 0, an EDNS0 OPT record offering that UDP payload size (RFC 6891 6.1.2, 6.2.3).
/// errc::bad_name when `name` has no plain wire form (see plain_wire_name()).
[[nodiscard]] result<std::vector<std::uint8_t>> make_query(std::uint16_t id,
                                                           const std::string& name,
                                                           std::uint16_t type,
                                                           std::uint16_t udp_payload);

/// True when `response` answers `query` (both whole messages): the same id, QR set, and the same
/// question, its name compared ASCII case-insensitively (RFC 4343; RFC 5452 9.1 makes the id and
/// question the checks against spoofed answers). A response without a question is accepted
/// only with an error RCODE (a FORMERR may not echo it, RFC 6891 7).
[[nodiscard]] bool answers_query(std::span<const std::uint8_t> response,
                                 std::span<const std::uint8_t> query) noexcept;

}  // namespace corofetch::dns::detail
