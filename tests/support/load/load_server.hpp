#pragma once
// A keep-alive HTTP/1.1 server on loopback for the load generator's tests: it answers every
// request, pipelined ones in order, on its own thread, and can be told to misbehave the ways a
// load run must survive: freeze for a while (every answer held back), close each connection
// after some answers (with "Connection: close", or silently), or never answer one path.
// It counts requests by method and path, and connections.
//
// Paths: "/status/NNN" answers with that status; "/hang" is never answered; anything else
// gets 200 with `body`.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace corofetch::test {

class load_server {
 public:
  struct options {
    std::string body = "hello, load\n";
    /// Close each connection after this many answers (0: never); the last one says
    /// "Connection: close" unless `silent_close`, in which case the server just closes.
    std::size_t close_after = 0;
    bool silent_close = false;
    /// Answer without Content-Length, the body ending when the connection closes (RFC 9112
    /// 6.3): one answer per connection.
    bool close_delimited = false;
  };

  load_server();
  explicit load_server(options o);
  ~load_server();
  load_server(const load_server&) = delete;
  load_server& operator=(const load_server&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  /// "http://127.0.0.1:PORT" + path.
  [[nodiscard]] std::string url(std::string_view path = "/") const;

  /// From `delay` from now, for `length`, no request is answered; those that arrive meanwhile
  /// are answered when it ends, in order.
  void freeze(std::chrono::milliseconds delay, std::chrono::milliseconds length);

  /// Requests received (heads complete), in all / with this method / for this path.
  [[nodiscard]] std::size_t requests() const;
  [[nodiscard]] std::size_t requests(std::string_view method, std::string_view path) const;
  /// Answers sent.
  [[nodiscard]] std::size_t answers() const;
  /// Connections accepted.
  [[nodiscard]] std::size_t connections() const;
  /// Bytes of request bodies received in all.
  [[nodiscard]] std::size_t body_bytes() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace corofetch::test
