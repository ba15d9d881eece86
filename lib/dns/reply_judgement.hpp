#pragma once

// What an iterative resolver takes from one authoritative server's reply, and what it must not
// take: RFC 1034 5.3.3 step 4 (answer, referral, CNAME, negative answer, or a server to skip),
// with the bailiwick rule of RFC 2181 5.4.1: a server is trusted only for names in the zone it
// was asked as an authority for. Pure logic, no I/O.
#include "dns/full_message.hpp"

#include <corofetch/dns/trace.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace corofetch::dns::detail {

/// The verdict on one reply.
struct reply_judgement {
  step_outcome outcome = step_outcome::lame;
  /// lame: why (errc::lame_delegation for a reply without authority, refused, servfail,
  /// format_error, not_implemented, other); nxdomain, nodata: errc::nxdomain, errc::nodata.
  std::error_code error;
  /// answer, cname, nxdomain, nodata: the in-bailiwick CNAMEs from the name asked, in order,
  /// then (answer) the records of the type asked.
  std::vector<record> records;
  /// cname: the name to go on with; nxdomain, nodata: the name the negative answer is for.
  std::string final_name;
  /// nxdomain, nodata: min(SOA TTL, SOA MINIMUM) of an in-bailiwick SOA (RFC 2308 5).
  std::optional<std::uint32_t> negative_ttl;
  /// referral: the zone below (canonical) and its name servers' host names, in reply order.
  std::string child_zone;
  std::vector<std::string> name_servers;
  std::uint32_t name_server_ttl = 0;  ///< the smallest TTL of the NS set
  /// referral, and an answer of NS records: the additional section's A/AAAA records of those
  /// name servers that are within the bailiwick (glue, RFC 1034 4.2.1); others are ignored.
  std::vector<record> glue;
};

/// Judges `reply` from a server asked about `question_name`/`question_type` as an authority for
/// `zone` (canonical; the question name in any case, RFC 4343). In order: an error RCODE is lame
/// (the next server is asked); the answer section is followed from the name asked through
/// in-bailiwick CNAMEs (records outside `zone` ignored); authoritative data of the type is an
/// answer, an authoritative chain ending in a CNAME is `cname`; NS records for a zone strictly
/// below `zone` and at or above the name are a referral, whatever the AA bit; then NXDOMAIN and
/// NODATA need AA; anything else (no AA, a referral up or sideways) is lame.
[[nodiscard]] reply_judgement judge_reply(const full_message& reply, const std::string& zone,
                                          const std::string& question_name,
                                          record_type question_type);

}  // namespace corofetch::dns::detail
