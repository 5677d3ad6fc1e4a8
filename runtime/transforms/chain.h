#pragma once

// A connector's single message transforms, configured as in Kafka Connect:
//
//   transforms=route,stamp                      ordered aliases
//   transforms.route.type=org.apache.kafka.connect.transforms.RegexRouter   (or "RegexRouter")
//   transforms.route.regex=(.*)-raw             the transform's own keys
//   transforms.route.replacement=$1
//   transforms.stamp.type=InsertField$Value
//   transforms.stamp.predicate=notTombstone     optional: apply only when the predicate holds ...
//   transforms.stamp.negate=false               ... or, with negate=true, when it does not
//   predicates=notTombstone
//   predicates.notTombstone.type=org.apache.kafka.connect.transforms.predicates.RecordIsTombstone
//
// validate() is what the connector validator calls; Chain is what a task runs on its sink thread
// after conversion.
//
// Guarantees:
//   - Transforms run in the order of `transforms`; a transform whose predicate (xor negate) does
//   not
//     hold is skipped; kDrop ends the chain and the record must not reach the sink.
//   - Transforms never touch SinkRecord::original_topic/original_partition/original_offset (nor the
//     raw bytes): RegexRouter and TimestampRouter change `topic` only, so offsets are committed
//     against where the record was consumed (KIP-793).
//   - Values a transform creates own their bytes, or borrow the record's consumed key/value bytes
//     (valid for as long as the converters' own borrowed values are: the record's processing). A
//     sink that keeps a record beyond put() calls Value::own() as it already must.
//   - Schemaless kRawJson objects are parsed once per record (by the first transform that looks
//     inside) and one level deep; nested objects and arrays stay kRawJson until a transform needs
//     them (Flatten, ExtractField paths).
// Caveats:
//   - On error the record may already have been changed by earlier transforms in the chain (or
//     its kRawJson parsed); report it from its raw bytes (dead-letter queue, error log).
//   - Not thread-safe: one Chain per task, used from one thread.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "runtime/api/config_def.h"
#include "runtime/api/record.h"
#include "runtime/api/transform.h"
#include "runtime/registry/builtin_plugins.h"

namespace kc::transforms {

// The chain's own connector keys (`transforms`, `predicates`), for the connector's ConfigDef and
// the generated reference. The per-alias keys (transforms.<alias>.type, .predicate, .negate,
// predicates.<alias>.type) are described in the reference but validated by validate() below.
const api::ConfigDef& chain_config_def();

// True for `transforms`, `predicates` and every key under `transforms.` / `predicates.`: keys
// validate() owns, which the connector validator should not report as unknown.
bool is_chain_key(std::string_view key);

// Validates transforms=a,b / transforms.<alias>.type / .predicate / .negate, predicates=p /
// predicates.<alias>.type, and every plugin's own keys (parsed with its ConfigDef; issues keyed
// like "transforms.a.field"). Every problem is appended at once: duplicate or unknown aliases,
// unknown types, a predicate alias that is not declared in `predicates`, a missing required key, a
// refused value (a regex that does not compile, a bad Cast spec, an unsupported date pattern
// letter), and the checks a plugin makes across its keys when created (reported under
// "transforms.<alias>"). Unknown sub-keys, keys of aliases that are not listed, predicates no
// transform uses, negate without a predicate and deprecated keys are warnings. Values of sensitive
// keys are shown as "[hidden]". Pure: no I/O; safe to call from any thread.
void validate(const api::RawConfig& connector, const registry::Plugins& plugins,
              std::vector<api::ConfigIssue>& issues);

// The ordered chain for one task: one instance of each transform and predicate.
// Create once per task; use from the task's sink thread only. Movable, not copyable.
class Chain {
 public:
  // Fails (Errc::kInvalidConfig, every error issue in the message) when validate() reports an
  // error for the same configuration. An empty `transforms` gives an empty chain.
  static Result<Chain> create(const api::RawConfig& connector, const registry::Plugins& plugins);

  Chain(Chain&&) noexcept;
  Chain& operator=(Chain&&) noexcept;
  ~Chain();

  bool empty() const { return stages_.empty(); }
  size_t size() const { return stages_.size(); }

  // Applies each transform whose predicate (with negate) matches, in order; kDrop stops the chain
  // and means "do not deliver" (the offset still counts as processed). Errors keep the
  // transform's code and retriable flag and name the alias and type:
  // "transform 'route' (RegexRouter): ...". Errc::kData errors are about the record and are
  // subject to errors.tolerance.
  Result<api::Transform::Outcome> apply(api::SinkRecord& record);

 private:
  struct Stage {
    std::string alias;
    std::string type;  // the plugin's name, e.g. "InsertField$Value"
    std::unique_ptr<api::Transform> transform;
    int predicate = -1;  // index into predicates_, or -1
    bool negate = false;
  };
  Chain() = default;
  friend struct ChainBuilder;

  std::vector<std::unique_ptr<api::Predicate>> predicates_;
  std::vector<Stage> stages_;
};

}  // namespace kc::transforms
