#pragma once
// A real nginx (Debian's nginx-light) for system tests: started on free loopback ports with a
// generated configuration in a fresh temporary prefix, serving a folder of static files over
// HTTP and HTTPS (the certificate from the test PKI), gzip on for text. Stopped (SIGTERM, then
// SIGKILL) and its prefix removed when destroyed.

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace corofetch::test {

class nginx_server {
 public:
  struct options {
    std::filesystem::path cert_file;  ///< PEM chain for HTTPS; empty: no HTTPS listener
    std::filesystem::path key_file;
    bool gzip = true;    ///< gzip text responses (gzip_min_length 1)
    bool http2 = false;  ///< HTTP/2 on both listeners (h2c prior knowledge on the plain one)
    std::string extra;   ///< more directives for the server block (e.g. http2 limits)
  };

  /// Starts nginx serving `root`. Throws std::runtime_error when nginx is missing or does not
  /// accept connections within a few seconds (its error log is in the message).
  nginx_server(std::filesystem::path root, options opts);
  ~nginx_server();
  nginx_server(const nginx_server&) = delete;
  nginx_server& operator=(const nginx_server&) = delete;

  [[nodiscard]] std::uint16_t http_port() const noexcept { return http_port_; }
  [[nodiscard]] std::uint16_t https_port() const noexcept { return https_port_; }
  /// "http://127.0.0.1:PORT" and "https://127.0.0.1:PORT".
  [[nodiscard]] std::string http_url() const;
  [[nodiscard]] std::string https_url() const;

  /// True when an nginx binary is installed.
  static bool available();

 private:
  void start(const options& opts);
  void stop() noexcept;

  std::filesystem::path root_;
  std::filesystem::path prefix_;
  pid_t pid_ = -1;
  std::uint16_t http_port_ = 0;
  std::uint16_t https_port_ = 0;
};

}  // namespace corofetch::test
