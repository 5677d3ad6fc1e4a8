#include "runtime/config/security/material.h"

#include <fmt/format.h>

#include "libs/base/strings.h"
#include "libs/tls/parse.h"
#include "runtime/config/security/jks.h"

namespace kc::config::security {
namespace {

std::string_view prefix_of(std::string_view label) {
  auto ssl = label.rfind("ssl.");
  return label.substr(0, ssl == std::string_view::npos ? 0 : ssl);
}

// The format a file must have for what the configuration says it is, checked before parsing so
// that a store of the wrong kind gets a message that says what to set.
Status check_format(const tls::Input& input, const tls::Snapshot& snapshot, tls::Format expected,
                    StoreRole role) {
  if (input.file.empty()) return ok();
  auto it = snapshot.contents.find(input.file);
  if (it == snapshot.contents.end()) return ok();
  auto actual = tls::sniff_format(it->second);
  if (actual == tls::Format::kJks || actual == tls::Format::kJceks) {
    return make_error(Errc::kUnsupported, "{} is a Java KeyStore ({}). {}", input.describe(),
                      tls::format_name(actual), jks_conversion_help(role, input.label, input.file));
  }
  if (actual == expected || actual == tls::Format::kUnknown) return ok();
  auto prefix = prefix_of(input.label);
  std::string type_key =
      role == StoreRole::kTruststore ? "ssl.truststore.type" : "ssl.keystore.type";
  std::string_view type = actual == tls::Format::kPkcs12 ? "PKCS12" : "PEM";
  return make_error(Errc::kInvalidConfig, "{} holds a {} store, not {}: set {}{}={}",
                    input.describe(), tls::format_name(actual), tls::format_name(expected), prefix,
                    type_key, type);
}

Status check_formats(const tls::MaterialSource& m, const tls::Snapshot& snapshot) {
  auto trust_format =
      m.trust_type == tls::StoreType::kPkcs12 ? tls::Format::kPkcs12 : tls::Format::kPem;
  KC_RETURN_IF_ERROR(check_format(m.trust, snapshot, trust_format, StoreRole::kTruststore));
  KC_RETURN_IF_ERROR(
      check_format(m.keystore, snapshot, tls::Format::kPkcs12, StoreRole::kKeystore));
  KC_RETURN_IF_ERROR(
      check_format(m.certificate, snapshot, tls::Format::kPem, StoreRole::kKeystore));
  return check_format(m.key, snapshot, tls::Format::kPem, StoreRole::kKeystore);
}

}  // namespace

Result<CheckedMaterial> check_material(const SecuritySettings& settings,
                                       const tls::ValidationOptions& options,
                                       const LibrdkafkaBuild& build) {
  CheckedMaterial out;
  const auto& source = settings.material;
  if (source.empty() && !source.key.given()) return out;
  KC_ASSIGN_OR_RETURN(auto snapshot, tls::read_inputs(source));
  KC_RETURN_IF_ERROR(check_formats(source, snapshot));
  KC_ASSIGN_OR_RETURN(out.material, tls::load_material(source, snapshot));
  KC_ASSIGN_OR_RETURN(auto report, tls::validate(*out.material, options));
  out.warnings = std::move(report.warnings);
  if (source.keystore.given() && out.material->chain.size() > 1 &&
      build.version_number < 0x020800ff) {
    out.warnings.push_back(fmt::format(
        "{}: librdkafka {} sends only the leaf certificate of a PKCS#12 keystore, not the {} "
        "intermediate certificate(s) in it (fixed in 2.8.0, confluentinc/librdkafka#4894): the "
        "broker must trust the intermediates, or use a PEM file (ssl.keystore.type=PEM), whose "
        "whole chain is sent",
        source.keystore.describe(), build.version, out.material->chain.size() - 1));
  }
  out.properties = material_properties(settings, *out.material);
  return out;
}

void check_material(const SecuritySettings& settings, std::vector<api::ConfigIssue>& issues,
                    const tls::ValidationOptions& options) {
  const auto& m = settings.material;
  auto key_of = [&](std::string_view message) {
    for (const tls::Input* input : {&m.trust, &m.keystore, &m.certificate, &m.key}) {
      if (input->given() && strings::starts_with(message, input->label)) return input->label;
    }
    return std::string("ssl");
  };
  auto checked = check_material(settings, options);
  if (!checked) {
    issues.push_back({api::ConfigIssue::Severity::kError, key_of(checked.error().message()), "",
                      checked.error().message()});
    return;
  }
  for (const auto& warning : checked->warnings) {
    issues.push_back({api::ConfigIssue::Severity::kWarning, key_of(warning), "", warning});
  }
}

std::vector<Property> material_properties(const SecuritySettings& settings,
                                          const tls::Material& material) {
  std::vector<Property> out;
  const auto& source = settings.material;
  if (source.trust_type == tls::StoreType::kPkcs12 && source.trust.given()) {
    out.push_back({"ssl.ca.pem", material.trusted_pem(), source.trust.label});
  }
  if (source.keystore.given()) {
    out.push_back({"ssl.certificate.pem", material.chain_pem(), source.keystore.label});
    out.push_back({"ssl.key.pem", material.key_pem(), source.keystore.label});
  }
  return out;
}

}  // namespace kc::config::security
