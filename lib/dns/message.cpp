#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/error.hpp>

#include <algorithm>
#include <array>
#include <cstring>

namespace corofetch::dns::detail {
namespace {

constexpr std::size_t header_size = 12;
constexpr std::size_t max_name_wire = 255;  // RFC 1035 2.3.4
constexpr std::uint16_t type_soa = 6;

// A decoded name in presentation form: at most 255 wire bytes, each byte at most 4 characters
// (\DDD), so it always fits; built on the stack and copied into a string once.
struct name_buffer {
  std::array<char, 4 * max_name_wire> data;
  std::size_t size = 0;
};

bool decode_name(std::span<const std::uint8_t> m, std::size_t& offset, name_buffer* out);

std::uint16_t get16(std::span<const std::uint8_t> m, std::size_t at) noexcept {
  return static_cast<std::uint16_t>((m[at] << 8U) | m[at + 1]);
}

std::uint32_t get32(std::span<const std::uint8_t> m, std::size_t at) noexcept {
  return (std::uint32_t{m[at]} << 24U) | (std::uint32_t{m[at + 1]} << 16U) |
         (std::uint32_t{m[at + 2]} << 8U) | std::uint32_t{m[at + 3]};
}

// Presentation form of one label byte (RFC 1035 5.1) at `to`: '.' and '\\' escaped,
// unprintables \\DDD. Returns the end of what it wrote.
char* put_label_byte(char* to, std::uint8_t c) noexcept {
  if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
    *to++ = static_cast<char>(c);
  } else if (c == '.' || c == '\\') {
    *to++ = '\\';
    *to++ = static_cast<char>(c);
  } else {
    *to++ = '\\';
    *to++ = static_cast<char>('0' + c / 100);
    *to++ = static_cast<char>('0' + c / 10 % 10);
    *to++ = static_cast<char>('0' + c % 10);
  }
  return to;
}

// `question` is where the (already checked) question name starts, or 0 when there is none.
bool read_rr(std::span<const std::uint8_t> m, std::size_t& at, std::size_t question, rr_view& rr) {
  rr.name_offset = static_cast<std::uint32_t>(at);
  // Most owners are a pointer to the question name (RFC 1035 4.1.4), checked already: walking
  // it again would give the same verdict.
  if (question != 0 && m.size() - at >= 2 && m[at] == (0xc0U | (question >> 8U)) &&
      m[at + 1] == (question & 0xffU)) {
    at += 2;
  } else if (!decode_name(m, at, nullptr)) {
    return false;
  }
  if (m.size() - at < 10) return false;
  rr.type = get16(m, at);
  rr.rclass = get16(m, at + 2);
  const std::uint32_t ttl = get32(m, at + 4);
  rr.ttl = (ttl & 0x80000000U) != 0 ? 0 : ttl;  // RFC 2181 8
  rr.rdata_length = get16(m, at + 8);
  at += 10;
  if (m.size() - at < rr.rdata_length) return false;
  rr.rdata_offset = static_cast<std::uint32_t>(at);
  at += rr.rdata_length;
  return true;
}

bool read_section(std::span<const std::uint8_t> m, std::size_t& at, std::size_t question,
                  std::uint16_t count, std::vector<rr_view>& out) {
  // Every record takes at least 11 bytes, so a count the message cannot hold fails fast.
  if (count > (m.size() - at) / 11) return false;
  out.resize(count);
  for (auto& rr : out) {
    if (!read_rr(m, at, question, rr)) return false;
  }
  return true;
}

// Walks (and with `out`, decodes) the name at `offset`; false when malformed.
bool decode_name(std::span<const std::uint8_t> m, std::size_t& offset, name_buffer* out) {
  std::size_t at = offset;
  std::size_t limit = at;  // every pointer must point strictly before the previous jump
  std::size_t wire = 0;
  bool jumped = false;
  for (;;) {
    if (at >= m.size()) return false;
    const std::uint8_t len = m[at];
    if ((len & 0xc0U) == 0xc0U) {
      if (at + 1 >= m.size()) return false;
      const std::size_t target = ((len & 0x3fU) << 8U) | m[at + 1];
      if (target >= limit) return false;
      if (!jumped) offset = at + 2;
      jumped = true;
      limit = target;
      at = target;
      continue;
    }
    if ((len & 0xc0U) != 0) return false;  // 01 and 10 label types: reserved
    wire += 1U + len;
    if (wire > max_name_wire) return false;
    if (len == 0) {
      if (!jumped) offset = at + 1;
      return true;
    }
    if (m.size() - at - 1 < len) return false;
    if (out != nullptr) {
      // A local pointer: the size member is not reloaded after every char store.
      char* to = out->data.data() + out->size;
      if (wire > 1U + len) *to++ = '.';
      const auto* label = m.data() + at + 1;
      for (std::size_t i = 0; i < len; ++i) to = put_label_byte(to, label[i]);
      out->size = static_cast<std::size_t>(to - out->data.data());
    }
    at += 1U + len;
  }
}

}  // namespace

