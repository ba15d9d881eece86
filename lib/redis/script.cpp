#include <corofetch/redis/script.hpp>

#include <openssl/sha.h>

#include <array>

namespace corofetch::redis {

script::script(std::string source) : source_(std::move(source)) {
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  // SHA-1 names the script in Redis' cache (EVALSHA); it is not used for security here.
  SHA1(reinterpret_cast<const unsigned char*>(source_.data()),  // NOLINT: bytes of the text
       source_.size(), digest.data());
  constexpr const char* hex = "0123456789abcdef";
  sha1_.reserve(digest.size() * 2);
  for (const unsigned char b : digest) {
    sha1_ += hex[b >> 4];
    sha1_ += hex[b & 0xF];
  }
}

}  // namespace corofetch::redis
