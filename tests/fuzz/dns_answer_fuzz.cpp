// Raw DNS messages through the answer-handling path: our message reader, the authority-section
// SOA (negative TTL), c-ares' ares_parse_* functions for every record type and our conversion
// of what they return, then the presentation form of each record. Every conversion also runs
// as the resolver runs it (a reused message view, the name asked, its wire form and storage to
// take), and must give exactly what the plain conversion gives. A and AAAA are also checked
// against c-ares 1.18.1 itself: detail::parse_addresses() (our reading of the plain message
// shape) must give ares_parse_a_reply's / ares_parse_aaaa_reply's status, addresses, order and
// TTLs whenever it reads a message, and the conversion's records must be c-ares' addresses.
#include <corofetch/dns/detail/address_answer.hpp>
#include <corofetch/dns/detail/answer_conversion.hpp>
#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/record.hpp>

#include <ares.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace corofetch::dns;

bool same(const answer& a, const answer& b) {
  if (a.error != b.error || a.min_ttl != b.min_ttl || a.negative_ttl != b.negative_ttl ||
      a.records.size() != b.records.size())
    return false;
  for (std::size_t i = 0; i < a.records.size(); ++i) {
    const record& x = a.records[i];
    const record& y = b.records[i];
    if (x.name != y.name || x.type != y.type || x.ttl != y.ttl ||
        to_presentation(x.data) != to_presentation(y.data))
      return false;
  }
  return true;
}

// The conversion with the resolver's shortcuts, for the name `asked`.
answer convert_as_resolver(std::span<const std::uint8_t> message, record_type type, int status,
                           detail::message_view& scratch, const std::string& asked) {
  std::string wire;
  if (!detail::plain_wire_name(wire, asked)) wire.clear();
  std::string storage = asked;
  return detail::convert_answer(message, type, status, scratch, storage, wire, &storage);
}

// What c-ares gives: its status and its addresses, each with its TTL as the conversion takes it.
struct cares_result {
  int status = 0;
  std::vector<detail::address_ttl> addresses;
};

cares_result ask_cares(std::span<const std::uint8_t> message, record_type type, int capacity) {
  cares_result r;
  int n = capacity;
  const auto len = static_cast<int>(message.size());
  const auto to_ttl = [](int ttl) { return ttl < 0 ? 0U : static_cast<std::uint32_t>(ttl); };
  if (type == record_type::a) {
    std::vector<ares_addrttl> ttls(static_cast<std::size_t>(capacity));
    r.status = ares_parse_a_reply(message.data(), len, nullptr, ttls.data(), &n);
    for (int i = 0; i < n; ++i) {
      auto& a = r.addresses.emplace_back();
      a.bytes = {};
      std::memcpy(a.bytes.data(), &ttls[static_cast<std::size_t>(i)].ipaddr, 4);
      a.ttl = to_ttl(ttls[static_cast<std::size_t>(i)].ttl);
    }
  } else {
    std::vector<ares_addr6ttl> ttls(static_cast<std::size_t>(capacity));
    r.status = ares_parse_aaaa_reply(message.data(), len, nullptr, ttls.data(), &n);
    for (int i = 0; i < n; ++i) {
      auto& a = r.addresses.emplace_back();
      std::memcpy(a.bytes.data(), &ttls[static_cast<std::size_t>(i)].ip6addr, 16);
      a.ttl = to_ttl(ttls[static_cast<std::size_t>(i)].ttl);
    }
  }
  return r;
}

bool same_address(const detail::address_ttl& x, const detail::address_ttl& y, std::size_t size) {
  return x.ttl == y.ttl && std::memcmp(x.bytes.data(), y.bytes.data(), size) == 0;
}

// detail::parse_addresses() against c-ares, with room for `capacity` addresses.
void check_plain_reading(std::span<const std::uint8_t> message, const detail::message_view& view,
                         record_type type, int capacity) {
  std::vector<detail::address_ttl> out(static_cast<std::size_t>(capacity));
  std::size_t count = 0;
  const auto status = detail::parse_addresses(message, view, type, out, count);
  if (!status) return;  // not the plain shape: the conversion asks c-ares
  const cares_result expected = ask_cares(message, type, capacity);
  const std::size_t size = type == record_type::a ? 4 : 16;
  if (*status != expected.status || count != expected.addresses.size()) __builtin_trap();
  for (std::size_t i = 0; i < count; ++i) {
    if (!same_address(out[i], expected.addresses[i], size)) __builtin_trap();
  }
}

// The conversion's records are c-ares' addresses, in its order (the TTLs and owners then come
// from our reading, as for every record type: assign_owners()).
void check_conversion(std::span<const std::uint8_t> message, record_type type) {
  const answer a = detail::convert_answer(message, type, 0);
  const cares_result expected = ask_cares(message, type, 1024);
  if (expected.status != 0 || expected.addresses.empty()) {
    if (!a.records.empty() || !a.error) __builtin_trap();
    return;
  }
  if (a.error || a.records.size() != expected.addresses.size()) __builtin_trap();
  for (std::size_t i = 0; i < a.records.size(); ++i) {
    const auto& data = a.records[i].data;
    const auto& want = expected.addresses[i].bytes;
    const bool same =
        type == record_type::a
            ? std::memcmp(std::get<a_data>(data).address.to_bytes().data(), want.data(), 4) == 0
            : std::get<aaaa_data>(data).address.to_bytes() == want;
    if (!same) __builtin_trap();
  }
}

void check_addresses_against_cares(std::span<const std::uint8_t> message) {
  detail::message_view view;
  if (!detail::read_message(message, detail::message_part::answers, view)) return;
  // Room for every address, and for a few only (c-ares fills at most the caller's count).
  const int all = static_cast<int>(std::max<std::size_t>(view.answers.size(), 1));
  const int few = 1 + (message[0] & 3);
  for (const auto type : {record_type::a, record_type::aaaa}) {
    check_plain_reading(message, view, type, all);
    check_plain_reading(message, view, type, few);
    check_conversion(message, type);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> message(data, size);
  check_addresses_against_cares(message);
  std::string question;  // the name the message asks, as the resolver would have asked it
  if (auto view = detail::read_message(message)) {
    (void)detail::negative_ttl(message, *view);
    question = detail::name_at(message, view->question_offset);
  }
  std::string other_case = question;  // asked in another case: owners keep the message's
  for (char& c : other_case) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  static constexpr std::array types{record_type::a,   record_type::aaaa,  record_type::mx,
                                    record_type::ns,  record_type::cname, record_type::txt,
                                    record_type::soa, record_type::srv,   record_type::ptr};
  // c-ares statuses a query callback sees with a message: success, NODATA, NXDOMAIN.
  static constexpr std::array statuses{0, 1, 4};
  detail::message_view scratch;
  for (const auto type : types) {
    for (const int status : statuses) {
      const answer a = detail::convert_answer(message, type, status);
      for (const auto& r : a.records) (void)to_zone_line(r);
      if (!same(a, convert_as_resolver(message, type, status, scratch, question)) ||
          !same(a, convert_as_resolver(message, type, status, scratch, question + ".")) ||
          !same(a, convert_as_resolver(message, type, status, scratch, other_case)))
        __builtin_trap();
    }
  }
  return 0;
}
