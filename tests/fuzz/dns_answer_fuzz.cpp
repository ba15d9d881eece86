// Raw DNS messages through the answer-handling path: our message reader, the authority-section
// SOA (negative TTL), c-ares' ares_parse_* functions for every record type and our conversion
// of what they return, then the presentation form of each record. Every conversion also runs
// as the resolver runs it (a reused message view, the name asked, its wire form and storage to
// take), and must give exactly what the plain conversion gives.
#include <corofetch/dns/detail/answer_conversion.hpp>
#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/record.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> message(data, size);
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
