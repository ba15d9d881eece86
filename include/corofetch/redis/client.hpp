#pragma once

#include <corofetch/redis/endpoint.hpp>
#include <corofetch/redis/reply.hpp>
#include <corofetch/redis/script.hpp>
#include <corofetch/result.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace corofetch::redis {

/// How a client connects, waits and reconnects.
struct client_options {
  redis::endpoint server;
  /// From the start of a connection to the reply to its first PING (AUTH and SELECT before).
  std::chrono::milliseconds connect_timeout{2000};
  /// From sending a command to its reply. A command past it ends with errc::timeout and the
  /// connection is dropped (a server that does not answer one command answers no later one).
  std::chrono::milliseconds command_timeout{5000};
  /// The wait before reconnecting after a failed attempt, doubled after each failure up to
  /// backoff_max, and back to backoff_initial once connected.
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{2000};
  /// How long a command waits for the server to come back when the connection is lost or
  /// cannot be made: it is sent again on the next connection until then, and ends with
  /// errc::unavailable after. Zero (the default): a command fails with the link error at once.
  /// Only for idempotent commands: one whose connection dropped after the server ran it runs
  /// twice.
  std::chrono::milliseconds reconnect_for{0};
  /// CLIENT SETNAME on each connection (shown by CLIENT LIST); empty: none.
  std::string name;
};

/// Counters of a client, for benchmarks: what it cost the server and the network.
struct client_stats {
  std::uint64_t commands = 0;     ///< commands sent (AUTH, SELECT, PING of connections too)
  std::uint64_t round_trips = 0;  ///< writes of one or more pipelined commands
  std::uint64_t connects = 0;     ///< connections made
  std::uint64_t link_losses = 0;  ///< connections lost or dropped after a timeout
  std::uint64_t noscript = 0;     ///< EVALSHA answered NOSCRIPT, sent again as EVAL
};

/// A Redis client (RESP2, hiredis 0.14) run by the caller's Asio event loop, with no thread of
/// its own: hiredis' async context has its read and write hooks on an Asio descriptor, as
/// c-ares is driven in the dns module. Commands issued while others wait are pipelined: all
/// the commands the event loop's coroutines issue before it next polls go out in one write.
/// The first command connects (AUTH, SELECT, CLIENT SETNAME, PING); a lost connection is made
/// again on the next command, after a backoff. Single-threaded: use it from one thread or
/// strand. It must not be destroyed while an operation is in flight.
class client {
 public:
  /// A client of `options.server` on `executor`; it connects when first used.
  client(asio::any_io_executor executor, client_options options);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Connects now, unless connected (one attempt, after the backoff when the last failed).
  /// Errors: errc::connect_failed, errc::timeout (connect_timeout), errc::auth_failed,
  /// errc::disconnected; error_detail() has the reason. Cancellation: the wait ends with
  /// asio::error::operation_aborted; the attempt goes on for later commands.
  asio::awaitable<std::error_code> async_connect();
  /// Sends one command (its arguments, binary-safe) and waits for its reply, within
  /// command_timeout (and reconnect_for, see client_options). Errors: the link errors of
  /// async_connect, errc::timeout, errc::disconnected, errc::unavailable, errc::server_error
  /// for an error reply (its text in error_detail()), errc::closed. Cancellation: ends with
  /// asio::error::operation_aborted at once; the command may still run on the server.
  asio::awaitable<result<reply>> async_command(std::vector<std::string> args);
  /// Sends the commands together (one write) and waits for all their replies, returned in
  /// order, an error reply as a reply of type error. Errors and cancellation as async_command,
  /// for the batch as a whole.
  asio::awaitable<result<std::vector<reply>>> async_pipeline(
      std::vector<std::vector<std::string>> commands);
  /// Runs `s` with EVALSHA and, when the server does not have it (NOSCRIPT), with EVAL, which
  /// loads it for next time. Errors as async_command; a Lua error is errc::server_error.
  asio::awaitable<result<reply>> async_eval(const script& s, std::vector<std::string> keys,
                                            std::vector<std::string> args);

  /// Closes the connection; commands waiting end with errc::disconnected, later ones
  /// reconnect. Never fails.
  void disconnect() noexcept;
  [[nodiscard]] bool connected() const noexcept;
  [[nodiscard]] const client_stats& stats() const noexcept;
  /// The last error in words: hiredis' reason for a link error, the server's error reply.
  [[nodiscard]] const std::string& error_detail() const noexcept;
  [[nodiscard]] const client_options& options() const noexcept;
  [[nodiscard]] asio::any_io_executor get_executor() const noexcept;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace corofetch::redis
