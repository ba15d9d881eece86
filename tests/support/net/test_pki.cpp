#include "support/net/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace corofetch::test {
namespace {

struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_free {
  void operator()(X509* x) const { X509_free(x); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

void ensure(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test_pki: ") + what + " failed");
}

pkey_ptr make_key() {
  pkey_ptr key(EVP_EC_gen("P-256"));
  ensure(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ensure(ext != nullptr, "X509V3_EXT_conf_nid");
  ensure(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

struct cert_request {
  const char* common_name;
  bool is_ca;
  long not_before_seconds;  // NOLINT(google-runtime-int): X509_gmtime_adj takes a long
  long not_after_seconds;   // NOLINT(google-runtime-int)
  long serial;              // NOLINT(google-runtime-int)
};

// Issues a certificate for `key`, signed by issuer_key (issuer null: self-signed).
x509_ptr issue(const cert_request& request, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  x509_ptr cert(X509_new());
  ensure(cert != nullptr, "X509_new");
  X509* c = cert.get();
  ensure(X509_set_version(c, 2) == 1, "X509_set_version");
  ensure(ASN1_INTEGER_set(X509_get_serialNumber(c), request.serial) == 1, "serial");
  ensure(X509_gmtime_adj(X509_getm_notBefore(c), request.not_before_seconds) != nullptr,
         "notBefore");
  ensure(X509_gmtime_adj(X509_getm_notAfter(c), request.not_after_seconds) != nullptr, "notAfter");
  ensure(X509_set_pubkey(c, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(c);
  const auto* cn = reinterpret_cast<const unsigned char*>(request.common_name);
  ensure(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) == 1, "CN");
  X509* signer = issuer != nullptr ? issuer : c;
  ensure(X509_set_issuer_name(c, X509_get_subject_name(signer)) == 1, "issuer");
  if (request.is_ca) {
    add_extension(c, signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(c, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(c, signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(c, signer, NID_key_usage, "critical,digitalSignature");
    add_extension(c, signer, NID_ext_key_usage, "serverAuth");
    add_extension(c, signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  }
  add_extension(c, signer, NID_subject_key_identifier, "hash");
  if (issuer != nullptr) add_extension(c, signer, NID_authority_key_identifier, "keyid:always");
  ensure(X509_sign(c, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

void write_pem(const std::filesystem::path& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  ensure(f != nullptr, "fopen");
  const bool ok = PEM_write_X509(f, cert) == 1;
  std::fclose(f);
  ensure(ok, "PEM_write_X509");
}

void write_pem(const std::filesystem::path& path, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  ensure(f != nullptr, "fopen");
  const bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  ensure(ok, "PEM_write_PrivateKey");
}

std::filesystem::path make_temp_folder() {
  std::string pattern = (std::filesystem::temp_directory_path() / "cf-pki-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  ensure(mkdtemp(buffer.data()) != nullptr, "mkdtemp");
  return {buffer.data()};
}

constexpr long day = 24L * 3600;  // NOLINT(google-runtime-int)

}  // namespace

test_pki::test_pki() : folder_(make_temp_folder()) {
  const auto save = [this](const char* stem, X509* cert, EVP_PKEY* key) {
    identity id{folder_ / (std::string(stem) + ".pem"), folder_ / (std::string(stem) + ".key")};
    write_pem(id.cert, cert);
    write_pem(id.key, key);
    return id;
  };
  auto ca_key = make_key();
  auto ca = issue({"corofetch test CA", true, -day, 30 * day, 1}, ca_key.get(), nullptr, nullptr);
  ca_ = save("ca", ca.get(), ca_key.get());

  auto server_key = make_key();
  auto server =
      issue({"localhost", false, -day, 30 * day, 2}, server_key.get(), ca.get(), ca_key.get());
  server_ = save("server", server.get(), server_key.get());

  auto self_key = make_key();
  auto self = issue({"localhost", false, -day, 30 * day, 3}, self_key.get(), nullptr, nullptr);
  self_signed_ = save("self_signed", self.get(), self_key.get());

  auto old_key = make_key();
  auto old = issue({"localhost", false, -30 * day, -day, 4}, old_key.get(), ca.get(), ca_key.get());
  expired_ = save("expired", old.get(), old_key.get());
}

test_pki::~test_pki() {
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

const test_pki& shared_pki() {
  static const test_pki pki;
  return pki;
}

}  // namespace corofetch::test
