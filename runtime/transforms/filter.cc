// Filter (org.apache.kafka.connect.transforms.Filter): drops every record it is applied to;
// used with a predicate.

#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

class Filter final : public api::Transform {
 public:
  Result<Outcome> apply(SinkRecord&) override { return Outcome::kDrop; }
};

const api::ConfigDef& empty_def() {
  static const api::ConfigDef def;
  return def;
}

}  // namespace

std::vector<api::TransformPlugin> filter_plugins() {
  return {make_transform_plugin(
      "Filter", std::nullopt,
      "Drops all records, filtering them from subsequent transformations in the chain. This is "
      "intended to be used conditionally to filter out records matching (or not matching) a "
      "particular predicate.",
      empty_def, [](const api::Config&) -> Result<std::unique_ptr<api::Transform>> {
        return std::make_unique<Filter>();
      })};
}

}  // namespace kc::transforms
