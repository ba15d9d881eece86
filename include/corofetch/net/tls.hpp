#pragma once

#include <corofetch/net/error.hpp>
#include <corofetch/result.hpp>

#include <memory>
#include <string>
#include <vector>

namespace corofetch::net {

/// How a TLS client checks servers. Secure by default: certificates are verified against the
/// system CA store and the host name is checked.
struct tls_options {
  /// A PEM file of trusted CA certificates that replaces the system store (curl's --cacert).
  /// Empty: the system store (OpenSSL's default paths, /etc/ssl/certs on Debian).
  std::string ca_file;
  /// Skip certificate and host name verification (curl's -k). The connection is still
  /// encrypted, but anyone on the path can impersonate the server: for tests and debugging.
  bool insecure_skip_verify = false;
  /// Application protocols offered through ALPN (RFC 7301), most preferred first, each 1 to
  /// 255 bytes: {"h2", "http/1.1"}. Empty, the default: no ALPN extension is sent.
  std::vector<std::string> alpn;
};

/// A TLS client configuration shared by many connections (an OpenSSL SSL_CTX behind a pimpl):
/// TLS 1.2 or later, verification per tls_options. Copies share the same context; it is safe
/// to use from several threads once created.
class tls_context {
 public:
  /// Creates a context. Errors: errc::tls_context_failed when the CA file or the system store
  /// cannot be loaded, or an ALPN protocol name is empty or longer than 255 bytes; the reason
  /// goes to *error_detail when given.
  static result<tls_context> create(const tls_options& options = {},
                                    std::string* error_detail = nullptr);

  /// The options the context was created with.
  [[nodiscard]] const tls_options& options() const noexcept;

 private:
  friend class stream;
  struct impl;  // lib/net: the asio::ssl::context and the options
  explicit tls_context(std::shared_ptr<impl> i) noexcept : impl_(std::move(i)) {}
  std::shared_ptr<impl> impl_;
};

}  // namespace corofetch::net
