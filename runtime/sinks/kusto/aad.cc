#include "runtime/sinks/kusto/aad.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "libs/base/strings.h"
#include "libs/http/url.h"

namespace kc::sink::kusto {
namespace {

constexpr auto kMaxRefreshMargin = std::chrono::minutes(5);
constexpr std::string_view kImdsHost = "http://169.254.169.254";

std::string form(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += http::percent_encode(name);
    out.push_back('=');
    out += http::percent_encode(value);
  }
  return out;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(Errc::kUnavailable,
                      fmt::format("cannot read the federated token file {} "
                                  "(AZURE_FEDERATED_TOKEN_FILE)",
                                  path),
                      Retry::kYes);
  }
  std::ostringstream s;
  s << in.rdbuf();
  return std::string(strings::trim(s.str()));
}

// expires_in is a number (Azure AD) or a string of digits (the metadata service).
std::optional<int64_t> seconds_field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) return std::nullopt;
  const auto& v = j[name];
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<TokenProvider>> TokenProvider::create(const Settings& settings,
                                                             const Environment& environment,
                                                             SinkProbe* probe,
                                                             std::stop_token stop) {
  std::unique_ptr<TokenProvider> p(new TokenProvider());
  p->strategy_ = settings.strategy;
  p->tenant_ = settings.tenant;
  p->client_id_ = settings.app_id;
  p->client_secret_ = settings.app_key;
  std::string base = settings.authority_host;
  if (settings.strategy == AuthStrategy::kWorkloadIdentity) {
    p->federated_token_file_ = environment("AZURE_FEDERATED_TOKEN_FILE").value_or("");
  }
  if (settings.strategy == AuthStrategy::kManagedIdentity) {
    base = environment("AZURE_POD_IDENTITY_AUTHORITY_HOST").value_or(std::string(kImdsHost));
    while (!base.empty() && base.back() == '/') base.pop_back();
  }
  KC_ASSIGN_OR_RETURN(p->target_, HttpTarget::create({.base_url = base,
                                                      .connect_timeout = std::chrono::seconds(10),
                                                      .request_timeout = std::chrono::seconds(30),
                                                      .max_response_bytes = 1 << 20},
                                                     probe, std::move(stop)));
  return p;
}

Result<std::string> TokenProvider::token(const std::string& resource) {
  auto it = cache_.find(resource);
  if (it != cache_.end() && Clock::now() < it->second.refresh_at) return it->second.token;
  KC_ASSIGN_OR_RETURN(auto fresh, fetch(resource));
  ++fetched_;
  auto& slot = cache_[resource];
  slot = std::move(fresh);
  return slot.token;
}

void TokenProvider::invalidate(const std::string& resource) { cache_.erase(resource); }

Result<TokenProvider::Cached> TokenProvider::fetch(const std::string& resource) {
  http::Response response;
  std::string where;
  if (strategy_ == AuthStrategy::kManagedIdentity) {
    http::QueryParams query = {{"api-version", "2018-02-01"}, {"resource", resource}};
    if (!client_id_.empty()) query.emplace("client_id", client_id_);
    auto target = "/metadata/identity/oauth2/token?" + http::build_query(query);
    where = target_->describe(http::Method::kGet, target);
    KC_ASSIGN_OR_RETURN(response,
                        target_->request(http::Method::kGet, target, {}, {{"Metadata", "true"}}));
  } else {
    auto scope = resource + "/.default";
    std::string body;
    if (strategy_ == AuthStrategy::kWorkloadIdentity) {
      KC_ASSIGN_OR_RETURN(auto assertion, read_file(federated_token_file_));
      body =
          form({{"client_id", client_id_},
                {"scope", scope},
                {"grant_type", "client_credentials"},
                {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                {"client_assertion", assertion}});
    } else {
      body = form({{"client_id", client_id_},
                   {"scope", scope},
                   {"grant_type", "client_credentials"},
                   {"client_secret", client_secret_}});
    }
    auto target = fmt::format("/{}/oauth2/v2.0/token", http::percent_encode(tenant_));
    where = target_->describe(http::Method::kPost, target);
    KC_ASSIGN_OR_RETURN(response,
                        target_->request(http::Method::kPost, target, body,
                                         {{"Content-Type", "application/x-www-form-urlencoded"},
                                          {"Accept", "application/json"}}));
  }
  auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!response.ok()) {
    std::string description = response.body.substr(0, 300);
    if (json.is_object() && json.contains("error_description") &&
        json["error_description"].is_string()) {
      description = json["error_description"].get<std::string>();
    }
    return make_error(Errc::kPermissionDenied, "Azure AD token for {} from {}: HTTP {}: {}",
                      resource, where, response.status, description);
  }
  if (!json.is_object() || !json.contains("access_token") || !json["access_token"].is_string()) {
    return make_error(Errc::kProtocol,
                      "Azure AD token for {} from {}: no access_token in the answer", resource,
                      where);
  }
  auto lifetime = std::chrono::seconds(seconds_field(json, "expires_in").value_or(300));
  auto margin = std::min<std::chrono::seconds>(
      std::chrono::duration_cast<std::chrono::seconds>(kMaxRefreshMargin), lifetime / 10);
  return Cached{.token = json["access_token"].get<std::string>(),
                .refresh_at = Clock::now() + lifetime - margin};
}

}  // namespace kc::sink::kusto
