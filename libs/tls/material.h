#pragma once

// A client's TLS material as a whole: the CA certificates that verify the broker, and the client's
// own certificate chain and private key, each read from a file or given inline.
//
//   MaterialSource source{.trust = {.label = "ssl.ca.location", .file = "/etc/tls/ca.crt"},
//                         .certificate = {...}, .key = {...}};
//   auto snapshot = read_inputs(source);          // bytes + digest; cheap, no parsing
//   auto material = load_material(source, *snapshot);   // parsed
//   auto report = validate(**material, {.now = std::chrono::system_clock::now()});
//
// Threading: free functions, safe from any thread; a Material is immutable once loaded and is
// shared as std::shared_ptr<const Material>.
// Secrets: a MaterialSource holds passwords and a Material a private key; neither is ever logged
// or put in an error message. Messages name inputs by their label and file.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libs/base/error.h"
#include "libs/tls/certificate.h"
#include "libs/tls/openssl.h"
#include "libs/tls/parse.h"

namespace kc::tls {

// "label (file)", or "label (inline)" when `file` is empty.
std::string describe_input(std::string_view label, std::string_view file);

// One input: a file, or text given inline in the configuration.
struct Input {
  std::string label;  // what messages and metrics call it: the configuration key the user wrote
  std::string file;   // path as configured; empty when inline or not given
  std::string text;   // inline content (when `file` is empty)

  bool given() const { return !file.empty() || !text.empty(); }
  // "ssl.keystore.location (/etc/tls/client.p12)" or "ssl.keystore.key (inline)".
  std::string describe() const { return describe_input(label, file); }
};

enum class StoreType { kAuto, kPem, kPkcs12 };  // kAuto: recognised from the content

struct MaterialSource {
  // CA certificates that verify the broker: a PEM bundle or a PKCS#12 truststore. Not given: the
  // system trust store (not watched).
  Input trust;
  StoreType trust_type = StoreType::kAuto;
  std::string trust_password;  // PKCS#12 truststores only
  // The client's identity: a PKCS#12 keystore, or a PEM chain (leaf first) plus a PEM private
  // key (the two may be the same file). Neither: no client certificate.
  Input keystore;
  std::string keystore_password;
  Input certificate;
  Input key;
  std::string key_password;  // for an encrypted PEM key

  bool empty() const { return !trust.given() && !keystore.given() && !certificate.given(); }
  // Every distinct file path, in the order above (what a watcher watches).
  std::vector<std::string> files() const;
};

// The bytes of every input, read once, and a digest of the whole set (labels, paths, contents,
// passwords): equal digests mean nothing that matters changed.
struct Snapshot {
  std::map<std::string, std::string> contents;  // file path -> bytes
  std::string digest;
};
// Errors: Errc::kInvalidConfig naming the input whose file cannot be read.
Result<Snapshot> read_inputs(const MaterialSource& source);

// Certificates in one input, for expiry reporting.
struct InputExpiry {
  std::string label;
  std::string file;      // empty when inline
  SystemTime not_after;  // of its earliest-expiring certificate
  std::string subject;   // of that certificate
};

struct Material {
  std::string digest;                // Snapshot::digest it was loaded from
  std::vector<Certificate> trusted;  // empty: the system trust store
  std::vector<Certificate> chain;    // the client's certificates as given, leaf first
  PkeyPtr key;                       // null when there is no client certificate
  std::string trust_label;           // Input::describe() of each part, for messages
  std::string chain_label;
  std::string key_label;
  std::vector<InputExpiry> expiries;  // one per input holding certificates

  // Every trusted certificate as PEM (for librdkafka's ssl.ca.pem).
  std::string trusted_pem() const;
  // The client chain as PEM, leaf first (for ssl.certificate.pem).
  std::string chain_pem() const;
  // The private key as unencrypted PKCS#8 PEM (for ssl.key.pem); empty without a key. A secret:
  // hand it to the client and never log it.
  std::string key_pem() const;
};

// Parses every input of `source` from `snapshot` (inline inputs from the source itself).
// Errors: Errc::kInvalidConfig / kPermissionDenied / kUnsupported (see parse.h), naming the input.
Result<std::shared_ptr<const Material>> load_material(const MaterialSource& source,
                                                      const Snapshot& snapshot);

}  // namespace kc::tls
