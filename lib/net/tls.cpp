#include "net/tls_impl.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <string>
#include <vector>

namespace corofetch::net {
namespace {

std::string openssl_reason(const std::error_code& ec) {
  std::string reason = ec.message();
  const unsigned long code = ERR_peek_last_error();  // NOLINT(google-runtime-int): OpenSSL's type
  if (code != 0) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    reason += " (";
    reason += buffer.data();
    reason += ")";
  }
  ERR_clear_error();
  return reason;
}

// ALPN's wire form (RFC 7301 3.1): each name preceded by its length in one byte.
std::error_code set_alpn(SSL_CTX* native, const std::vector<std::string>& protocols,
                         std::string& detail) {
  if (protocols.empty()) return {};
  std::string wire;
  for (const std::string& name : protocols) {
    if (name.empty() || name.size() > 255) {
      detail = "ALPN protocol name must be 1 to 255 bytes: \"" + name + "\"";
      return errc::tls_context_failed;
    }
    wire.push_back(static_cast<char>(name.size()));
    wire.append(name);
  }
  // SSL_CTX_set_alpn_protos returns 0 on success, unlike most of OpenSSL.
  if (SSL_CTX_set_alpn_protos(native, reinterpret_cast<const unsigned char*>(wire.data()),
                              static_cast<unsigned int>(wire.size())) != 0) {
    detail = "ALPN protocols rejected by OpenSSL";
    return errc::tls_context_failed;
  }
  return {};
}

// TLS 1.2 at least (RFC 8996 deprecates 1.0 and 1.1); compression off (CRIME).
std::error_code configure(asio::ssl::context& context, const tls_options& options) {
  SSL_CTX* native = context.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return errc::tls_context_failed;
  }
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  std::error_code ec;
  if (options.insecure_skip_verify) {
    context.set_verify_mode(asio::ssl::verify_none, ec);
    return ec;
  }
  context.set_verify_mode(asio::ssl::verify_peer, ec);
  if (ec) return ec;
  if (!options.ca_file.empty()) {
    context.load_verify_file(options.ca_file, ec);
  } else {
    context.set_default_verify_paths(ec);
  }
  return ec;
}

}  // namespace

result<tls_context> tls_context::create(const tls_options& options, std::string* error_detail) {
  auto state = std::make_shared<impl>(options);
  std::string why;
  if (set_alpn(state->context.native_handle(), options.alpn, why)) {
    if (error_detail != nullptr) *error_detail = why;
    return errc::tls_context_failed;
  }
  if (auto ec = configure(state->context, options); ec) {
    if (error_detail != nullptr) *error_detail = openssl_reason(ec);
    ERR_clear_error();
    return errc::tls_context_failed;
  }
  return tls_context(std::move(state));
}

const tls_options& tls_context::options() const noexcept {
  return impl_->options;
}

}  // namespace corofetch::net
