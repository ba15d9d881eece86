#include "dns/full_message.hpp"

#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/error.hpp>

#include <array>
#include <cstring>
#include <optional>
#include <utility>

namespace corofetch::dns::detail {
namespace {

constexpr std::size_t header_size = 12;
constexpr std::uint16_t class_in = 1;
constexpr std::uint16_t type_opt = 41;  // RFC 6891 6.1.1
constexpr std::uint16_t flag_qr = 0x8000;

std::uint16_t get16(std::span<const std::uint8_t> m, std::size_t at) noexcept {
  return static_cast<std::uint16_t>((m[at] << 8U) | m[at + 1]);
}

std::uint32_t get32(std::span<const std::uint8_t> m, std::size_t at) noexcept {
  return (std::uint32_t{get16(m, at)} << 16U) | get16(m, at + 2);
}

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8U));
  out.push_back(static_cast<std::uint8_t>(v & 0xffU));
}

// RDATA of one record, read from [at, end) of the whole message (names in it may point
// anywhere before, RFC 1035 4.1.4, but what they write inline must stay inside the RDATA).
class rdata_reader {
 public:
  rdata_reader(std::span<const std::uint8_t> m, std::size_t at, std::size_t end)
      : m_(m), at_(at), end_(end) {}

  std::optional<std::string> name() {
    std::size_t at = at_;
    auto n = read_name(m_.first(end_), at);
    if (n) at_ = at;
    return n;
  }
  [[nodiscard]] bool fixed(std::size_t bytes) const noexcept { return end_ - at_ >= bytes; }
  std::uint16_t u16() noexcept {
    const auto v = get16(m_, at_);
    at_ += 2;
    return v;
  }
  std::uint32_t u32() noexcept {
    const auto v = get32(m_, at_);
    at_ += 4;
    return v;
  }
  std::span<const std::uint8_t> bytes(std::size_t n) noexcept {
    const auto b = m_.subspan(at_, n);
    at_ += n;
    return b;
  }
  [[nodiscard]] bool at_end() const noexcept { return at_ == end_; }
  [[nodiscard]] std::size_t left() const noexcept { return end_ - at_; }

 private:
  std::span<const std::uint8_t> m_;
  std::size_t at_;
  std::size_t end_;
};

std::optional<record_data> read_soa(rdata_reader& in) {
  auto mname = in.name();
  auto rname = mname ? in.name() : std::nullopt;
  if (!rname || !in.fixed(20)) return std::nullopt;
  soa_data soa{std::move(*mname), std::move(*rname)};
  soa.serial = in.u32();
  soa.refresh = in.u32();
  soa.retry = in.u32();
  soa.expire = in.u32();
  soa.minimum = in.u32();
  return soa;
}

std::optional<record_data> read_txt(rdata_reader& in) {
  txt_data txt;
  while (!in.at_end()) {
    const auto length = in.bytes(1)[0];
    if (in.left() < length) return std::nullopt;
    const auto s = in.bytes(length);
    txt.strings.emplace_back(reinterpret_cast<const char*>(s.data()), s.size());
  }
  if (txt.strings.empty()) return std::nullopt;  // RFC 1035 3.3.14: one string at least
  return txt;
}

// RFC 8659 4.1: flags, a tag of 1 to 15 letters and digits behind its length, the value.
std::optional<record_data> read_caa(rdata_reader& in) {
  if (!in.fixed(2)) return std::nullopt;
  caa_data caa;
  caa.flags = in.bytes(1)[0];
  const auto tag_length = in.bytes(1)[0];
  if (tag_length == 0 || in.left() < tag_length) return std::nullopt;
  const auto tag = in.bytes(tag_length);
  caa.tag.assign(tag.begin(), tag.end());
  const auto value = in.bytes(in.left());
  caa.value.assign(value.begin(), value.end());
  return caa;
}

