// HTTP/1.1 exchanges. This is the hot path of a keep-alive request: no allocation of its own in
// steady state (the request buffer, the read buffer and the parser are reused) and no timer
// system call (the stream's deadline is re-armed lazily, net/stream.hpp).

#include <corofetch/http/syntax.hpp>

#include "client/http1_exchange.hpp"

#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <span>
#include <utility>

namespace corofetch::client::detail {

http1_exchange::http1_exchange(net::stream s)
    : stream_(std::move(s)), in_(std::make_unique<char[]>(read_buffer_size)) {}

void http1_exchange::close() noexcept {
  stream_.expires_never();
  stream_.close();
}

bool http1_exchange::broken_while_idle() noexcept {
  // A TLS connection may hold a late record (a TLS 1.3 session ticket) for the TLS layer, so
  // only a plain one is broken by unsolicited bytes.
  char byte = 0;
  const ssize_t n = ::recv(stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;
  if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  return !stream_.is_tls();
}

// The pieces the last parse() produced, and the head once it is complete.
std::error_code http1_exchange::take_parsed(response_receiver& rx) {
  if (!rx.head_done() && parser_.head_complete()) {
    if (auto ec = rx.on_head(parser_.head()); ec) return ec;
  }
  for (std::string_view piece : parser_.body_pieces()) {
    if (auto ec = rx.on_body(piece); ec) return ec;
  }
  return {};
}

// The server closed the connection: fine for a body that ends at close (RFC 9112 6.3 rule 8),
// a truncation otherwise (never a success), empty_response when nothing arrived.
std::error_code http1_exchange::take_end(response_receiver& rx) {
  if (auto end = parser_.finish(); end) return end;
  if (!rx.head_done()) {
    if (auto ec = rx.on_head(parser_.head()); ec) return ec;
  }
  for (std::string_view piece : parser_.body_pieces()) {
    if (auto ec = rx.on_body(piece); ec) return ec;
  }
  return {};
}

asio::awaitable<exchange_outcome> http1_exchange::async_exchange(const exchange_request& r,
                                                                 response_receiver& rx) {
  exchange_outcome result;
  // The message is serialized before the first suspension (exchange_request::message).
  out_.clear();
  if (auto ec = http::serialize_to(r.message, out_, r.serialize); ec) {
    result.error = ec;
    result.reusable = true;  // nothing was written
    co_return result;
  }
  if (r.options.on_request_head) {
    const auto end = out_.find("\r\n\r\n");
    r.options.on_request_head(
        std::string_view(out_).substr(0, end == std::string::npos ? end : end + 4));
  }
  const auto& to = r.options.timeouts;
  auto bound = bound_phase(to.response_head, errc::response_head_timeout, r.total_deadline);
  stream_.expires_at(bound.deadline, bound.code);
  rx.mark_start();

  const asio::const_buffer request_bytes = asio::buffer(out_);
  const net::io_result written =
      co_await stream_.async_write(std::span<const asio::const_buffer>(&request_bytes, 1));
  if (written.error) {
    result.error = written.error;
    co_return result;
  }
  rx.mark_sent();

  parser_.expect(r.req.method);
  const asio::mutable_buffer buffer(in_.get(), read_buffer_size);
  for (;;) {
    const net::io_result got = co_await stream_.async_read_some(buffer);
    if (got.error) {
      const bool clean_end =
          got.error == asio::error::eof ||
          (got.error == net::errc::tls_stream_truncated && result.any_response_byte);
      result.error = clean_end ? take_end(rx) : got.error;
      if (result.error) co_return result;
      break;
    }
    if (!result.any_response_byte) {
      result.any_response_byte = true;
      rx.mark_first_byte();
    }
    auto consumed = parser_.parse(std::string_view(in_.get(), got.bytes));
    if (!consumed) {
      result.error = consumed.error();
      co_return result;
    }
    if (auto ec = take_parsed(rx); ec) {
      result.error = ec;
      co_return result;
    }
    if (rx.abandoned()) break;
    if (parser_.complete()) {
      // Bytes after a complete response were not asked for (no pipelining): the connection's
      // framing can no longer be trusted.
      result.reusable = parser_.keep_alive() && *consumed == got.bytes;
      break;
    }
    if (rx.head_done()) {
      bound = bound_phase(to.body_idle, errc::body_idle_timeout, r.total_deadline);
      stream_.expires_at(bound.deadline, bound.code);
    }
  }
  stream_.expires_never();
  if (auto ec = rx.on_end(parser_.trailers()); ec) {
    result.error = ec;
    result.reusable = false;
    co_return result;
  }
  if (const auto connection = r.req.fields.find("Connection");
      connection && http::iequals(*connection, "close")) {
    result.reusable = false;  // the request asked for the connection to end (RFC 9112 9.6)
  }
  rx.mark_done();
  co_return result;
}

}  // namespace corofetch::client::detail
