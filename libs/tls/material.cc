#include "libs/tls/material.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <openssl/pem.h>

namespace kc::tls {
namespace {

// Certificate and key files are small; anything this large is not one.
constexpr std::streamoff kMaxFileBytes = 16 << 20;

Result<std::string> read_file(const Input& input) {
  std::ifstream in(input.file, std::ios::binary);
  if (!in) {
    return make_error(Errc::kInvalidConfig, "{}: cannot read the file: {}", input.describe(),
                      std::strerror(errno));
  }
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size > kMaxFileBytes) {
    return make_error(Errc::kInvalidConfig,
                      "{}: the file is too large ({} bytes) to be a certificate or key file",
                      input.describe(), static_cast<int64_t>(size));
  }
  in.seekg(0, std::ios::beg);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) {
    return make_error(Errc::kInvalidConfig, "{}: cannot read the file", input.describe());
  }
  return bytes.str();
}

std::string_view bytes_of(const Input& input, const Snapshot& snapshot) {
  if (input.file.empty()) return input.text;
  auto it = snapshot.contents.find(input.file);
  return it == snapshot.contents.end() ? std::string_view() : std::string_view(it->second);
}

Status refuse_java_keystore(Format format, const Input& input) {
  if (format != Format::kJks && format != Format::kJceks) return ok();
  return make_error(Errc::kUnsupported,
                    "{} is a Java KeyStore ({}), which OpenSSL cannot read: convert it to "
                    "PKCS#12 or PEM",
                    input.describe(), format_name(format));
}

Format resolve_type(StoreType type, std::string_view bytes) {
  switch (type) {
    case StoreType::kPem:
      return Format::kPem;
    case StoreType::kPkcs12:
      return Format::kPkcs12;
    case StoreType::kAuto:
      break;
  }
  return sniff_format(bytes);
}

void add_expiry(std::vector<InputExpiry>& out, const Input& input,
                const std::vector<Certificate>& certs) {
  const Certificate* earliest = nullptr;
  for (const auto& c : certs) {
    if (!earliest || c.not_after() < earliest->not_after()) earliest = &c;
  }
  if (!earliest) return;
  out.push_back({input.label, input.file, earliest->not_after(), earliest->subject()});
}

}  // namespace

std::string describe_input(std::string_view label, std::string_view file) {
  return file.empty() ? fmt::format("{} (inline)", label) : fmt::format("{} ({})", label, file);
}

std::vector<std::string> MaterialSource::files() const {
  std::vector<std::string> out;
  for (const Input* input : {&trust, &keystore, &certificate, &key}) {
    if (input->file.empty()) continue;
    if (std::find(out.begin(), out.end(), input->file) == out.end()) out.push_back(input->file);
  }
  return out;
}

Result<Snapshot> read_inputs(const MaterialSource& source) {
  Snapshot snapshot;
  std::string all;
  for (const Input* input : {&source.trust, &source.keystore, &source.certificate, &source.key}) {
    if (!input->given()) continue;
    std::string_view bytes = input->text;
    if (!input->file.empty()) {
      auto it = snapshot.contents.find(input->file);
      if (it == snapshot.contents.end()) {
        KC_ASSIGN_OR_RETURN(auto content, read_file(*input));
        it = snapshot.contents.emplace(input->file, std::move(content)).first;
      }
      bytes = it->second;
    }
    // Length-prefixed, so no two different sets hash alike.
    for (std::string_view part :
         {std::string_view(input->label), std::string_view(input->file), bytes}) {
      all += fmt::format("{}:", part.size());
      all += part;
    }
  }
  for (const std::string* password :
       {&source.trust_password, &source.keystore_password, &source.key_password}) {
    all += fmt::format("{}:", password->size());
    all += *password;
  }
  snapshot.digest = sha256_hex(all);
  return snapshot;
}

std::string Material::trusted_pem() const {
  std::string out;
  for (const auto& c : trusted) out += c.pem();
  return out;
}

std::string Material::chain_pem() const {
  std::string out;
  for (const auto& c : chain) out += c.pem();
  return out;
}

std::string Material::key_pem() const {
  if (!key) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    take_openssl_errors();
    return {};
  }
  return bio_contents(bio.get());
}

Result<std::shared_ptr<const Material>> load_material(const MaterialSource& source,
                                                      const Snapshot& snapshot) {
  auto material = std::make_shared<Material>();
  material->digest = snapshot.digest;

  if (source.trust.given()) {
    auto bytes = bytes_of(source.trust, snapshot);
    Format format = resolve_type(source.trust_type, bytes);
    KC_RETURN_IF_ERROR(refuse_java_keystore(format, source.trust));
    material->trust_label = source.trust.describe();
    if (format == Format::kPkcs12) {
      KC_ASSIGN_OR_RETURN(auto store,
                          parse_pkcs12(bytes, source.trust_password, material->trust_label));
      if (store.leaf) material->trusted.push_back(std::move(*store.leaf));
      for (auto& c : store.others) material->trusted.push_back(std::move(c));
      if (material->trusted.empty()) {
        return make_error(Errc::kInvalidConfig, "{}: the PKCS#12 truststore holds no certificate",
                          material->trust_label);
      }
    } else {
      KC_ASSIGN_OR_RETURN(material->trusted, parse_pem_certificates(bytes, material->trust_label));
    }
    add_expiry(material->expiries, source.trust, material->trusted);
  }

  if (source.keystore.given()) {
    auto bytes = bytes_of(source.keystore, snapshot);
    KC_RETURN_IF_ERROR(refuse_java_keystore(sniff_format(bytes), source.keystore));
    material->chain_label = material->key_label = source.keystore.describe();
    KC_ASSIGN_OR_RETURN(auto store,
                        parse_pkcs12(bytes, source.keystore_password, material->chain_label));
    if (!store.leaf || !store.key) {
      return make_error(Errc::kInvalidConfig,
                        "{}: the PKCS#12 keystore holds no private key with its certificate "
                        "(is it a truststore?)",
                        material->chain_label);
    }
    material->chain.push_back(std::move(*store.leaf));
    for (auto& c : store.others) material->chain.push_back(std::move(c));
    material->key = std::move(store.key);
    add_expiry(material->expiries, source.keystore, material->chain);
  } else if (source.certificate.given() || source.key.given()) {
    if (!source.certificate.given()) {
      return make_error(Errc::kInvalidConfig, "{} is set but no client certificate is",
                        source.key.describe());
    }
    if (!source.key.given()) {
      return make_error(Errc::kInvalidConfig, "{} is set but not its private key",
                        source.certificate.describe());
    }
    material->chain_label = source.certificate.describe();
    material->key_label = source.key.describe();
    auto cert_bytes = bytes_of(source.certificate, snapshot);
    KC_RETURN_IF_ERROR(refuse_java_keystore(sniff_format(cert_bytes), source.certificate));
    KC_ASSIGN_OR_RETURN(material->chain, parse_pem_certificates(cert_bytes, material->chain_label));
    auto key_bytes = bytes_of(source.key, snapshot);
    KC_ASSIGN_OR_RETURN(material->key,
                        parse_pem_private_key(key_bytes, source.key_password, material->key_label));
    add_expiry(material->expiries, source.certificate, material->chain);
  }
  return std::shared_ptr<const Material>(std::move(material));
}

}  // namespace kc::tls