std::optional<record_data> read_with_numbers(record_type type, rdata_reader& in) {
  if (type == record_type::mx) {
    if (!in.fixed(2)) return std::nullopt;
    const auto preference = in.u16();
    auto exchange = in.name();
    if (!exchange) return std::nullopt;
    return mx_data{preference, std::move(*exchange)};
  }
  if (!in.fixed(6)) return std::nullopt;  // SRV
  srv_data srv;
  srv.priority = in.u16();
  srv.weight = in.u16();
  srv.port = in.u16();
  auto target = in.name();
  if (!target) return std::nullopt;
  srv.target = std::move(*target);
  return srv;
}

// The RDATA of a known type (RFC 1035 3.3, 3.4.1; RFC 3596 2.2; RFC 2782), all of it used.
std::optional<record_data> read_rdata(record_type type, rdata_reader& in) {
  std::optional<record_data> data;
  switch (type) {
    case record_type::a: {
      if (in.left() != 4) return std::nullopt;
      asio::ip::address_v4::bytes_type b{};
      std::memcpy(b.data(), in.bytes(4).data(), 4);
      data = a_data{asio::ip::address_v4(b)};
      break;
    }
    case record_type::aaaa: {
      if (in.left() != 16) return std::nullopt;
      asio::ip::address_v6::bytes_type b{};
      std::memcpy(b.data(), in.bytes(16).data(), 16);
      data = aaaa_data{asio::ip::address_v6(b)};
      break;
    }
    case record_type::ns:
    case record_type::cname:
    case record_type::ptr: {
      auto n = in.name();
      if (!n) return std::nullopt;
      if (type == record_type::ns) data = ns_data{std::move(*n)};
      if (type == record_type::cname) data = cname_data{std::move(*n)};
      if (type == record_type::ptr) data = ptr_data{std::move(*n)};
      break;
    }
    case record_type::soa:
      data = read_soa(in);
      break;
    case record_type::txt:
      data = read_txt(in);
      break;
    case record_type::mx:
    case record_type::srv:
      data = read_with_numbers(type, in);
      break;
    case record_type::caa:
      data = read_caa(in);
      break;
    default: {  // RFC 3597 3: kept as received
      const auto bytes = in.bytes(in.left());
      data = unknown_data{{bytes.begin(), bytes.end()}};
      break;
    }
  }
  if (!data || !in.at_end()) return std::nullopt;
  return data;
}

// RFC 6891 6.1.3: the OPT record's CLASS is the payload size, its TTL the extended RCODE,
// version and flags.
edns_info read_edns(std::uint16_t rclass, std::uint32_t ttl, std::uint16_t length) noexcept {
  edns_info e;
  e.udp_payload = rclass;
  e.extended_rcode = static_cast<std::uint8_t>(ttl >> 24U);
  e.version = static_cast<std::uint8_t>((ttl >> 16U) & 0xffU);
  e.flags = static_cast<std::uint16_t>(ttl & 0xffffU);
  e.option_bytes = length;
  return e;
}

// One section of `count` records from `at` into `out`; false when malformed.
bool read_section(std::span<const std::uint8_t> m, std::size_t& at, std::uint16_t count,
                  std::vector<record>& out, full_message& message, bool keep_unknown) {
  for (std::uint16_t i = 0; i < count; ++i) {
    auto owner = read_name(m, at);
    if (!owner || m.size() - at < 10) return false;
    const std::uint16_t type = get16(m, at);
    const std::uint16_t rclass = get16(m, at + 2);
    const std::uint32_t raw_ttl = get32(m, at + 4);
    const std::uint16_t length = get16(m, at + 8);
    at += 10;
    if (m.size() - at < length) return false;
    const std::size_t rdata = at;
    at += length;
    if (type == type_opt && &out == &message.additional && !message.edns) {
      message.edns = read_edns(rclass, raw_ttl, length);
    }
    const bool wanted = has_known_data(static_cast<record_type>(type)) || keep_unknown;
    if (rclass != class_in || type == type_opt || !wanted) {
      ++message.skipped;
      continue;
    }
    rdata_reader in(m, rdata, rdata + length);
    auto data = read_rdata(static_cast<record_type>(type), in);
    if (!data) return false;
    const std::uint32_t ttl = (raw_ttl & 0x80000000U) != 0 ? 0 : raw_ttl;  // RFC 2181 8
    out.push_back(record{std::move(*owner), static_cast<record_type>(type), ttl, std::move(*data)});
  }
  return true;
}

