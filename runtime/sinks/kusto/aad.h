#pragma once

// Azure AD (Microsoft Entra ID) access tokens for the kusto sink, one per resource (the engine
// and the data-management endpoint), cached and renewed before they expire.
//
//   application        client credentials grant: POST {host}/{tenant}/oauth2/v2.0/token with
//                      client_id, client_secret, scope={resource}/.default
//                      https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
//   workload_identity  the same grant with a federated credential: client_assertion = the
//                      Kubernetes service account token in AZURE_FEDERATED_TOKEN_FILE, read
//                      again for every new token (kubelet rotates it)
//                      https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow#third-case-access-token-request-with-a-federated-credential
//                      https://azure.github.io/azure-workload-identity/docs/
//   managed_identity   the instance metadata service: GET /metadata/identity/oauth2/token
//                      ?api-version=2018-02-01&resource=...[&client_id=...] with "Metadata: true"
//                      on 169.254.169.254 (or AZURE_POD_IDENTITY_AUTHORITY_HOST)
//                      https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token
//
// Guarantees
//  - A cached token is reused until a tenth of its lifetime (at most 5 minutes) before it expires;
//    invalidate() drops it (a service answered 401: revoked, or the clock was off).
//  - Errors: connection errors, 429 and 5xx are retriable (HttpTarget, Retry-After honoured);
//    a refused credential is kPermissionDenied with Azure AD's error description; no message
//    carries the secret or the assertion.
// Threading: one caller at a time (the sink thread).

#include <chrono>
#include <map>
#include <memory>
#include <stop_token>
#include <string>

#include "libs/base/error.h"
#include "runtime/sinks/common/http_target.h"
#include "runtime/sinks/kusto/settings.h"

namespace kc::sink::kusto {

class TokenProvider {
 public:
  using Clock = std::chrono::system_clock;

  static Result<std::unique_ptr<TokenProvider>> create(const Settings& settings,
                                                       const Environment& environment,
                                                       SinkProbe* probe, std::stop_token stop);

  // A bearer token for `resource` ("https://mycluster.kusto.windows.net").
  Result<std::string> token(const std::string& resource);
  void invalidate(const std::string& resource);

  // Tokens obtained from Azure AD (not from the cache), for tests and logs.
  size_t fetched() const { return fetched_; }

 private:
  struct Cached {
    std::string token;
    Clock::time_point refresh_at;
  };
  TokenProvider() = default;
  Result<Cached> fetch(const std::string& resource);

  AuthStrategy strategy_ = AuthStrategy::kApplication;
  std::string tenant_;
  std::string client_id_;
  std::string client_secret_;
  std::string federated_token_file_;
  std::unique_ptr<HttpTarget> target_;  // the authority host or the metadata endpoint
  std::map<std::string, Cached> cache_;
  size_t fetched_ = 0;
};

}  // namespace kc::sink::kusto
