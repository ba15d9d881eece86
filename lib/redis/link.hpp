// One hiredis async context on the caller's event loop: its read and write hooks ask for waits
// on an Asio descriptor (released, never closed: the fd is hiredis'), and readiness goes to
// redisAsyncHandleRead / redisAsyncHandleWrite. Replies are recorded into a pending_call and
// the waiting coroutine is woken through its timer, never resumed inside a hiredis callback.
// Private to lib/redis.
#pragma once

#include <corofetch/redis/client.hpp>
#include <corofetch/redis/endpoint.hpp>
#include <corofetch/redis/reply.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

struct redisAsyncContext;

namespace corofetch::redis::detail {

// The commands of one await (one, or a pipeline): `done` expires at the caller's deadline and
// is cancelled when the last reply comes or the connection goes.
struct pending_call {
  explicit pending_call(const asio::any_io_executor& ex) : done(ex) {}
  asio::steady_timer done;
  std::vector<reply> replies;
  std::size_t expected = 0;
  std::error_code error;
  std::string detail;
  bool finished = false;
};

class link : public std::enable_shared_from_this<link> {
 public:
  // Starts a non-blocking TCP connection to `e` (a host name is resolved by getaddrinfo, in
  // hiredis). errc::connect_failed with `detail` when it fails at once.
  static result<std::shared_ptr<link>> open(const asio::any_io_executor& executor,
                                            const endpoint& e, client_stats& stats,
                                            std::string& detail);
  ~link();
  link(const link&) = delete;
  link& operator=(const link&) = delete;

  // Queues a command after those queued before; its reply goes to `call`. False when the
  // connection is closing or closed.
  bool send(const std::vector<std::string>& args, const std::shared_ptr<pending_call>& call);
  // redisAsyncFree: every queued command ends with errc::disconnected.
  void close() noexcept;
  [[nodiscard]] bool is_open() const noexcept { return context_ != nullptr; }
  // The connection answered its first commands (client::impl's connect).
  [[nodiscard]] bool ready() const noexcept { return ready_ && context_ != nullptr; }
  void set_ready() noexcept { ready_ = true; }

 private:
  struct slot;
  explicit link(const asio::any_io_executor& executor, client_stats& stats);
  static void on_reply(redisAsyncContext* ac, void* r, void* privdata);
  static void on_connect(const redisAsyncContext* ac, int status);
  static void add_read(void* data);
  static void del_read(void* data);
  static void add_write(void* data);
  static void del_write(void* data);
  static void cleanup(void* data);
  void watch();
  void on_readable();
  void on_writable();

  redisAsyncContext* context_ = nullptr;
  asio::posix::stream_descriptor descriptor_;
  client_stats* stats_;
  std::size_t outstanding_ = 0;  // commands sent, not answered: reads are watched only then
  bool want_read_ = false;
  bool want_write_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool ready_ = false;
};

}  // namespace corofetch::redis::detail
