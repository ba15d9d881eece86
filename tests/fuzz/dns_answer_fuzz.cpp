// Raw DNS messages through the answer-handling path: our message reader, the authority-section
// SOA (negative TTL), c-ares' ares_parse_* functions for every record type and our conversion
// of what they return, then the presentation form of each record.
#include <corofetch/dns/detail/answer_conversion.hpp>
#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/record.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace corofetch::dns;
  const std::span<const std::uint8_t> message(data, size);
  if (auto view = detail::read_message(message)) {
    (void)detail::negative_ttl(message, *view);
  }
  static constexpr std::array types{record_type::a,   record_type::aaaa,  record_type::mx,
                                    record_type::ns,  record_type::cname, record_type::txt,
                                    record_type::soa, record_type::srv,   record_type::ptr};
  // c-ares statuses a query callback sees with a message: success, NODATA, NXDOMAIN.
  static constexpr std::array statuses{0, 1, 4};
  for (const auto type : types) {
    for (const int status : statuses) {
      const answer a = detail::convert_answer(message, type, status);
      for (const auto& r : a.records) (void)to_zone_line(r);
    }
  }
  return 0;
}
