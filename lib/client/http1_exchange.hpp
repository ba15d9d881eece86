#pragma once
// HTTP/1.1 (RFC 9112) as an exchange: one request at a time on a connection, written in one
// gathered write, its response read into the exchange's buffer and parsed in place by llhttp.

#include <corofetch/net/stream.hpp>

#include "client/exchange.hpp"

#include <cstddef>
#include <memory>
#include <string>

namespace corofetch::client::detail {

class http1_exchange final : public exchange {
 public:
  static constexpr std::size_t read_buffer_size = std::size_t{16} * 1024;

  /// Exchanges on `s`, which it owns from now on.
  explicit http1_exchange(net::stream s);

  [[nodiscard]] std::string_view protocol() const noexcept override { return "http/1.1"; }
  /// No pipelining: one exchange at a time.
  [[nodiscard]] std::size_t capacity() const noexcept override { return 1; }
  asio::awaitable<exchange_outcome> async_exchange(const exchange_request& r,
                                                   response_receiver& rx) override;
  /// An idle HTTP/1.1 connection must stay silent (RFC 9112 9.3): end of stream, an error or,
  /// on a plain connection, unsolicited bytes mean it cannot be reused. One recv(MSG_PEEK).
  [[nodiscard]] bool broken_while_idle() noexcept override;
  [[nodiscard]] bool is_open() const noexcept override { return stream_.is_open(); }
  void close() noexcept override;

 private:
  asio::awaitable<std::error_code> write_request(const exchange_request& r);
  asio::awaitable<exchange_outcome> read_response(const exchange_request& r, response_receiver& rx);
  std::error_code take_parsed(response_receiver& rx);
  std::error_code take_end(response_receiver& rx);

  net::stream stream_;
  http::response_parser parser_;
  std::string out_;  // the serialized request, memory kept from one exchange to the next
  std::unique_ptr<char[]> in_;
};

}  // namespace corofetch::client::detail
