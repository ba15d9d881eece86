#pragma once
// A real FTP server (Debian's python3-pyftpdlib) for the FTP client's tests, started on a free
// loopback port over a fresh temporary folder, stopped and the folder removed when destroyed.

#include "common/background_process.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace corofetch::test {

class ftp_server {
 public:
  struct options {
    std::string user = "tone";
    std::string password = "s3cret:pw@1";  ///< ':' and '@' must be percent-encoded in a URL
    bool anonymous = false;
    bool epsv = true;  ///< false: EPSV answers 500, PASV must be used
  };

  /// Throws std::runtime_error when pyftpdlib is missing or the server does not start.
  explicit ftp_server(options opts);
  ftp_server() : ftp_server(options{}) {}
  ~ftp_server();
  ftp_server(const ftp_server&) = delete;
  ftp_server& operator=(const ftp_server&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// The folder the server serves; files written there are visible at once.
  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
  /// Writes `content` to root()/relative (folders made as needed).
  void put(const std::string& relative, const std::string& content) const;
  /// "ftp://127.0.0.1:PORT".
  [[nodiscard]] std::string base_url() const;

  /// True when Debian's python3-pyftpdlib is installed.
  static bool available();

 private:
  std::filesystem::path root_;
  std::unique_ptr<background_process> process_;
  std::uint16_t port_ = 0;
};

}  // namespace corofetch::test
