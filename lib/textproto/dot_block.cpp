#include "textproto/dot_block.hpp"

namespace corofetch::textproto {

std::string dot_stuff(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 32 + 5);
  bool line_start = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') ++i;
      out.append("\r\n");
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out.push_back('.');
    out.push_back(c);
    line_start = false;
  }
  if (!line_start) out.append("\r\n");
  out.append(".\r\n");
  return out;
}

asio::awaitable<result<std::string>> read_dot_block(line_session& session, std::size_t max_bytes,
                                                    std::error_code too_large) {
  std::string block;
  for (;;) {
    auto line = co_await session.read_line();
    if (!line) co_return line.error();
    if (*line == ".") co_return block;
    std::string_view text = *line;
    if (!text.empty() && text.front() == '.') text.remove_prefix(1);
    if (block.size() + text.size() + 2 > max_bytes) co_return too_large;
    block.append(text).append("\r\n");
  }
}

}  // namespace corofetch::textproto
