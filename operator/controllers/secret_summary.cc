#include "operator/controllers/secret_summary.h"

#include "libs/base/base64.h"
#include "libs/base/time.h"
#include "libs/tls/parse.h"

namespace kc::operator_controllers {
namespace {

constexpr const char* kSummary = "kconnect.dev/summary";

}  // namespace

std::vector<operator_model::CertificateInfo> parse_certificates(std::string_view pem) {
  std::vector<operator_model::CertificateInfo> out;
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos) return out;
  auto certs = tls::parse_pem_certificates(pem, "certificate");
  if (!certs) return out;  // a broken block: no certificate is shown for the key
  out.reserve(certs->size());
  for (const auto& cert : *certs) {
    out.push_back({cert.subject(), format_time(cert.not_after())});
  }
  return out;
}

void summarize_secret(kube::Object& secret) {
  kube::Object summary = {{"keys", kube::Object::array()},
                          {"certificates", kube::Object::object()}};
  for (const char* field : {"data", "stringData"}) {
    auto it = secret.find(field);
    if (it == secret.end() || !it->is_object()) continue;
    for (const auto& [key, value] : it->items()) {
      summary["keys"].push_back(key);
      if (!value.is_string()) continue;
      std::string text = value.get<std::string>();
      if (std::string_view(field) == "data") text = base64::decode(text).value_or("");
      auto certs = parse_certificates(text);
      if (certs.empty()) continue;
      kube::Object list = kube::Object::array();
      for (const auto& c : certs)
        list.push_back({{"subject", c.subject}, {"notAfter", c.not_after}});
      summary["certificates"][key] = std::move(list);
    }
  }
  std::sort(summary["keys"].begin(), summary["keys"].end());
  secret.erase("data");
  secret.erase("stringData");
  if (secret.contains("metadata") && secret["metadata"].is_object()) {
    secret["metadata"].erase("managedFields");
    secret["metadata"].erase("annotations");
  }
  secret[kSummary] = std::move(summary);
}

operator_model::SecretInfo secret_info(const kube::Object& secret) {
  operator_model::SecretInfo info;
  auto it = secret.find(kSummary);
  if (it == secret.end()) return info;
  for (const auto& k : it->value("keys", kube::Object::array())) {
    if (k.is_string()) info.keys.push_back(k.get<std::string>());
  }
  const kube::Object certificates = it->value("certificates", kube::Object::object());
  for (const auto& [key, list] : certificates.items()) {
    for (const auto& c : list) {
      info.certificates[key].push_back({c.value("subject", ""), c.value("notAfter", "")});
    }
  }
  return info;
}

}  // namespace kc::operator_controllers
