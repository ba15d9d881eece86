// A and AAAA answers read as c-ares 1.18.1 reads them (ares__parse_into_addrinfo2, then
// ares__addrinfo2addrttl), from the offsets our reader has already checked: ares_parse_a_reply
// expands every name of the answer section into an allocated string, about 40% of c-ares'
// instructions for one lookup. Only the plain message shape is read here; anything else goes to
// c-ares, so the escaping rules (RFC 1035 5.1 presentation form, compared with strcasecmp) never
// need copying: names made of letters, digits, '-' and '_' are their own presentation form.
#include <corofetch/dns/detail/address_answer.hpp>
#include <corofetch/dns/detail/message.hpp>

#include <ares.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace corofetch::dns::detail {
namespace {

constexpr std::uint16_t class_in = 1;
constexpr std::uint16_t type_a = 1;
constexpr std::uint16_t type_cname = 5;
constexpr std::uint16_t type_aaaa = 28;
// c-ares gives up on a name after 50 compression pointers (ARES_EBADRESP); far below that, no
// name read here can come near it: an owner pointing at a checked name adds one.
constexpr int max_jumps = 8;
constexpr std::size_t max_name_wire = 255;

// Bytes whose presentation form is themselves (not escaped by c-ares, RFC 1035 5.1) and that
// pass c-ares' hostname check on CNAME targets (CVE-2021-3672).
constexpr std::array<bool, 256> host_bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
  t['-'] = true;
  t['_'] = true;
  return t;
}();

// ASCII lower case (strcasecmp in the C locale).
constexpr std::uint8_t fold(std::uint8_t c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<std::uint8_t>(c | 0x20U) : c;
}

bool is_pointer(std::uint8_t b) noexcept {
  return (b & 0xc0U) == 0xc0U;
}

std::size_t pointer_target(std::span<const std::uint8_t> m, std::size_t at) noexcept {
  return ((m[at] & 0x3fU) << 8U) | m[at + 1];
}

// The name at `at` is one c-ares takes as a hostname and this file compares: at least one
// label, every byte a host byte, pointers strictly backwards (no loop) and at most max_jumps
// of them, at most 255 bytes. Unlike an owner name, a CNAME target is not checked by our
// reader: this is its only check.
bool plain_name(std::span<const std::uint8_t> m, std::size_t at) noexcept {
  std::size_t limit = at;
  std::size_t wire = 0;
  int jumps = 0;
  for (;;) {
    if (at >= m.size()) return false;
    const std::uint8_t len = m[at];
    if (is_pointer(len)) {
      if (at + 1 >= m.size() || ++jumps > max_jumps) return false;
      const std::size_t target = pointer_target(m, at);
      if (target >= limit) return false;
      limit = target;
      at = target;
      continue;
    }
    if ((len & 0xc0U) != 0) return false;
    if (len == 0) return wire != 0;
    wire += 1U + len;
    if (wire + 1 > max_name_wire || m.size() - at - 1 < len) return false;
    // One branch a label, not one a byte.
    bool host = true;
    const std::uint8_t* label = m.data() + at + 1;
    for (std::size_t i = 0; i < len; ++i) host &= host_bytes[label[i]];
    if (!host) return false;
    at += 1U + len;
  }
}

// An owner name (checked by our reader: in bounds, no loop) within max_jumps pointers.
bool few_jumps(std::span<const std::uint8_t> m, std::size_t at) noexcept {
  int jumps = 0;
  for (;;) {
    const std::uint8_t len = m[at];
    if (is_pointer(len)) {
      if (++jumps > max_jumps) return false;
      at = pointer_target(m, at);
    } else if (len == 0) {
      return true;
    } else {
      at += 1U + len;
    }
  }
}

// Where the next label starts, following pointers (the name is checked: they end).
std::size_t label_at(std::span<const std::uint8_t> m, std::size_t at) noexcept {
  while (is_pointer(m[at])) at = pointer_target(m, at);
  return at;
}

// strcasecmp() of c-ares' expansions of the owner at `owner` and the plain name at `host`: the
// host's bytes are their own presentation form and no escaped byte of the owner folds to one of
// them, so comparing the labels byte by byte, ASCII case-insensitively, gives the same answer.
bool same_name(std::span<const std::uint8_t> m, std::size_t owner, std::size_t host) noexcept {
  for (;;) {
    if (owner == host) return true;
    if (is_pointer(m[owner]) && pointer_target(m, owner) == host) return true;
    owner = label_at(m, owner);
    host = label_at(m, host);
    if (owner == host) return true;
    const std::uint8_t len = m[owner];
    if (len != m[host]) return false;
    if (len == 0) return true;
    for (std::size_t i = 1; i <= len; ++i) {
      if (fold(m[owner + i]) != fold(m[host + i])) return false;
    }
    owner += 1U + len;
    host += 1U + len;
  }
}

// What the answer section gave so far.
struct found_addresses {
  std::span<address_ttl> out;
  std::size_t count = 0;
  bool any = false;  // an address of either family for the hostname: c-ares' got_a / got_aaaa
  bool cname = false;
  std::uint32_t cname_ttl = std::numeric_limits<std::uint32_t>::max();

  void add(std::span<const std::uint8_t> m, const rr_view& rr) noexcept {
    if (count == out.size()) return;
    address_ttl& a = out[count++];
    std::memcpy(a.bytes.data(), m.data() + rr.rdata_offset, rr.rdata_length);
    a.ttl = rr.ttl;
  }
};

}  // namespace

std::optional<int> parse_addresses(std::span<const std::uint8_t> m, const message_view& view,
                                   record_type type, std::span<address_ttl> out,
                                   std::size_t& count) {
  count = 0;
  const std::uint16_t qdcount = static_cast<std::uint16_t>((m[4] << 8U) | m[5]);
  if (qdcount != 1 || !plain_name(m, view.question_offset)) return std::nullopt;
  const std::uint16_t want = type == record_type::a ? type_a : type_aaaa;
  const std::size_t question = view.question_offset;
  std::size_t host = question;
  found_addresses found{out};
  for (const rr_view& rr : view.answers) {
    const bool to_question =
        m[rr.name_offset] == 0xc0U && m[rr.name_offset + 1] == question && question < 0x100;
    if (!to_question && !few_jumps(m, rr.name_offset)) return std::nullopt;
    if (rr.rclass != class_in) continue;
    if (rr.type == type_cname) {
      if (!plain_name(m, rr.rdata_offset)) return std::nullopt;
      host = rr.rdata_offset;  // c-ares follows every CNAME, whatever its owner
      found.cname = true;
      found.cname_ttl = std::min(found.cname_ttl, rr.ttl);
      continue;
    }
    const bool address = (rr.type == type_a && rr.rdata_length == 4) ||
                         (rr.type == type_aaaa && rr.rdata_length == 16);
    if (!address || !same_name(m, rr.name_offset, host)) continue;
    found.any = true;
    if (rr.type == want) found.add(m, rr);
  }
  if (!found.any && !found.cname) return ARES_ENODATA;
  for (std::size_t i = 0; i < found.count; ++i) out[i].ttl = std::min(out[i].ttl, found.cname_ttl);
  count = found.count;
  return ARES_SUCCESS;
}

}  // namespace corofetch::dns::detail
