#include "textproto/line_session.hpp"

#include <array>
#include <utility>

#include <asio/error.hpp>

namespace corofetch::textproto {

line_session::line_session(net::stream stream, session_errors errors, std::size_t max_line)
    : stream_(std::move(stream)), errors_(errors), max_line_(max_line) {}

asio::awaitable<result<std::string>> line_session::read_line() {
  std::array<char, 4096> chunk{};
  for (;;) {
    const auto lf = buffer_.find('\n', begin_);
    if (lf != std::string::npos) {
      std::size_t end = lf;
      if (end > begin_ && buffer_[end - 1] == '\r') --end;
      std::string line = buffer_.substr(begin_, end - begin_);
      begin_ = lf + 1;
      if (begin_ == buffer_.size()) {
        buffer_.clear();
        begin_ = 0;
      }
      co_return line;
    }
    if (buffer_.size() - begin_ > max_line_) co_return errors_.line_too_long;
    if (begin_ > 0) {
      buffer_.erase(0, begin_);
      begin_ = 0;
    }
    auto r = co_await read_some_before(stream_, asio::buffer(chunk), deadline_, errors_.timeout);
    if (r.error == asio::error::eof || r.error == net::errc::tls_stream_truncated) {
      co_return errors_.closed;
    }
    if (r.error) co_return r.error;
    buffer_.append(chunk.data(), r.bytes);
  }
}

asio::awaitable<std::error_code> line_session::write(std::string bytes) {
  auto r = co_await write_before(stream_, asio::buffer(bytes), deadline_, errors_.timeout);
  co_return r.error;
}

}  // namespace corofetch::textproto
