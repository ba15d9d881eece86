#pragma once
// SMTP servers on 127.0.0.x sharing one free port, as mail exchangers share port 25 on the
// Internet; each answers as its spec says (and offers STARTTLS with the test PKI's server
// certificate when asked). Header-only: it uses the dns and net support libraries.

#include "support/dns/shared_port.hpp"
#include "support/net/test_pki.hpp"
#include "support/smtp/smtp_server.hpp"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace corofetch::test {

class exchangers {
 public:
  struct spec {
    std::string address;
    smtp_server::mode mode;
    bool tls = false;
  };

  /// `silent` are addresses that must be free on the port too, where nothing will listen.
  explicit exchangers(const std::vector<spec>& specs, const std::vector<std::string>& silent = {}) {
    std::vector<std::string> addresses = silent;
    for (const auto& s : specs) addresses.push_back(s.address);
    for (int attempt = 0; attempt < 3; ++attempt) {  // another process may take the port
      try {
        port_ = port_free_on(addresses);
        servers_.clear();
        for (const auto& s : specs) {
          smtp_server::options o;
          o.address = s.address;
          o.port = port_;
          o.behaviour = s.mode;
          if (s.tls) {
            o.cert_file = shared_pki().server().cert;
            o.key_file = shared_pki().server().key;
          }
          servers_.push_back(std::make_unique<smtp_server>(o));
        }
        return;
      } catch (const std::runtime_error&) {
        if (attempt == 2) throw;
      }
    }
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] const smtp_server& operator[](std::size_t i) const { return *servers_.at(i); }

 private:
  std::uint16_t port_ = 0;
  std::vector<std::unique_ptr<smtp_server>> servers_;
};

}  // namespace corofetch::test
