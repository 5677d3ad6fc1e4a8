#include "libs/ossl/ossl.h"

#include <fmt/format.h>
#include <openssl/err.h>

namespace kc::ossl {

std::string take_openssl_errors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    if (!out.empty()) out += "; ";
    out += reason ? reason : fmt::format("OpenSSL error {:#x}", code);
  }
  return out;
}

}  // namespace kc::ossl
