#pragma once
// The loopback HTTP server of cf-fetch's tests (fetch_peer.py, run by python3): echo, status,
// flaky, ranges, binary, empty reply, redirects, cookies, gzip. It parses multipart bodies back
// with python's email package. Started on a free port; stopped (stdin closed, then SIGKILL if
// needed) when destroyed.

#include <cstdint>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace corofetch::test {

class fetch_peer {
 public:
  /// Starts the server; fails the test (REQUIRE) when python3 cannot run it.
  fetch_peer();
  ~fetch_peer();
  fetch_peer(const fetch_peer&) = delete;
  fetch_peer& operator=(const fetch_peer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// "http://127.0.0.1:PORT" + path.
  [[nodiscard]] std::string url(std::string_view path = "/") const;

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::uint16_t port_ = 0;
};

/// The path of a program found in PATH ("" when there is none): curl, python3.
std::string find_program(const std::string& name);

}  // namespace corofetch::test
