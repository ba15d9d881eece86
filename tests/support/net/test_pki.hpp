#pragma once
// Certificates made at test time (OpenSSL API, P-256 keys, SHA-256 signatures) in a fresh
// temporary folder that is removed afterwards: nothing secret is ever stored in the repository.

#include <filesystem>
#include <string>

namespace corofetch::test {

/// A test CA and the certificates the TLS tests need, as PEM files.
class test_pki {
 public:
  /// A certificate file and its private key file.
  struct identity {
    std::filesystem::path cert;
    std::filesystem::path key;
  };

  /// Makes the CA and every certificate below; throws std::runtime_error on any OpenSSL failure.
  test_pki();
  ~test_pki();
  test_pki(const test_pki&) = delete;
  test_pki& operator=(const test_pki&) = delete;

  /// The CA certificate (CA:TRUE), to give to a client as its trusted CA file.
  [[nodiscard]] const std::filesystem::path& ca_file() const noexcept { return ca_.cert; }
  /// Issued by the CA for DNS:localhost, IP:127.0.0.1 and IP:::1, valid now.
  [[nodiscard]] const identity& server() const noexcept { return server_; }
  /// Self-signed for the same names: trusted by no CA but its own certificate.
  [[nodiscard]] const identity& self_signed() const noexcept { return self_signed_; }
  /// Issued by the CA for the same names, but expired a day ago.
  [[nodiscard]] const identity& expired() const noexcept { return expired_; }
  [[nodiscard]] const std::filesystem::path& folder() const noexcept { return folder_; }

 private:
  std::filesystem::path folder_;
  identity ca_;
  identity server_;
  identity self_signed_;
  identity expired_;
};

/// One test_pki per test process: making keys takes a few milliseconds, and every TLS test
/// can share it.
const test_pki& shared_pki();

}  // namespace corofetch::test
