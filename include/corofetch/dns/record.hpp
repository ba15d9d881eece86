#pragma once

#include <asio/ip/address_v4.hpp>
#include <asio/ip/address_v6.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace corofetch::dns {

/// A record type (RFC 1035 3.2.2). The names below are the types whose data is converted into
/// the structs of record_data; any other 16-bit value is a valid type too (RFC 3597: TYPE65),
/// written with a cast (`static_cast<record_type>(65)`), its data kept as unknown_data.
enum class record_type : std::uint16_t {
  a = 1,
  ns = 2,
  cname = 5,
  soa = 6,
  ptr = 12,
  mx = 15,
  txt = 16,
  aaaa = 28,
  srv = 33,
  any = 255,  ///< a query for every type the server has (RFC 1035 3.2.3 "*", RFC 8482)
  caa = 257,  ///< RFC 8659
};

/// "A", "AAAA", "MX", "CAA", ... as zone files and dig write the type; "TYPE65" (RFC 3597 5)
/// for a type without a name here.
[[nodiscard]] std::string to_string(record_type type);
/// The type named by `text` ("mx", "AAAA", "ANY", case-insensitive) or given by number as RFC
/// 3597 5 writes it ("TYPE65", 1 to 65535); nullopt for any other text.
[[nodiscard]] std::optional<record_type> parse_record_type(std::string_view text) noexcept;
/// True for the types whose data has a struct of its own in record_data (A ... SRV, CAA).
[[nodiscard]] bool has_known_data(record_type type) noexcept;

// Domain names below are kept as c-ares gives them: without the trailing dot, escaped as RFC
// 1035 5.1 presentation form where a label holds a dot or an unprintable byte.

struct a_data {
  asio::ip::address_v4 address;
};
struct aaaa_data {
  asio::ip::address_v6 address;
};
struct ns_data {
  std::string host;
};
struct cname_data {
  std::string target;
};
struct ptr_data {
  std::string host;
};
/// RFC 1035 3.3.9: a lower preference is tried first.
struct mx_data {
  std::uint16_t preference = 0;
  std::string exchange;
};
/// RFC 1035 3.3.14: one or more character-strings, bytes as received.
struct txt_data {
  std::vector<std::string> strings;
};
/// RFC 1035 3.3.13.
struct soa_data {
  std::string mname;
  std::string rname;
  std::uint32_t serial = 0;
  std::uint32_t refresh = 0;
  std::uint32_t retry = 0;
  std::uint32_t expire = 0;
  std::uint32_t minimum = 0;
};
/// RFC 2782.
struct srv_data {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  std::string target;
};

/// RFC 8659 4: an issuer-critical flag (128) and a tag/value property.
struct caa_data {
  std::uint8_t flags = 0;
  std::string tag;    ///< "issue", "issuewild", "iodef", ...
  std::string value;  ///< bytes as received
};
/// The data of a type without a struct here, kept as received (RFC 3597 3).
struct unknown_data {
  std::vector<std::uint8_t> rdata;
};

using record_data = std::variant<a_data, aaaa_data, ns_data, cname_data, ptr_data, mx_data,
                                 txt_data, soa_data, srv_data, caa_data, unknown_data>;

/// One resource record of an answer, class IN.
struct record {
  std::string name;  ///< owner name, without the trailing dot
  record_type type = record_type::a;
  std::uint32_t ttl = 0;  ///< seconds; from the cache, what remains of it
  record_data data;
};

/// The RDATA in zone-file presentation form (RFC 1035 5.1), as dig prints it: "10 mail.example."
/// for MX, "\"v=spf1 -all\"" for TXT (quotes, '"' and '\\' escaped, other bytes outside
/// printable ASCII as \DDD), names with their trailing dot; CAA as "0 issue \"ca.example\""
/// (RFC 8659 4.1.1); unknown data in RFC 3597 5's generic form, "\\# 3 0A0B0C", its hex in
/// words of 28 bytes as dig writes it.
[[nodiscard]] std::string to_presentation(const record_data& data);

/// "name. TTL IN TYPE data", one line of a zone file (no newline).
[[nodiscard]] std::string to_zone_line(const record& r);

/// Puts the records of an answer in the order they are to be tried: MX by preference (RFC 5321
/// 5.1), SRV by priority, then by weight, the heavier first (RFC 2782: the one most likely
/// chosen first); the others, and records of different owners or types, keep their order.
void sort_by_preference(std::vector<record>& records);

/// A name with exactly one trailing dot ("" becomes "."), as presentation form writes names.
[[nodiscard]] std::string fully_qualified(std::string_view name);

}  // namespace corofetch::dns
