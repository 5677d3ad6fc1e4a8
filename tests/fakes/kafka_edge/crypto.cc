#include "tests/fakes/kafka_edge/crypto.h"

#include <climits>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace kc::fakes::kafka_edge {
namespace {

const EVP_MD* md(Digest digest) { return digest == Digest::kSha256 ? EVP_sha256() : EVP_sha512(); }

tl::unexpected<Error> openssl_error(std::string_view what) {
  char buf[256] = {};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  ERR_clear_error();
  return make_error(Errc::kInternal, "{} failed: {}", what, buf);
}

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes_of(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

size_t digest_size(Digest digest) { return static_cast<size_t>(EVP_MD_get_size(md(digest))); }

Result<std::string> hash(Digest digest, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), bytes_of(out), &size, md(digest), nullptr) != 1) {
    return openssl_error("EVP_Digest");
  }
  out.resize(size);
  return out;
}

Result<std::string> hmac(Digest digest, std::string_view key, std::string_view data) {
  if (key.size() > INT_MAX) return make_error(Errc::kInvalidArgument, "HMAC key too long");
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int size = 0;
  if (HMAC(md(digest), key.data(), static_cast<int>(key.size()), bytes_of(data), data.size(),
           bytes_of(out), &size) == nullptr) {
    return openssl_error("HMAC");
  }
  out.resize(size);
  return out;
}

Result<std::string> pbkdf2(Digest digest, std::string_view password, std::string_view salt,
                           int iterations) {
  if (password.size() > INT_MAX || salt.size() > INT_MAX || iterations < 1) {
    return make_error(Errc::kInvalidArgument, "PBKDF2 arguments out of range");
  }
  std::string out(digest_size(digest), '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes_of(salt),
                        static_cast<int>(salt.size()), iterations, md(digest),
                        static_cast<int>(out.size()), bytes_of(out)) != 1) {
    return openssl_error("PKCS5_PBKDF2_HMAC");
  }
  return out;
}

Result<std::string> random_bytes(size_t n) {
  std::string out(n, '\0');
  if (n > INT_MAX || RAND_bytes(bytes_of(out), static_cast<int>(n)) != 1) {
    return openssl_error("RAND_bytes");
  }
  return out;
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(bytes_of(out), bytes_of(data), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  auto invalid = [] { return make_error(Errc::kInvalidArgument, "invalid base64"); };
  if (text.size() % 4 != 0 || text.size() > INT_MAX) return invalid();
  size_t padding = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') {
      // '=' only in the last two positions, and nothing but '=' after the first one.
      if (i + 2 < text.size()) return invalid();
      ++padding;
    } else if (padding > 0 || !is_base64_char(c)) {
      return invalid();
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(bytes_of(out), bytes_of(text), static_cast<int>(text.size()));
  if (n < 0) return invalid();
  // EVP_DecodeBlock counts the bytes the padding stands for; drop them.
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kc::fakes::kafka_edge
