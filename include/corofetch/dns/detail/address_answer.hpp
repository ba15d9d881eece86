#pragma once

#include <corofetch/dns/record.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace corofetch::dns::detail {

struct message_view;

/// One address as c-ares' ares_addrttl / ares_addr6ttl hold it.
struct address_ttl {
  std::array<std::uint8_t, 16> bytes;  ///< network order; A uses the first 4
  std::uint32_t ttl;                   ///< c-ares' TTL, a negative one (top bit set) as 0
};

/// What c-ares 1.18.1's ares_parse_a_reply (`type` a) or ares_parse_aaaa_reply (aaaa) gives for
/// `message`, taken from our reading of it (`view`: read_message() of at least its answers, which
/// succeeded): the c-ares status (ARES_SUCCESS or ARES_ENODATA) and the addresses, in message
/// order, written to `out` (at most out.size(), as c-ares fills the caller's addrttls), their
/// number in `count`. Its rules, each checked against c-ares (tests/fuzz/dns_answer_fuzz.cpp):
/// one question, whose name is the first hostname; an answer of class IN and type A (AAAA) with
/// RDLENGTH 4 (16) whose owner equals the hostname (ASCII case-insensitively) is an address, one
/// of another length is skipped; every class IN CNAME, whatever its owner, makes its target the
/// hostname, and caps every address' TTL with its own; an address of the other family still
/// counts as found (ARES_SUCCESS with none of this family); neither an address nor a CNAME is
/// ARES_ENODATA. nullopt when the message is not of the plain shape this reads (one question,
/// every name it compares or follows made of letters, digits, '-' and '_', not the root, each
/// owner name and CNAME target within a few compression pointers): c-ares must then judge it
/// (escaping, its hostname check on CNAME targets, its limit of 50 pointers a name, and every
/// ARES_EBADRESP).
[[nodiscard]] std::optional<int> parse_addresses(std::span<const std::uint8_t> message,
                                                 const message_view& view, record_type type,
                                                 std::span<address_ttl> out, std::size_t& count);

}  // namespace corofetch::dns::detail
