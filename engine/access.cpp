#include "engine/access.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "engine/history_hash.hpp"

namespace djflow::engine {
namespace {

std::string base64(const unsigned char* data, std::size_t n, bool url) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  if (url) {
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return out;
}

std::optional<std::vector<unsigned char>> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3);
  const int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
  if (len < 0) return std::nullopt;
  std::size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(len) - pad);
  return out;
}

std::array<unsigned char, 32> pbkdf2(std::string_view password, const unsigned char* salt, std::size_t salt_len,
                                      int iterations) {
  std::array<unsigned char, 32> out{};
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, static_cast<int>(salt_len),
                        iterations, EVP_sha256(), static_cast<int>(out.size()), out.data()) != 1)
    throw std::runtime_error("PBKDF2 failed");
  return out;
}

}  // namespace

std::string_view role_id(Role r) {
  switch (r) {
    case Role::Viewer: return "viewer";
    case Role::Secretary: return "secretary";
    case Role::Organiser: return "organiser";
    case Role::Admin: return "admin";
  }
  return "viewer";
}

const Text& role_label(Role r) {
  static const Text viewer{"查看人员", "viewer"};
  static const Text secretary{"支部书记（委员）", "secretary"};
  static const Text organiser{"组织员", "organiser"};
  static const Text admin{"系统管理员", "admin"};
  switch (r) {
    case Role::Viewer: return viewer;
    case Role::Secretary: return secretary;
    case Role::Organiser: return organiser;
    case Role::Admin: return admin;
  }
  return viewer;
}

std::optional<Role> parse_role(std::string_view t) {
  if (t == "viewer" || t == "查看" || t == "查看人员" || t == "只读") return Role::Viewer;
  if (t == "secretary" || t == "书记" || t == "支部书记" || t == "委员" || t == "支部书记（委员）") return Role::Secretary;
  if (t == "organiser" || t == "organizer" || t == "组织员") return Role::Organiser;
  if (t == "admin" || t == "管理员" || t == "系统管理员") return Role::Admin;
  return std::nullopt;
}

std::string hash_password(std::string_view password, int iterations) {
  std::array<unsigned char, 16> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  const auto h = pbkdf2(password, salt.data(), salt.size(), iterations);
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + base64(salt.data(), salt.size(), false) + "$" +
         base64(h.data(), h.size(), false);
}

bool verify_password(std::string_view password, std::string_view stored) {
  constexpr std::string_view kPrefix = "pbkdf2-sha256$";
  if (stored.substr(0, kPrefix.size()) != kPrefix) return false;
  stored.remove_prefix(kPrefix.size());
  const auto d1 = stored.find('$');
  if (d1 == std::string_view::npos) return false;
  const auto d2 = stored.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  int iterations = 0;
  const auto it = stored.substr(0, d1);
  if (std::from_chars(it.data(), it.data() + it.size(), iterations).ec != std::errc{} || iterations < 1 ||
      iterations > 100000000)
    return false;
  const auto salt = unbase64(stored.substr(d1 + 1, d2 - d1 - 1));
  const auto want = unbase64(stored.substr(d2 + 1));
  if (!salt || !want || want->size() != 32) return false;
  const auto got = pbkdf2(password, salt->data(), salt->size(), iterations);
  return CRYPTO_memcmp(got.data(), want->data(), got.size()) == 0;
}

std::string random_token() {
  std::array<unsigned char, 32> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  return base64(b.data(), b.size(), true);
}

// The same SHA-256 as the history's hashes (low-level OpenSSL, decision 0122): a web request
// or `--token` check needs no EVP provider start-up.
std::string token_digest(std::string_view token) { return sha256_hex(token); }

bool equal_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace djflow::engine
