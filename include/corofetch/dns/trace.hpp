#pragma once

#include <corofetch/dns/record.hpp>

#include <asio/ip/udp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::dns {

/// What the iterative resolver made of one server's reply (RFC 1034 5.3.3 step 4).
enum class step_outcome : std::uint8_t {
  answer,     ///< authoritative records of the type asked (after any CNAMEs in the same reply)
  cname,      ///< an authoritative CNAME whose target this server did not answer for
  referral,   ///< NS records of a zone below, with glue: ask that zone's servers next
  nxdomain,   ///< authoritative: the name does not exist (RFC 2308 2.1)
  nodata,     ///< authoritative: the name has no record of the type (RFC 2308 2.2)
  lame,       ///< no authority for the zone (AA clear, REFUSED, SERVFAIL, a referral up or
              ///< sideways, RFC 1034 4.2.2): the next server is asked
  truncated,  ///< TC over UDP: the same server is asked again over TCP (RFC 7766 5)
  failed,     ///< no usable reply (timeout, port closed, malformed): the next server is asked
};

/// "answer", "referral", ... as --json writes the outcome.
[[nodiscard]] std::string_view to_string(step_outcome outcome) noexcept;

/// How a query travelled.
enum class query_transport : std::uint8_t { udp, tcp };

/// One query of an iterative resolution and what came back: what dig +trace shows for each
/// step, and more (depth, outcome, the additional section).
struct trace_step {
  /// 0 for the name asked (and its CNAME targets), 1 and more while finding the address of a
  /// name server that came without glue (RFC 1034 5.3.3 step 4.c).
  std::size_t depth = 0;
  std::string zone;         ///< the zone the server was asked as an authority for ("" the root)
  std::string server_name;  ///< the name server's host name; "" when known by address only
  asio::ip::udp::endpoint server;
  std::string query_name;  ///< no trailing dot ("" for the root)
  record_type query_type = record_type::a;
  query_transport transport = query_transport::udp;
  std::chrono::microseconds elapsed{0};  ///< from sending the query to the reply (or the error)
  std::size_t bytes_received = 0;        ///< the reply's size, 0 when none came
  step_outcome outcome = step_outcome::failed;
  /// Why the reply was not used (lame, failed): errc::timeout, refused, servfail,
  /// lame_delegation, malformed_answer, connection_refused, ...; empty otherwise.
  std::error_code error;
  unsigned rcode = 0;  ///< the reply's RCODE (RFC 1035 4.1.1)
  bool authoritative = false;
  /// The reply's sections as received, records of the types record_type names (others, such as
  /// OPT, DS and RRSIG, are left out); glue and answers out of bailiwick included, though the
  /// resolver did not use them.
  std::vector<record> answer;
  std::vector<record> authority;
  std::vector<record> additional;
};

/// One step as dig +trace prints it: the answer and authority records in zone-file form, one a
/// line ("name.\tTTL\tIN\tTYPE\tdata"), then ";; Received N bytes from ADDR#PORT(SERVER) in T ms"
/// (SERVER: the host name, or the address when there is none), and an empty line. A step
/// without a reply has one comment line instead, with the error; a lame or truncated one has
/// a comment after its records; a step of depth 1 and more starts with a comment naming the
/// name server address it looks for. Ends with a newline.
[[nodiscard]] std::string to_dig_trace(const trace_step& step);

/// One record as dig prints it: the owner name, then the TTL, class, type and data at dig's
/// columns 24, 32, 40 and 48 (8-wide tabs up to each, one space when the line is already past
/// it): "www.example.\t\t300\tIN\tA\t192.0.2.1" (no newline).
[[nodiscard]] std::string to_dig_line(const record& r);

}  // namespace corofetch::dns
