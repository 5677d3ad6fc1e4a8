// DropHeaders (org.apache.kafka.connect.transforms.DropHeaders).

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define(required_list("headers", "The name of the headers to be removed."));
    return d;
  }();
  return def;
}

class DropHeaders final : public api::Transform {
 public:
  explicit DropHeaders(const api::Config& config) : names_(config.get_list("headers")) {}

  Result<Outcome> apply(SinkRecord& record) override {
    // The converted headers only: raw_headers keep what was consumed (dead-letter queue).
    std::erase_if(record.headers, [&](const api::Header& h) {
      return std::find(names_.begin(), names_.end(), h.key) != names_.end();
    });
    return Outcome::kKeep;
  }

 private:
  std::vector<std::string> names_;
};

}  // namespace

std::vector<api::TransformPlugin> drop_headers_plugins() {
  return {make_transform_plugin(
      "DropHeaders", std::nullopt, "Removes one or more headers from each record.", config_def,
      [](const api::Config& c) -> Result<std::unique_ptr<api::Transform>> {
        return std::make_unique<DropHeaders>(c);
      })};
}

}  // namespace kc::transforms
