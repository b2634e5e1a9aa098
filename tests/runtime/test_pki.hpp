// A throwaway PKI for the TLS tests, made in-process with the OpenSSL 3 C API (no `openssl`
// tool): a CA (self-signed, P-256) and server certificates signed by it with the subjectAltNames
// the test asks for, written as PEM files into a directory the caller owns. Keys are EC P-256 so
// that generation takes milliseconds. Certificates are valid from an hour ago for a day (OpenSSL
// checks them against the real time). Throws std::runtime_error when OpenSSL refuses.
#pragma once

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace djflow::testing::pki {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

inline KeyPtr new_key() {
  KeyPtr k(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  check(k != nullptr, "EVP_EC_gen");
  return k;
}

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, value);
  check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

// An unsigned certificate for `key` named `cn`, issued by `issuer` (by itself when null).
inline CertPtr new_cert(EVP_PKEY* key, const std::string& cn, long serial, X509* issuer) {
  CertPtr cert(X509_new(), &X509_free);
  check(cert != nullptr, "X509_new");
  X509* x = cert.get();
  check(X509_set_version(x, X509_VERSION_3) == 1, "X509_set_version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(x), serial) == 1, "serial");
  check(X509_gmtime_adj(X509_getm_notBefore(x), -3600) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600) != nullptr, "notAfter");
  check(X509_set_pubkey(x, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(x);
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("djflow tests"),
                                   -1, -1, 0) == 1, "O");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                                   -1, 0) == 1, "CN");
  check(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1, "issuer");
  add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
  return cert;
}

inline void sign(X509* cert, EVP_PKEY* key) { check(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign"); }

inline void write_cert(const std::filesystem::path& p, X509* cert) {
  FILE* f = std::fopen(p.c_str(), "w");
  check(f != nullptr, "fopen");
  const bool ok = PEM_write_X509(f, cert) == 1;
  std::fclose(f);
  check(ok, "PEM_write_X509");
}

inline void write_key(const std::filesystem::path& p, EVP_PKEY* key) {
  FILE* f = std::fopen(p.c_str(), "w");
  check(f != nullptr, "fopen");
  const bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  check(ok, "PEM_write_PrivateKey");
}

struct ServerFiles {
  std::string cert;  // PEM: the server certificate
  std::string key;   // PEM: its private key
};

// The CA: key and self-signed certificate, kept in memory to sign servers; `ca_file` its PEM.
class Authority {
 public:
  Authority(const std::filesystem::path& dir, const std::string& cn)
      : dir_(dir), key_(new_key()), cert_(new_cert(key_.get(), cn, 1, nullptr)) {
    add_ext(cert_.get(), cert_.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert_.get(), cert_.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    sign(cert_.get(), key_.get());
    ca_file_ = (dir_ / (file_stem(cn) + ".pem")).string();
    write_cert(ca_file_, cert_.get());
  }
  const std::string& ca_file() const { return ca_file_; }

  // A server certificate named `name` with subjectAltName `san` (e.g. "IP:127.0.0.1,DNS:localhost").
  ServerFiles issue(const std::string& name, const std::string& san) {
    auto key = new_key();
    auto cert = new_cert(key.get(), name, ++serial_, cert_.get());
    add_ext(cert.get(), cert_.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), cert_.get(), NID_key_usage, "critical,digitalSignature");
    add_ext(cert.get(), cert_.get(), NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), cert_.get(), NID_subject_alt_name, san.c_str());
    sign(cert.get(), key_.get());
    ServerFiles out{(dir_ / (file_stem(name) + ".crt")).string(), (dir_ / (file_stem(name) + ".key")).string()};
    write_cert(out.cert, cert.get());
    write_key(out.key, key.get());
    return out;
  }

 private:
  static std::string file_stem(std::string s) {
    for (auto& c : s)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return s;
  }
  std::filesystem::path dir_;
  KeyPtr key_;
  CertPtr cert_;
  std::string ca_file_;
  long serial_ = 1;
};

}  // namespace djflow::testing::pki
