#include "tests/fakes/kafka_edge/plain.h"

#include <vector>

#include "libs/base/strings.h"

namespace kc::fakes::kafka_edge {

Result<std::string> PlainServer::evaluate(std::string_view client_message) {
  if (done_) return make_error(Errc::kPermissionDenied, "PLAIN exchange already finished");
  done_ = true;
  // message = [authzid] UTF8NUL authcid UTF8NUL passwd  (RFC 4616 section 2)
  auto parts = strings::split(client_message, '\0');
  if (parts.size() != 3) {
    return make_error(
        Errc::kPermissionDenied,
        "Authentication failed: PLAIN message must be authzid NUL authcid NUL passwd");
  }
  std::string_view authzid = parts[0], authcid = parts[1], password = parts[2];
  if (authcid.empty() || password.empty()) {
    return make_error(Errc::kPermissionDenied,
                      "Authentication failed: username or password not specified");
  }
  if (!authzid.empty() && authzid != authcid) {
    return make_error(Errc::kPermissionDenied,
                      "Authentication failed: Client requested an authorization id that is "
                      "different from username");
  }
  if (!verify_(authcid, password)) {
    return make_error(Errc::kPermissionDenied,
                      "Authentication failed: Invalid username or password");
  }
  user_ = std::string(authcid);
  complete_ = true;
  return std::string();
}

}  // namespace kc::fakes::kafka_edge
