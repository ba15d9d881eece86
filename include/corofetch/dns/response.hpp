#pragma once

#include <corofetch/dns/record.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::dns {

/// The EDNS0 OPT pseudo-record of a message (RFC 6891 6.1.3).
struct edns_info {
  std::uint16_t udp_payload = 0;  ///< the sender's UDP payload size (the OPT record's CLASS)
  std::uint8_t extended_rcode = 0;
  std::uint8_t version = 0;
  std::uint16_t flags = 0;  ///< DO is 0x8000 (RFC 3225)
  std::size_t option_bytes = 0;
};

/// A whole DNS response as received (RFC 1035 4.1): its header, its first question and its
/// three sections. Records of class IN are converted (see record_data); records of another
/// class, and OPT, are counted in `skipped` only (OPT also fills `edns`).
struct response {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;      ///< QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE as on the wire
  std::uint16_t questions = 0;  ///< QDCOUNT
  /// ANCOUNT, NSCOUNT, ARCOUNT as on the wire (skipped records and OPT included).
  std::uint16_t answer_count = 0;
  std::uint16_t authority_count = 0;
  std::uint16_t additional_count = 0;
  std::string question_name;  ///< presentation form, no trailing dot ("" for the root)
  std::uint16_t question_type = 0;
  std::uint16_t question_class = 0;
  std::vector<record> answer;
  std::vector<record> authority;
  std::vector<record> additional;
  std::size_t skipped = 0;
  std::optional<edns_info> edns;

  [[nodiscard]] unsigned rcode() const noexcept { return flags & 0x000fU; }
  [[nodiscard]] unsigned opcode() const noexcept { return (flags >> 11U) & 0x000fU; }
  [[nodiscard]] bool authoritative() const noexcept { return (flags & 0x0400U) != 0; }
  [[nodiscard]] bool truncated() const noexcept { return (flags & 0x0200U) != 0; }
  [[nodiscard]] bool recursion_desired() const noexcept { return (flags & 0x0100U) != 0; }
  [[nodiscard]] bool recursion_available() const noexcept { return (flags & 0x0080U) != 0; }
};

/// "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", ... as dig writes an
/// RCODE (RFC 1035 4.1.1, RFC 6895 2.3); "RCODE12" for one without a name.
[[nodiscard]] std::string rcode_name(unsigned rcode);

/// The header flags that are set, as dig lists them: "qr aa tc rd ra ad cd".
[[nodiscard]] std::string flag_names(std::uint16_t flags);

/// The answer to `name` and `type` read out of an answer section: the CNAMEs followed from
/// `name`, in order (RFC 1034 3.6.2, 4.3.2 step 3.a), and the records of `type` (every record,
/// for record_type::any) owned by the name the chain ends at.
struct cname_chain {
  std::vector<record> cnames;
  std::vector<record> records;
  std::string final_name;  ///< the name the chain ends at (`name` when there is no CNAME)
  /// errc::resolution_loop when a CNAME leads back to a name of the chain; otherwise empty.
  std::error_code error;
};

/// Follows the CNAMEs of `answer` from `name` (owner names compared ASCII case-insensitively,
/// RFC 4343). A chain that comes back to a name it passed is errc::resolution_loop, never a
/// negative answer. Records off the chain are ignored.
[[nodiscard]] cname_chain follow_cnames(const std::vector<record>& answer, std::string_view name,
                                        record_type type);

}  // namespace corofetch::dns
