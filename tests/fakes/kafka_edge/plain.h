#pragma once

// SASL PLAIN, server side (RFC 4616): one message "[authzid] NUL authcid NUL passwd", an empty
// reply on success. An authzid, when present, must equal the authcid (as Kafka requires).

#include <functional>
#include <string>
#include <string_view>

#include "tests/fakes/kafka_edge/sasl_server.h"

namespace kc::fakes::kafka_edge {

class PlainServer final : public SaslServer {
 public:
  // Returns true when `password` is `user`'s password. Must compare in constant time.
  using Verifier = std::function<bool(std::string_view user, std::string_view password)>;

  explicit PlainServer(Verifier verify) : verify_(std::move(verify)) {}

  Result<std::string> evaluate(std::string_view client_message) override;
  bool complete() const override { return complete_; }
  const std::string& user() const override { return user_; }

 private:
  Verifier verify_;
  bool complete_ = false;
  bool done_ = false;
  std::string user_;
};

}  // namespace kc::fakes::kafka_edge
