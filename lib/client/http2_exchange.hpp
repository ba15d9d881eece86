#pragma once
// HTTP/2 (RFC 9113) as an exchange: many requests at once on one connection, each on a stream
// of its own, through http2::connection (nghttp2 below). A response streams into the policy's
// receiver as its DATA frames arrive; a stream's failure (RST_STREAM, its timeout, a body too
// large) ends that request only.

#include <corofetch/http2/connection.hpp>
#include <corofetch/net/stream.hpp>
#include <corofetch/result.hpp>

#include "client/exchange.hpp"

#include <cstddef>
#include <memory>

namespace corofetch::client::detail {

class http2_exchange final : public exchange {
 public:
  /// Starts HTTP/2 on a connected stream (TLS that agreed on "h2", or plain with prior
  /// knowledge), which it owns from now on: the preface and SETTINGS both ways (RFC 9113 3.4).
  /// Errors: http2::errc::preface_timeout, not_http2, a transport error.
  static asio::awaitable<result<std::unique_ptr<exchange>>> async_open(
      net::stream s, http2::connection_options options, std::size_t max_streams);

  http2_exchange(std::shared_ptr<http2::connection> c, std::size_t max_streams) noexcept;
  ~http2_exchange() override;
  http2_exchange(const http2_exchange&) = delete;
  http2_exchange& operator=(const http2_exchange&) = delete;

  [[nodiscard]] std::string_view protocol() const noexcept override { return "h2"; }
  /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS, at most the client's http2_max_streams.
  [[nodiscard]] std::size_t capacity() const noexcept override;
  asio::awaitable<exchange_outcome> async_exchange(const exchange_request& r,
                                                   response_receiver& rx) override;
  /// A GOAWAY, a failed PING or a closed transport while idle.
  [[nodiscard]] bool broken_while_idle() noexcept override { return !conn_->is_open(); }
  [[nodiscard]] bool is_open() const noexcept override { return conn_->is_open(); }
  void close() noexcept override { conn_->close(); }

 private:
  std::shared_ptr<http2::connection> conn_;
  std::size_t max_streams_;
};

}  // namespace corofetch::client::detail
