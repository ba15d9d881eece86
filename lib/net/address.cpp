#include <corofetch/net/address.hpp>

#include <algorithm>

namespace corofetch::net {
namespace {

constexpr std::array<std::uint8_t, 12> v4_mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict dotted decimal into out[0..4). RFC 791 gives no text form; this is the one every
// tool prints, without inet_aton's shorthands.
std::error_code parse_v4_into(std::string_view text, std::uint8_t* out) noexcept {
  std::size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') return errc::ipv4_invalid;
      ++pos;
    }
    const std::size_t begin = pos;
    unsigned value = 0;
    while (pos < text.size() && is_digit(text[pos]) && pos - begin < 3) {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      ++pos;
    }
    const std::size_t length = pos - begin;
    if (length == 0 || value > 255) return errc::ipv4_invalid;
    if (pos < text.size() && is_digit(text[pos])) return errc::ipv4_invalid;  // a 4th digit
    if (length > 1 && text[begin] == '0') return errc::ipv4_leading_zero;
    out[part] = static_cast<std::uint8_t>(value);
  }
  if (pos != text.size()) return errc::ipv4_invalid;
  return {};
}

// RFC 4291 2.2: groups are read into pieces; "::" marks where the zero groups go.
struct v6_reader {
  std::string_view text;
  std::array<std::uint16_t, 8> pieces{};
  std::size_t count = 0;            // pieces written
  std::ptrdiff_t compress_at = -1;  // piece index where "::" was
  std::size_t pos = 0;

  std::error_code read() noexcept {
    if (text.find('%') != std::string_view::npos) return errc::ipv6_zone_unsupported;
    if (text.starts_with("::")) {
      compress_at = 0;
      pos = 2;
      if (pos == text.size()) return {};
    } else if (text.starts_with(":")) {
      return errc::ipv6_invalid;
    }
    while (pos < text.size()) {
      if (count == 8) return errc::ipv6_invalid;
      if (auto ec = read_group(); ec) return ec;
      if (pos == text.size()) break;
      ++pos;  // the ':' read_group stopped at
      if (pos < text.size() && text[pos] == ':') {
        if (compress_at >= 0) return errc::ipv6_invalid;  // a second "::"
        compress_at = static_cast<std::ptrdiff_t>(count);
        ++pos;
      } else if (pos == text.size()) {
        return errc::ipv6_invalid;  // a trailing single ':'
      }
    }
    if (compress_at < 0 ? count != 8 : count == 8) return errc::ipv6_invalid;
    return {};
  }

  // One group of 1-4 hex digits, or the embedded IPv4 address that ends the text.
  std::error_code read_group() noexcept {
    const std::size_t begin = pos;
    unsigned value = 0;
    while (pos < text.size() && hex_value(text[pos]) >= 0 && pos - begin < 5) {
      value = value * 16 + static_cast<unsigned>(hex_value(text[pos]));
      ++pos;
    }
    if (pos < text.size() && text[pos] == '.') return read_embedded_v4(begin);
    if (pos == begin || pos - begin > 4) return errc::ipv6_invalid;
    if (pos < text.size() && text[pos] != ':') return errc::ipv6_invalid;
    pieces[count++] = static_cast<std::uint16_t>(value);
    return {};
  }

  std::error_code read_embedded_v4(std::size_t begin) noexcept {
    if (count > 6) return errc::ipv6_invalid;
    std::array<std::uint8_t, 4> v4{};
    if (auto ec = parse_v4_into(text.substr(begin), v4.data()); ec) return ec;
    pieces[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
    pieces[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
    pos = text.size();
    return {};
  }

  [[nodiscard]] ip_address::v6_bytes bytes() const noexcept {
    std::array<std::uint16_t, 8> out{};
    const std::size_t head = compress_at < 0 ? count : static_cast<std::size_t>(compress_at);
    for (std::size_t i = 0; i < head; ++i) out[i] = pieces[i];
    const std::size_t tail = count - head;
    for (std::size_t i = 0; i < tail; ++i) out[8 - tail + i] = pieces[head + i];
    ip_address::v6_bytes b{};
    for (std::size_t i = 0; i < 8; ++i) {
      b[2 * i] = static_cast<std::uint8_t>(out[i] >> 8);
      b[2 * i + 1] = static_cast<std::uint8_t>(out[i] & 0xff);
    }
    return b;
  }
};

char* write_decimal(char* out, unsigned value) noexcept {
  if (value >= 100) *out++ = static_cast<char>('0' + value / 100);
  if (value >= 10) *out++ = static_cast<char>('0' + value / 10 % 10);
  *out++ = static_cast<char>('0' + value % 10);
  return out;
}

char* write_v4(char* out, const std::uint8_t* b) noexcept {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) *out++ = '.';
    out = write_decimal(out, b[i]);
  }
  return out;
}