std::optional<std::string> read_name(std::span<const std::uint8_t> m, std::size_t& offset) {
  name_buffer out;
  if (!decode_name(m, offset, &out)) return std::nullopt;
  return std::string(out.data.data(), out.size);
}

std::string name_at(std::span<const std::uint8_t> m, std::uint32_t offset) {
  std::size_t at = offset;
  auto name = read_name(m, at);
  return name ? std::move(*name) : std::string{};
}

bool plain_wire_name(std::string& out, std::string_view p) {
  if (!p.empty() && p.back() == '.') p.remove_suffix(1);
  if (p.empty()) {  // the root: one zero byte
    out.assign(1, '\0');
    return true;
  }
  if (p.size() + 2 > max_name_wire) return false;
  out.resize(p.size() + 2);
  char* w = out.data();
  w[p.size() + 1] = '\0';
  // Every byte printable and unescaped: a branch-free loop the compiler can vectorize.
  unsigned bad = 0;
  for (const char ch : p) {
    const auto c = static_cast<unsigned char>(ch);
    bad |= static_cast<unsigned>(static_cast<unsigned char>(c - 0x21U) > 0x5dU) |
           static_cast<unsigned>(c == '\\');
  }
  if (bad != 0) return false;
  std::memcpy(w + 1, p.data(), p.size());
  // Each label's length goes where the dot before it (or the slot before the name) is.
  for (std::size_t start = 0;;) {
    const std::size_t dot = p.find('.', start);
    const std::size_t end = dot == std::string_view::npos ? p.size() : dot;
    const std::size_t len = end - start;
    if (len - 1 >= 63) return false;  // an empty label wraps around too
    w[start] = static_cast<char>(len);
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

result<message_view> read_message(std::span<const std::uint8_t> m) {
  message_view v;
  if (!read_message(m, message_part::answers_and_authority, v)) return errc::malformed_answer;
  return v;
}

bool read_message(std::span<const std::uint8_t> m, message_part part, message_view& v) {
  v.answers.clear();
  v.authority.clear();
  v.question_offset = 0;  // as a fresh view: a reused one keeps nothing of the last message
  v.question_type = 0;
  if (m.size() < header_size) return false;
  v.id = get16(m, 0);
  v.flags = get16(m, 2);
  const std::uint16_t qdcount = get16(m, 4);
  const std::uint16_t ancount = get16(m, 6);
  const std::uint16_t nscount = get16(m, 8);
  std::size_t at = header_size;
  for (std::uint16_t q = 0; q < qdcount; ++q) {
    const std::size_t start = at;
    if (!decode_name(m, at, nullptr) || m.size() - at < 4) return false;
    if (q == 0) {
      v.question_offset = static_cast<std::uint32_t>(start);
      v.question_type = get16(m, at);
    }
    at += 4;
  }
  // A pointer can reach the question's name only at its start (0x3fff at most) and only when
  // there is one: else no owner takes the shortcut.
  const std::size_t question = qdcount > 0 && v.question_offset <= 0x3fffU ? v.question_offset : 0;
  if (!read_section(m, at, question, ancount, v.answers)) return false;
  if (part == message_part::answers) return true;
  return read_section(m, at, question, nscount, v.authority);
}

std::optional<std::uint32_t> negative_ttl(std::span<const std::uint8_t> m,
                                          const message_view& view) {
  for (const auto& rr : view.authority) {
    if (rr.type != type_soa) continue;
    const std::size_t end = std::size_t{rr.rdata_offset} + rr.rdata_length;
    std::size_t at = rr.rdata_offset;
    if (end > m.size()) return std::nullopt;
    const auto bounded = m.first(end);
    if (!decode_name(bounded, at, nullptr) || !decode_name(bounded, at, nullptr))
      return std::nullopt;                    // MNAME RNAME
    if (end - at != 20) return std::nullopt;  // SERIAL REFRESH RETRY EXPIRE MINIMUM
    const std::uint32_t raw_minimum = get32(m, at + 16);
    const std::uint32_t minimum = (raw_minimum & 0x80000000U) != 0 ? 0 : raw_minimum;
    return std::min(rr.ttl, minimum);
  }
  return std::nullopt;
}

}  // namespace corofetch::dns::detail