bool same_ascii_nocase(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = a[i];
    auto y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<std::uint8_t>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<std::uint8_t>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Where the question (name, type, class) of a well-formed query starts and ends.
std::optional<std::pair<std::size_t, std::size_t>> question_bytes(
    std::span<const std::uint8_t> m) noexcept {
  if (m.size() < header_size || get16(m, 4) == 0) return std::nullopt;
  std::size_t at = header_size;
  while (at < m.size() && m[at] != 0) {
    if ((m[at] & 0xc0U) != 0) return std::nullopt;  // a question starts the message: no pointer
    at += 1U + m[at];
  }
  if (at >= m.size() || m.size() - at < 5) return std::nullopt;
  return std::pair{header_size, at + 5};
}

}  // namespace

result<full_message> read_full_message(std::span<const std::uint8_t> m, bool keep_unknown) {
  if (m.size() < header_size) return errc::malformed_answer;
  full_message out;
  out.id = get16(m, 0);
  out.flags = get16(m, 2);
  if ((out.flags & flag_qr) == 0) return errc::malformed_answer;
  out.questions = get16(m, 4);
  std::size_t at = header_size;
  for (std::uint16_t q = 0; q < out.questions; ++q) {
    auto name = read_name(m, at);
    if (!name || m.size() - at < 4) return errc::malformed_answer;
    if (q == 0) {
      out.question_name = std::move(*name);
      out.question_type = get16(m, at);
      out.question_class = get16(m, at + 2);
    }
    at += 4;
  }
  out.answer_count = get16(m, 6);
  out.authority_count = get16(m, 8);
  out.additional_count = get16(m, 10);
  const std::array<std::pair<std::uint16_t, std::vector<record>*>, 3> sections{{
      {out.answer_count, &out.answer},
      {out.authority_count, &out.authority},
      {out.additional_count, &out.additional},
  }};
  for (const auto& [count, records] : sections) {
    if (!read_section(m, at, count, *records, out, keep_unknown)) return errc::malformed_answer;
  }
  return out;
}

result<std::vector<std::uint8_t>> make_query(std::uint16_t id, const std::string& name,
                                             std::uint16_t type, std::uint16_t udp_payload,
                                             bool recursion_desired) {
  std::string wire;
  if (!plain_wire_name(wire, name)) return errc::bad_name;
  std::vector<std::uint8_t> out;
  out.reserve(header_size + wire.size() + 4 + 11);
  put16(out, id);
  put16(out, recursion_desired ? 0x0100 : 0);  // QUERY, RD
  put16(out, 1);
  put16(out, 0);
  put16(out, 0);
  put16(out, udp_payload != 0 ? 1 : 0);
  out.insert(out.end(), wire.begin(), wire.end());
  put16(out, type);
  put16(out, class_in);
  if (udp_payload != 0) {
    out.push_back(0);  // the root owns OPT
    put16(out, type_opt);
    put16(out, udp_payload);  // CLASS: the payload size we take
    put16(out, 0);            // TTL: extended RCODE, version 0, DO clear
    put16(out, 0);
    put16(out, 0);  // no options
  }
  return out;
}

bool answers_query(std::span<const std::uint8_t> response,
                   std::span<const std::uint8_t> query) noexcept {
  if (response.size() < header_size || query.size() < header_size) return false;
  if (get16(response, 0) != get16(query, 0) || (get16(response, 2) & flag_qr) == 0) return false;
  const auto asked = question_bytes(query);
  if (!asked) return false;
  if (get16(response, 4) == 0) return (get16(response, 2) & 0x000fU) != 0;
  const auto length = asked->second - asked->first;
  if (response.size() < header_size + length) return false;
  const auto name_length = length - 4;  // then TYPE and CLASS, compared exactly
  return same_ascii_nocase(response.subspan(header_size, name_length),
                           query.subspan(header_size, name_length)) &&
         std::memcmp(response.data() + header_size + name_length,
                     query.data() + header_size + name_length, 4) == 0;
}

}  // namespace corofetch::dns::detail
