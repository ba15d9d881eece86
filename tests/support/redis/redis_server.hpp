#pragma once
// A real redis-server (Debian's redis-server 7.0) for system tests: started on a free loopback
// port in a fresh temporary folder, with no persistence unless asked for (AOF, fsync on every
// write), and stopped (SHUTDOWN NOSAVE by SIGTERM, then SIGKILL) and its folder removed when
// destroyed. restart() stops it and starts it again on the same port and folder, as an
// operator restarting Redis would.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace corofetch::test {

class redis_server {
 public:
  struct options {
    bool append_only = false;  ///< appendonly yes, appendfsync always
    std::string password;      ///< requirepass; empty: none
  };

  /// Starts redis-server. Throws std::runtime_error when it is missing or does not accept
  /// connections within a few seconds (its log is in the message).
  explicit redis_server(options opts);
  redis_server() : redis_server(options{}) {}
  ~redis_server();
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// "redis://127.0.0.1:PORT/DB", with the password when there is one.
  [[nodiscard]] std::string url(unsigned db = 0) const;
  /// Stops the server (SIGTERM: with AOF, what it acknowledged is on disk) and leaves it down.
  void stop() noexcept;
  /// Starts it again on the same port and folder (after stop(), or stopping it first).
  void start();

  /// True when redis-server is installed.
  static bool available();

 private:
  void launch();

  options options_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace corofetch::test
