#pragma once

#include <corofetch/result.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::dns::detail {

/// One resource record as our reader sees it: the fields c-ares' parse functions do not give
/// back (owner name, TTL), and where its RDATA is. The owner name is only checked here and
/// decoded on demand (name_at), so reading a message allocates one vector per section.
struct rr_view {
  std::uint32_t name_offset = 0;  ///< where the owner name starts (name_at() decodes it)
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;
  std::uint32_t ttl = 0;  ///< RFC 2181 8: a value with the top bit set reads as 0
  std::uint32_t rdata_offset = 0;
  std::uint16_t rdata_length = 0;
};

/// The parts of a DNS message (RFC 1035 4.1) the resolver reads itself.
struct message_view {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;            ///< QR, opcode, AA, TC, RD, RA, Z, RCODE as on the wire
  std::uint32_t question_offset = 0;  ///< where the first question's name starts
  std::uint16_t question_type = 0;
  std::vector<rr_view> answers;
  std::vector<rr_view> authority;

  [[nodiscard]] unsigned rcode() const noexcept { return flags & 0x000fU; }
  [[nodiscard]] bool truncated() const noexcept { return (flags & 0x0200U) != 0; }
};

/// Reads the header, the first question, the answer and the authority sections. Bounded and
/// safe on any bytes: names over 255 bytes, labels over 63, compression pointers that do not
/// point strictly backwards (loops), records running past the end all give
/// errc::malformed_answer. The additional section is not read.
[[nodiscard]] result<message_view> read_message(std::span<const std::uint8_t> message);

/// How much of a message read_message() reads.
enum class message_part : std::uint8_t {
  answers,                ///< header, question and answer section: what a positive answer needs
  answers_and_authority,  ///< and the authority section (the SOA of NXDOMAIN/NODATA)
};

/// read_message() into `view`, reusing its vectors' storage (no allocation once they are large
/// enough), reading the authority section only when `part` asks for it (`view.authority` is left
/// empty otherwise). False when malformed, with the same checks as read_message().
[[nodiscard]] bool read_message(std::span<const std::uint8_t> message, message_part part,
                                message_view& view);

/// The domain name at `offset`, decompressed, dot-joined, in the case it was written, escaped as
/// RFC 1035 5.1 presentation form ('.' and '\\' in a label, bytes outside 0x21-0x7e as \DDD),
/// no trailing dot ("" is the root); nullopt when malformed. `offset` is advanced past the name
/// as it is written at that place.
[[nodiscard]] std::optional<std::string> read_name(std::span<const std::uint8_t> message,
                                                   std::size_t& offset);

/// read_name() of a name read_message() already checked (an owner or question offset); "" if
/// it does not decode.
[[nodiscard]] std::string name_at(std::span<const std::uint8_t> message, std::uint32_t offset);

/// The wire form (RFC 1035 3.1: length-prefixed labels, then a zero byte) of `presentation`, a
/// name in presentation form (one trailing dot allowed, "" or "." for the root), written into
/// `out`. False when the name has a byte presentation form escapes (outside 0x21-0x7e, or
/// '\\'), an empty label, a label over 63 bytes or over 255 bytes in all (`out` is then
/// unspecified). A message holding exactly these bytes at some offset holds that name there, so
/// name_at() would give back `presentation` without its dot: the resolver compares the question
/// with the name it asked instead of decoding it.
[[nodiscard]] bool plain_wire_name(std::string& out, std::string_view presentation);

/// The negative-answer TTL of RFC 2308 5: min(TTL, MINIMUM) of the first SOA record in the
/// authority section; nullopt when there is none or its RDATA is malformed.
[[nodiscard]] std::optional<std::uint32_t> negative_ttl(std::span<const std::uint8_t> message,
                                                        const message_view& view);

}  // namespace corofetch::dns::detail
