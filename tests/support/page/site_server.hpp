#pragma once
// A small HTTP/1.1 web site on loopback for the page loader's tests: it serves a table of
// paths (status, content type, body, a delay, or a reset instead of an answer) over keep-alive
// connections, on its own thread, and counts what a test checks: requests per path,
// connections, and the most requests it was answering at once.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::test {

class site_server {
 public:
  struct route {
    int status = 200;
    std::string content_type = "text/plain";
    std::string body;
    std::chrono::milliseconds delay{0};  ///< before the answer
    bool reset = false;                  ///< reset the connection instead of answering
    std::string location;                ///< a Location field, for redirects
    std::vector<std::string> headers;    ///< more field lines ("Set-Cookie: a=1"), as written
  };

  /// Listens on `address` (a loopback IPv4 address) and a free port; paths it does not know
  /// get a 404.
  explicit site_server(std::map<std::string, route> routes, std::string address = "127.0.0.1");
  ~site_server();
  site_server(const site_server&) = delete;
  site_server& operator=(const site_server&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  /// "http://ADDRESS:PORT" + path.
  [[nodiscard]] std::string url(std::string_view path = "/") const;
  /// Requests received for `path` so far.
  [[nodiscard]] std::size_t hits(const std::string& path) const;
  /// The head of the last request received for `path` ("" if none).
  [[nodiscard]] std::string last_head(const std::string& path) const;
  /// Requests received in all.
  [[nodiscard]] std::size_t requests() const;
  /// Connections accepted.
  [[nodiscard]] std::size_t connections() const;
  /// The most requests being answered (received, not yet answered) at one time.
  [[nodiscard]] std::size_t max_in_flight() const;

  struct state;  // site_server.cpp

 private:
  std::shared_ptr<state> state_;
};

}  // namespace corofetch::test
