#pragma once
// A loopback web server for crawler tests: one port answering every Host name (the client
// maps names to 127.0.0.1 with --resolve-style overrides), each request answered by a function
// the test gives (status, type, body, fields, a delay, or no answer at all). It logs every
// request with its host, path and the times its head arrived and its answer left, and counts
// the requests in flight per host, so a test checks politeness from the server's side.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace corofetch::test {

class crawl_server {
 public:
  using clock = std::chrono::steady_clock;

  struct request {
    std::string host;       ///< the Host field without port, lowercased
    std::string authority;  ///< the Host field as sent ("a.test:8080")
    std::string path;       ///< the request target as sent
    std::string head;       ///< the whole request head
  };
  struct reply {
    int status = 200;
    std::string content_type = "text/html";
    std::string body;
    std::vector<std::pair<std::string, std::string>> fields;
    std::chrono::milliseconds delay{0};  ///< before answering
    bool hang = false;                   ///< never answer (until the server stops)
  };
  struct log_entry {
    std::string host;
    std::string path;
    clock::time_point start;  ///< its head fully received
    clock::time_point end;    ///< its answer written (start when it never was)
    /// When the kernel received the last bytes of its head (SO_TIMESTAMPNS): unlike start,
    /// not delayed when the server's thread waits for a CPU.
    std::chrono::system_clock::time_point arrived;
  };
  using site = std::function<reply(const request&)>;

  /// Listens on 127.0.0.1 and a free port; `answer` runs on the server's thread.
  explicit crawl_server(site answer);
  ~crawl_server();
  crawl_server(const crawl_server&) = delete;
  crawl_server& operator=(const crawl_server&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  /// "http://HOST:PORT" + path.
  [[nodiscard]] std::string url(const std::string& host, const std::string& path = "/") const;
  /// "HOST:PORT:127.0.0.1", for client::parse_resolve_override.
  [[nodiscard]] std::string resolve(const std::string& host) const;

  /// Requests received for host and path.
  [[nodiscard]] std::size_t hits(const std::string& host, const std::string& path) const;
  /// Every request so far, in the order their heads arrived.
  [[nodiscard]] std::vector<log_entry> log() const;
  [[nodiscard]] std::size_t requests() const;
  /// The most requests in flight (received, not answered) to one host at any time.
  [[nodiscard]] std::size_t max_in_flight(const std::string& host) const;
  /// The most requests in flight in all at any time.
  [[nodiscard]] std::size_t max_in_flight_total() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

/// The smallest gap between the arrivals of two requests to `host` in `log` (max() with fewer
/// than two).
[[nodiscard]] std::chrono::nanoseconds min_start_gap(
    const std::vector<crawl_server::log_entry>& log, const std::string& host);

}  // namespace corofetch::test
