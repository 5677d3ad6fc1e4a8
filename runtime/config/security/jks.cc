#include "runtime/config/security/jks.h"

#include <fmt/format.h>

#include "libs/base/strings.h"

namespace kc::config::security {
namespace {

std::string stem(std::string_view path) {
  for (std::string_view ext : {".jks", ".JKS", ".jceks", ".keystore", ".truststore"}) {
    if (strings::ends_with(path, ext)) return std::string(path.substr(0, path.size() - ext.size()));
  }
  return std::string(path);
}

}  // namespace

std::string jks_conversion_help(StoreRole role, std::string_view display_key,
                                std::string_view path) {
  auto ssl = display_key.rfind("ssl.");
  std::string_view prefix = display_key.substr(0, ssl == std::string_view::npos ? 0 : ssl);
  std::string p12 = stem(path) + ".p12";
  std::string src = path.empty() ? std::string("store.jks") : std::string(path);
  if (role == StoreRole::kKeystore) {
    return fmt::format(
        "librdkafka cannot read Java KeyStores (JKS); convert it to PKCS#12 (same passwords):\n"
        "    keytool -importkeystore -srckeystore {0} -srcstoretype JKS -destkeystore {1} "
        "-deststoretype PKCS12\n"
        "  then set {2}ssl.keystore.location={1} and {2}ssl.keystore.type=PKCS12; or to PEM:\n"
        "    openssl pkcs12 -in {1} -nokeys -out client.crt\n"
        "    openssl pkcs12 -in {1} -nocerts -out client.key   (add -nodes for an unencrypted "
        "key)\n"
        "  then set {2}ssl.keystore.type=PEM with the certificate and key in one file, or "
        "librdkafka's ssl.certificate.location and ssl.key.location",
        src, p12, prefix);
  }
  return fmt::format(
      "librdkafka cannot read Java KeyStores (JKS); convert the truststore to PKCS#12:\n"
      "    keytool -importkeystore -srckeystore {0} -srcstoretype JKS -destkeystore {1} "
      "-deststoretype PKCS12\n"
      "  then set {2}ssl.truststore.location={1} and {2}ssl.truststore.type=PKCS12; or export "
      "each CA as PEM (keytool -list -keystore {0} shows the aliases):\n"
      "    keytool -exportcert -rfc -keystore {0} -alias <alias> >> ca.pem\n"
      "  then set {2}ssl.truststore.location=ca.pem and {2}ssl.truststore.type=PEM",
      src, p12, prefix);
}

}  // namespace kc::config::security
