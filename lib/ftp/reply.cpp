#include <corofetch/ftp/reply.hpp>

#include <array>
#include <cctype>
#include <charconv>

namespace corofetch::ftp {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// "NNN" with the first digit 1..5 (RFC 959 4.2.1); -1 otherwise.
int code_of(std::string_view line) noexcept {
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return -1;
  if (line[0] < '1' || line[0] > '5') return -1;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

template <class Int>
bool parse_number(std::string_view text, Int& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

}  // namespace

std::string reply::summary() const {
  const auto nl = text.find('\n');
  return std::to_string(code) + " " + text.substr(0, nl);
}

result<std::optional<reply>> reply_reader::feed(std::string_view line) {
  if (lines_ > 0) {  // inside a multi-line reply: only "NNN " with the same code ends it
    if (++lines_ > max_lines_) {
      lines_ = 0;
      return errc::reply_too_long;
    }
    if (code_of(line) == partial_.code && line.size() >= 4 && line[3] == ' ') {
      partial_.text.append("\n").append(line.substr(4));
      lines_ = 0;
      return std::optional<reply>(std::move(partial_));
    }
    partial_.text.append("\n").append(line);
    return std::optional<reply>();
  }
  const int code = code_of(line);
  if (code < 0) return errc::malformed_reply;
  if (line.size() == 3) return std::optional<reply>(reply{code, {}});
  if (line[3] == ' ') return std::optional<reply>(reply{code, std::string(line.substr(4))});
  if (line[3] != '-') return errc::malformed_reply;
  partial_ = reply{code, std::string(line.substr(4))};
  lines_ = 1;
  return std::optional<reply>();
}

result<std::uint16_t> parse_epsv(const reply& r) {
  // "(<d><d><d><port><d>)": the three delimiters, the port, the delimiter (RFC 2428 3).
  const auto open = r.text.find('(');
  const auto close = r.text.find(')', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return errc::malformed_reply;
  const std::string_view inside = std::string_view(r.text).substr(open + 1, close - open - 1);
  if (inside.size() < 5) return errc::malformed_reply;
  const char d = inside[0];
  if (d < 33 || d > 126 || inside[1] != d || inside[2] != d || inside.back() != d) {
    return errc::malformed_reply;
  }
  std::uint16_t port = 0;
  if (!parse_number(inside.substr(3, inside.size() - 4), port) || port == 0) {
    return errc::malformed_reply;
  }
  return port;
}

result<pasv_endpoint> parse_pasv(const reply& r) {
  // The six numbers are the first run of digits and commas that holds exactly five commas.
  const std::string_view text = r.text;
  for (std::size_t start = 0; start < text.size(); ++start) {
    if (!is_digit(text[start]) || (start > 0 && is_digit(text[start - 1]))) continue;
    std::size_t end = start;
    while (end < text.size() && (is_digit(text[end]) || text[end] == ',')) ++end;
    std::string_view run = text.substr(start, end - start);
    std::array<unsigned, 6> n{};
    std::size_t i = 0;
    bool ok = true;
    while (ok && i < n.size()) {
      const auto comma = run.find(',');
      ok = parse_number(run.substr(0, comma), n[i]) && n[i] <= 255;
      ++i;
      if (comma == std::string_view::npos) break;
      run.remove_prefix(comma + 1);
    }
    if (!ok || i != n.size()) continue;
    pasv_endpoint e;
    e.address = asio::ip::address_v4(asio::ip::address_v4::bytes_type{
        static_cast<unsigned char>(n[0]), static_cast<unsigned char>(n[1]),
        static_cast<unsigned char>(n[2]), static_cast<unsigned char>(n[3])});
    e.port = static_cast<std::uint16_t>(n[4] * 256 + n[5]);
    if (e.port == 0) return errc::malformed_reply;
    return e;
  }
  return errc::malformed_reply;
}

result<std::uint64_t> parse_size(const reply& r) {
  std::uint64_t size = 0;
  if (r.code != 213 || !parse_number(std::string_view(r.text), size)) return errc::malformed_reply;
  return size;
}

}  // namespace corofetch::ftp
