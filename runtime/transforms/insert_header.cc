// InsertHeader (org.apache.kafka.connect.transforms.InsertHeader).

#include <string>

#include "runtime/transforms/java_values.h"
#include "runtime/transforms/plugins.h"
#include "runtime/transforms/support.h"

namespace kc::transforms {
namespace {

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define(required_string("header", "The name of the header.", api::Importance::kHigh));
    d.define(required_string("value.literal",
                             "The literal value that is to be set as the header value on all "
                             "records. Parsed as Connect's Values.parseString does for booleans "
                             "and numbers; anything else is a string.",
                             api::Importance::kHigh));
    return d;
  }();
  return def;
}

class InsertHeader final : public api::Transform {
 public:
  explicit InsertHeader(const api::Config& config) : header_(config.get_string("header")) {
    Type type = Type::kString;
    literal_ = java::parse_literal(config.get_string("value.literal"), type);
    schema_ = primitive_schema(type, false);
  }

  Result<Outcome> apply(SinkRecord& record) override {
    record.headers.push_back({header_, schema_, literal_});
    return Outcome::kKeep;
  }

 private:
  std::string header_;
  Value literal_;
  SchemaPtr schema_;
};

}  // namespace

std::vector<api::TransformPlugin> insert_header_plugins() {
  return {make_transform_plugin(
      "InsertHeader", std::nullopt, "Add a header to each record.", config_def,
      [](const api::Config& c) -> Result<std::unique_ptr<api::Transform>> {
        return std::make_unique<InsertHeader>(c);
      })};
}

}  // namespace kc::transforms
