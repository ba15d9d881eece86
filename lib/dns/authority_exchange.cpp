#include "dns/authority_exchange.hpp"

#include "dns/full_message.hpp"

#include <corofetch/dns/error.hpp>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <span>
#include <utility>
#include <variant>

namespace corofetch::dns::detail {
namespace {

using asio::ip::tcp;
using asio::ip::udp;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::size_t max_message = 65535;

std::error_code mapped(std::error_code ec) {
  if (ec == asio::error::connection_refused || ec == asio::error::connection_reset) {
    return errc::connection_refused;
  }
  return ec;
}

// The timer of a wait raced with an operation fired: a timeout, unless it was cancelled along
// with the operation (the caller's cancellation).
std::error_code timer_outcome(std::error_code timer_error) {
  return timer_error ? std::error_code(asio::error::operation_aborted)
                     : std::error_code(errc::timeout);
}

asio::awaitable<exchange_reply> exchange_udp(udp::endpoint server,
                                             const std::vector<std::uint8_t>& query,
                                             std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  const auto executor = co_await asio::this_coro::executor;
  exchange_reply out;
  udp::socket socket(executor);
  std::error_code ec;
  socket.open(server.protocol(), ec);
  if (!ec) socket.connect(server, ec);
  if (ec) {
    out.error = mapped(ec);
    co_return out;
  }
  asio::steady_timer timer(executor, timeout);
  auto [send_error, sent] = co_await socket.async_send(asio::buffer(query), use_tuple);
  if (send_error) {
    out.error = mapped(send_error);
    co_return out;
  }
  std::vector<std::uint8_t> buffer(max_message);
  for (;;) {
    auto received = co_await (socket.async_receive(asio::buffer(buffer), use_tuple) ||
                              timer.async_wait(use_tuple));
    if (received.index() == 1) {
      out.error = timer_outcome(std::get<0>(std::get<1>(received)));
      co_return out;
    }
    const auto [receive_error, size] = std::get<0>(received);
    if (receive_error) {
      out.error = mapped(receive_error);
      co_return out;
    }
    // A datagram for another query (or forged) is dropped, RFC 5452 9.1.
    if (answers_query(std::span(buffer.data(), size), query)) {
      buffer.resize(size);
      out.message = std::move(buffer);
      co_return out;
    }
  }
}

// The TCP exchange without its time bound: connect, write, read the length, read the message.
asio::awaitable<exchange_reply> tcp_steps(tcp::socket& socket, tcp::endpoint server,
                                          const std::vector<std::uint8_t>& query) {
  exchange_reply out;
  auto [connect_error] = co_await socket.async_connect(server, use_tuple);
  if (connect_error) {
    out.error = mapped(connect_error);
    co_return out;
  }
  const std::array<std::uint8_t, 2> length{static_cast<std::uint8_t>(query.size() >> 8U),
                                           static_cast<std::uint8_t>(query.size() & 0xffU)};
  const std::array<asio::const_buffer, 2> framed{asio::buffer(length), asio::buffer(query)};
  auto [write_error, written] = co_await asio::async_write(socket, framed, use_tuple);
  std::array<std::uint8_t, 2> reply_length{};
  if (!write_error) {
    auto [read_error, read] =
        co_await asio::async_read(socket, asio::buffer(reply_length), use_tuple);
    write_error = read_error;
  }
  if (write_error) {
    out.error = write_error == asio::error::eof ? std::error_code(errc::malformed_answer)
                                                : mapped(write_error);
    co_return out;
  }
  out.message.resize(std::size_t{reply_length[0]} << 8U | reply_length[1]);
  auto [read_error, read] = co_await asio::async_read(socket, asio::buffer(out.message), use_tuple);
  if (read_error || !answers_query(out.message, query)) {
    out.error = read_error && read_error != asio::error::eof
                    ? mapped(read_error)
                    : std::error_code(errc::malformed_answer);
    out.message.clear();
  }
  co_return out;
}

asio::awaitable<exchange_reply> exchange_tcp(udp::endpoint server,
                                             const std::vector<std::uint8_t>& query,
                                             std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  const auto executor = co_await asio::this_coro::executor;
  tcp::socket socket(executor);
  asio::steady_timer timer(executor, timeout);
  const tcp::endpoint to(server.address(), server.port());
  auto outcome = co_await (tcp_steps(socket, to, query) || timer.async_wait(use_tuple));
  if (outcome.index() == 0) co_return std::move(std::get<0>(outcome));
  exchange_reply out;
  out.error = timer_outcome(std::get<0>(std::get<1>(outcome)));
  co_return out;
}

}  // namespace

asio::awaitable<exchange_reply> async_exchange(udp::endpoint server,
                                               std::vector<std::uint8_t> query,
                                               query_transport transport,
                                               std::chrono::milliseconds timeout) {
  const auto started = std::chrono::steady_clock::now();
  exchange_reply out;
  if (transport == query_transport::udp) {
    out = co_await exchange_udp(server, query, timeout);
  } else {
    out = co_await exchange_tcp(server, query, timeout);
  }
  out.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  co_return out;
}

}  // namespace corofetch::dns::detail
