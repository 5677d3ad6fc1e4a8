#pragma once

// Label selectors in their string form (the `labelSelector` query parameter):
//   "app=web,tier!=db,env in (prod,staging),!canary,release"
// Equality (=, ==, !=), set-based (in, notin), existence (key, !key). Pure; thread-safe.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"
#include "libs/kube/core/object.h"

namespace kc::kube {

class LabelSelector {
 public:
  // Errors: kInvalidArgument naming the requirement that does not parse.
  static Result<LabelSelector> parse(std::string_view text);
  // The selector matching exactly these labels ("a=1,b=2").
  static LabelSelector from_labels(const std::map<std::string, std::string>& labels);

  bool matches(const std::map<std::string, std::string>& labels) const;
  bool matches(const Object& object) const;  // metadata.labels
  bool empty() const { return requirements_.empty(); }
  std::string str() const;

 private:
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kNotExists };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
};

std::map<std::string, std::string> labels_of(const Object& object);

}  // namespace kc::kube
