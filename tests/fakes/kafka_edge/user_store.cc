#include "tests/fakes/kafka_edge/user_store.h"

#include "tests/fakes/kafka_edge/plain.h"

namespace kc::fakes::kafka_edge {

Result<std::shared_ptr<const UserStore>> UserStore::create(
    const std::map<std::string, std::string>& users, int scram_iterations) {
  auto store = std::make_shared<UserStore>(Private{});
  for (const auto& [name, password] : users) {
    if (name.empty() || password.empty()) {
      return make_error(Errc::kInvalidArgument, "SASL user names and passwords must not be empty");
    }
    Entry entry;
    KC_ASSIGN_OR_RETURN(entry.password_digest, hash(Digest::kSha256, password));
    for (auto [digest, cred] :
         {std::pair{Digest::kSha256, &entry.sha256}, std::pair{Digest::kSha512, &entry.sha512}}) {
      KC_ASSIGN_OR_RETURN(std::string salt, random_bytes(16));
      KC_ASSIGN_OR_RETURN(*cred, make_scram_credential(digest, password, salt, scram_iterations));
    }
    store->users_.emplace(name, std::move(entry));
  }
  return std::shared_ptr<const UserStore>(std::move(store));
}

bool UserStore::check_plain(std::string_view user, std::string_view password) const {
  auto given = hash(Digest::kSha256, password);
  auto it = users_.find(user);
  // Hash even for an unknown user so both paths cost the same.
  if (!given || it == users_.end()) return false;
  return constant_time_equal(*given, it->second.password_digest);
}

const ScramCredential* UserStore::scram(Digest digest, std::string_view user) const {
  auto it = users_.find(user);
  if (it == users_.end()) return nullptr;
  return digest == Digest::kSha256 ? &it->second.sha256 : &it->second.sha512;
}

Result<std::unique_ptr<SaslServer>> UserStore::new_server(SaslMechanism mechanism) const {
  auto self = shared_from_this();
  if (mechanism == SaslMechanism::kPlain) {
    return std::make_unique<PlainServer>([self](std::string_view user, std::string_view password) {
      return self->check_plain(user, password);
    });
  }
  Digest digest = mechanism == SaslMechanism::kScramSha256 ? Digest::kSha256 : Digest::kSha512;
  KC_ASSIGN_OR_RETURN(std::string nonce, new_server_nonce());
  return std::make_unique<ScramServer>(
      digest, [self, digest](std::string_view user) { return self->scram(digest, user); },
      std::move(nonce));
}

}  // namespace kc::fakes::kafka_edge
