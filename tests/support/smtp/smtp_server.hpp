#pragma once
// A real SMTP server (Debian's python3-aiosmtpd) for the mailto: tests, on one loopback address
// and a given port (mail exchangers share port 25 on the Internet; here they share one free
// port on 127.0.0.x addresses), stopped and its folder removed when destroyed.

#include "common/background_process.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace corofetch::test {

class smtp_server {
 public:
  enum class mode { accept, tempfail, reject };

  struct options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  ///< required: see shared_port.hpp's port_free_on()
    mode behaviour = mode::accept;
    /// Offer STARTTLS with this certificate and key (PEM).
    std::filesystem::path cert_file;
    std::filesystem::path key_file;
  };

  /// Throws std::runtime_error when aiosmtpd is missing or the server does not start.
  explicit smtp_server(options opts);
  ~smtp_server();
  smtp_server(const smtp_server&) = delete;
  smtp_server& operator=(const smtp_server&) = delete;

  /// The message received, byte for byte, once one was accepted.
  [[nodiscard]] std::optional<std::string> message() const;
  /// The envelope of that message: MAIL FROM, each RCPT, then "TLS yes" or "TLS no".
  [[nodiscard]] std::vector<std::string> envelope() const;

  /// True when Debian's python3-aiosmtpd is installed.
  static bool available();

 private:
  std::filesystem::path dir_;
  std::unique_ptr<background_process> process_;
};

}  // namespace corofetch::test
