#pragma once
// The dot-terminated data blocks of SMTP (RFC 5321 4.5.2, DATA) and NNTP (RFC 3977 3.1.1,
// multi-line responses): lines end in CRLF, a line that starts with '.' gets one more '.', and a
// line holding a single '.' ends the block.

#include "textproto/line_session.hpp"

#include <corofetch/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include <asio/awaitable.hpp>

namespace corofetch::textproto {

/// `message` as a block to send: every line ending (CRLF, a bare LF or a bare CR) becomes CRLF,
/// a final line without one gets one, lines that start with '.' are dot-stuffed, and ".\r\n"
/// ends the block.
[[nodiscard]] std::string dot_stuff(std::string_view message);

/// Reads a block up to its terminating ".": the lines un-stuffed, each ending in CRLF.
/// `too_large` when the block passes max_bytes.
asio::awaitable<result<std::string>> read_dot_block(line_session& session, std::size_t max_bytes,
                                                    std::error_code too_large);

}  // namespace corofetch::textproto
