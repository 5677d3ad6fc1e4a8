#include "operator/controllers/secret_summary.h"

#include <ctime>
#include <memory>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "libs/base/base64.h"
#include "libs/kube/core/time.h"

namespace kc::operator_controllers {
namespace {

constexpr const char* kSummary = "kconnect.dev/summary";

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::string subject_of(X509* cert) {
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  if (!out) return "";
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : "";
}

std::string not_after_of(X509* cert) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return "";
  return kube::format_time(std::chrono::system_clock::from_time_t(timegm(&tm)));
}

}  // namespace

std::vector<operator_model::CertificateInfo> parse_certificates(std::string_view pem) {
  std::vector<operator_model::CertificateInfo> out;
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos) return out;
  std::unique_ptr<BIO, BioFree> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!in) return out;
  while (true) {
    std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    out.push_back({subject_of(cert.get()), not_after_of(cert.get())});
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
