#pragma once

// A tiny DNS message writer for the unit tests (RFC 1035 4.1), names uncompressed unless a test
// writes a pointer itself.

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace corofetch::dns::testing {

class message_builder {
 public:
  std::vector<std::uint8_t> bytes;

  message_builder& u8(std::uint8_t v) {
    bytes.push_back(v);
    return *this;
  }
  message_builder& u16(std::uint16_t v) {
    bytes.push_back(static_cast<std::uint8_t>(v >> 8U));
    bytes.push_back(static_cast<std::uint8_t>(v & 0xffU));
    return *this;
  }
  message_builder& u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16U));
    return u16(static_cast<std::uint16_t>(v & 0xffffU));
  }
  message_builder& name(std::string_view n) {
    while (!n.empty()) {
      const auto dot = n.find('.');
      const auto label = n.substr(0, dot);
      u8(static_cast<std::uint8_t>(label.size()));
      for (char c : label) bytes.push_back(static_cast<std::uint8_t>(c));
      n = dot == std::string_view::npos ? std::string_view{} : n.substr(dot + 1);
    }
    return u8(0);
  }
  /// Header: id 0x1234, QR RD RA set, the rcode, the four counts.
  message_builder& header(std::uint16_t rcode, std::uint16_t qd, std::uint16_t an, std::uint16_t ns,
                          std::uint16_t ar = 0) {
    return u16(0x1234)
        .u16(static_cast<std::uint16_t>(0x8180U | rcode))
        .u16(qd)
        .u16(an)
        .u16(ns)
        .u16(ar);
  }
  message_builder& question(std::string_view n, std::uint16_t type) {
    return name(n).u16(type).u16(1);
  }
  /// A record header; the RDATA follows through rdata_*().
  message_builder& rr(std::string_view owner, std::uint16_t type, std::uint32_t ttl) {
    name(owner).u16(type).u16(1).u32(ttl);
    length_at_ = bytes.size();
    return u16(0);
  }
  /// Ends the RDATA started by rr(): fills in RDLENGTH.
  message_builder& end_rr() {
    const auto len = static_cast<std::uint16_t>(bytes.size() - length_at_ - 2);
    bytes[length_at_] = static_cast<std::uint8_t>(len >> 8U);
    bytes[length_at_ + 1] = static_cast<std::uint8_t>(len & 0xffU);
    return *this;
  }
  message_builder& raw(std::initializer_list<std::uint8_t> b) {
    bytes.insert(bytes.end(), b);
    return *this;
  }
  message_builder& text(std::string_view s) {
    u8(static_cast<std::uint8_t>(s.size()));
    for (char c : s) bytes.push_back(static_cast<std::uint8_t>(c));
    return *this;
  }
  /// An SOA record (RFC 1035 3.3.13) with the given TTL and MINIMUM.
  message_builder& soa(std::string_view owner, std::uint32_t ttl, std::uint32_t minimum) {
    return rr(owner, 6, ttl)
        .name("ns1.example.test")
        .name("hostmaster.example.test")
        .u32(2024)
        .u32(3600)
        .u32(600)
        .u32(86400)
        .u32(minimum)
        .end_rr();
  }

 private:
  std::size_t length_at_ = 0;
};

}  // namespace corofetch::dns::testing
