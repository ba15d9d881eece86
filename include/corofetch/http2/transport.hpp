#pragma once

#include <cstddef>
#include <memory>
#include <system_error>
#include <tuple>
#include <utility>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/socket_base.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace corofetch::http2 {

/// The connected byte stream an HTTP/2 connection runs over: a plain TCP socket (h2c with
/// prior knowledge, RFC 9113 3.3), a TLS stream whose handshake agreed on ALPN "h2" (RFC 9113
/// 3.2), or anything else that reads and writes bytes. At most one read and one write are
/// outstanding at a time, as Asio streams allow.
class transport {
 public:
  virtual ~transport() = default;
  transport() = default;
  transport(const transport&) = delete;
  transport& operator=(const transport&) = delete;

  /// Where the stream's operations complete; the connection runs its coroutines there.
  [[nodiscard]] virtual asio::any_io_executor get_executor() = 0;
  /// Reads at least one byte into `buffer`; returns the error (asio::error::eof at the end)
  /// and the number of bytes read.
  virtual asio::awaitable<std::pair<std::error_code, std::size_t>> async_read_some(
      asio::mutable_buffer buffer) = 0;
  /// Writes all of `buffer`; returns the error, none on success.
  virtual asio::awaitable<std::error_code> async_write(asio::const_buffer buffer) = 0;
  /// Closes the socket below at once: outstanding operations complete with an error.
  virtual void close() noexcept = 0;
};

/// A transport over an Asio stream: asio::ip::tcp::socket, asio::ssl::stream<tcp::socket>, or
/// any type with async_read_some, async_write_some, get_executor and lowest_layer().
template <class Stream>
class stream_transport final : public transport {
 public:
  explicit stream_transport(Stream stream) : stream_(std::move(stream)) {}

  [[nodiscard]] asio::any_io_executor get_executor() override { return stream_.get_executor(); }

  asio::awaitable<std::pair<std::error_code, std::size_t>> async_read_some(
      asio::mutable_buffer buffer) override {
    auto [ec, n] =
        co_await stream_.async_read_some(buffer, asio::experimental::as_tuple(asio::use_awaitable));
    co_return std::pair<std::error_code, std::size_t>{ec, n};
  }

  asio::awaitable<std::error_code> async_write(asio::const_buffer buffer) override {
    auto [ec, n] = co_await asio::async_write(stream_, buffer,
                                              asio::experimental::as_tuple(asio::use_awaitable));
    (void)n;
    co_return ec;
  }

  void close() noexcept override {
    std::error_code ignored;
    stream_.lowest_layer().shutdown(asio::socket_base::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
  }

  /// The stream itself (its socket's endpoints, the TLS session).
  Stream& stream() noexcept { return stream_; }

 private:
  Stream stream_;
};

/// A transport owning `stream` (moved in).
template <class Stream>
std::unique_ptr<transport> make_transport(Stream stream) {
  return std::make_unique<stream_transport<Stream>>(std::move(stream));
}

}  // namespace corofetch::http2