char* write_hex_group(char* out, unsigned value) noexcept {
  constexpr const char* digits = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned nibble = (value >> static_cast<unsigned>(shift)) & 0xfU;
    if (nibble != 0 || started || shift == 0) {
      *out++ = digits[nibble];
      started = true;
    }
  }
  return out;
}

// RFC 5952 4.2: the longest run of two or more zero groups, the first one on a tie.
std::pair<int, int> longest_zero_run(const std::array<unsigned, 8>& groups) noexcept {
  int best_begin = -1;
  int best_length = 1;
  for (int i = 0; i < 8;) {
    if (groups[static_cast<std::size_t>(i)] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[static_cast<std::size_t>(j)] == 0) ++j;
    if (j - i > best_length) {
      best_begin = i;
      best_length = j - i;
    }
    i = j;
  }
  return {best_begin, best_begin < 0 ? 0 : best_length};
}

}  // namespace

bool ip_address::is_v4_mapped() const noexcept {
  return is_v6() && std::equal(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), bytes_.begin());
}

ip_address ip_address::unmapped() const noexcept {
  if (!is_v4_mapped()) return *this;
  return v4(v4_bytes{bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

ip_address ip_address::to_v6_mapped() const noexcept {
  if (is_v6()) return *this;
  v6_bytes b{};
  std::copy(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), b.begin());
  std::copy_n(bytes_.begin(), 4, b.begin() + 12);
  return v6(b);
}

char* ip_address::format_to(char* out) const noexcept {
  if (is_v4()) return write_v4(out, bytes_.data());
  if (is_v4_mapped()) {
    constexpr std::string_view prefix = "::ffff:";
    out = std::copy(prefix.begin(), prefix.end(), out);
    return write_v4(out, bytes_.data() + 12);
  }
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) {
    groups[i] = static_cast<unsigned>(bytes_[2 * i]) << 8 | bytes_[2 * i + 1];
  }
  const auto [zero_begin, zero_length] = longest_zero_run(groups);
  for (int i = 0; i < 8; ++i) {
    if (i == zero_begin) {
      *out++ = ':';
      *out++ = ':';
      i += zero_length - 1;
      continue;
    }
    if (i > 0 && i != zero_begin + zero_length) *out++ = ':';
    out = write_hex_group(out, groups[static_cast<std::size_t>(i)]);
  }
  return out;
}

std::string ip_address::to_string() const {
  std::array<char, max_text_length> buffer{};
  const char* end = format_to(buffer.data());
  return std::string(static_cast<const char*>(buffer.data()), end);
}

result<ip_address> parse_ipv4(std::string_view text) noexcept {
  ip_address::v4_bytes b{};
  if (auto ec = parse_v4_into(text, b.data()); ec) return ec;
  return ip_address::v4(b);
}

result<ip_address> parse_ipv6(std::string_view text) noexcept {
  v6_reader reader{text};
  if (auto ec = reader.read(); ec) return ec;
  return ip_address::v6(reader.bytes());
}

result<ip_address> parse_address(std::string_view text) noexcept {
  if (text.empty()) return errc::address_invalid;
  if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
  return parse_ipv4(text);
}

asio::ip::address to_asio(const ip_address& a) noexcept {
  if (a.is_v4()) return asio::ip::address_v4(a.to_v4_uint());
  asio::ip::address_v6::bytes_type b{};
  std::copy_n(a.bytes().begin(), 16, b.begin());
  return asio::ip::address_v6(b);
}

ip_address from_asio(const asio::ip::address& a) noexcept {
  if (a.is_v4()) return ip_address::v4(a.to_v4().to_uint());
  const auto b = a.to_v6().to_bytes();
  ip_address::v6_bytes out{};
  std::copy(b.begin(), b.end(), out.begin());
  return ip_address::v6(out);
}

}  // namespace corofetch::net

std::size_t std::hash<corofetch::net::ip_address>::operator()(
    const corofetch::net::ip_address& a) const noexcept {
  // FNV-1a over the family and the bytes: cheap, and spreads addresses that differ in any byte.
  std::uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](std::uint8_t byte) {
    h ^= byte;
    h *= 1099511628211ULL;
  };
  mix(static_cast<std::uint8_t>(a.family()));
  for (std::uint8_t byte : a.bytes()) mix(byte);
  return static_cast<std::size_t>(h);
}
