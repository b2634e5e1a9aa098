#include "engine/runtime/signing.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace djflow::engine::runtime {

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string dingtalk_sign(std::int64_t timestamp_ms, std::string_view secret) {
  const std::string to_sign = std::to_string(timestamp_ms) + "\n" + std::string(secret);
  return url_encode(base64(hmac_sha256(secret, to_sign)));
}

std::string feishu_sign(std::int64_t timestamp_s, std::string_view secret) {
  const std::string key = std::to_string(timestamp_s) + "\n" + std::string(secret);
  return base64(hmac_sha256(key, ""));
}

}  // namespace djflow::engine::runtime
