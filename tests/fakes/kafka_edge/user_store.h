#pragma once

// The edge's users: SCRAM credentials (random salt per user and mechanism) and a digest of each
// password for PLAIN. Built once, immutable, shared by every connection through
// std::shared_ptr<const UserStore>; safe to use from any thread.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fakes/kafka_edge/sasl_server.h"
#include "tests/fakes/kafka_edge/scram.h"

namespace kc::fakes::kafka_edge {

class UserStore : public std::enable_shared_from_this<UserStore> {
  struct Private {};

 public:
  // users: name -> password. Refuses empty names/passwords and iteration counts outside
  // [kScramMinIterations, kScramMaxIterations].
  static Result<std::shared_ptr<const UserStore>> create(
      const std::map<std::string, std::string>& users, int scram_iterations);
  explicit UserStore(Private) {}

  // A server for one exchange with `mechanism`; it keeps this store alive.
  Result<std::unique_ptr<SaslServer>> new_server(SaslMechanism mechanism) const;

  bool check_plain(std::string_view user, std::string_view password) const;
  const ScramCredential* scram(Digest digest, std::string_view user) const;

 private:
  struct Entry {
    std::string password_digest;  // SHA-256, compared in constant time
    ScramCredential sha256;
    ScramCredential sha512;
  };
  std::map<std::string, Entry, std::less<>> users_;
};

}  // namespace kc::fakes::kafka_edge
