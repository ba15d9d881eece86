#include <corofetch/smtp/reply.hpp>

#include "textproto/dot_block.hpp"

#include <cctype>

namespace corofetch::smtp {
namespace {

// "NNN" with the first digit 2..5 (RFC 5321 4.2: 1yz is not used in SMTP); -1 otherwise.
int code_of(std::string_view line) noexcept {
  if (line.size() < 3) return -1;
  for (std::size_t i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return -1;
  }
  if (line[0] < '2' || line[0] > '5') return -1;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string reply::summary() const {
  std::string s = std::to_string(code);
  if (!lines.empty() && !lines.front().empty()) s.append(" ").append(lines.front());
  return s;
}

bool reply::has_extension(std::string_view keyword) const {
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    const auto space = line.find(' ');
    if (iequals(line.substr(0, space), keyword)) return true;
  }
  return false;
}

result<std::optional<reply>> reply_reader::feed(std::string_view line) {
  const int code = code_of(line);
  const bool continued = partial_.code != 0;
  const bool bad_separator = line.size() > 3 && line[3] != ' ' && line[3] != '-';
  if (code < 0 || bad_separator || (continued && code != partial_.code)) {
    partial_ = reply{};
    return errc::malformed_reply;
  }
  if (partial_.lines.size() >= max_lines_) {
    partial_ = reply{};
    return errc::reply_too_long;
  }
  partial_.code = code;
  partial_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
  if (line.size() > 3 && line[3] == '-') return std::optional<reply>();
  reply done = std::move(partial_);
  partial_ = reply{};
  return std::optional<reply>(std::move(done));
}

std::string encode_data(std::string_view message) {
  return textproto::dot_stuff(message);
}

}  // namespace corofetch::smtp
