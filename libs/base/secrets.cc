#include "libs/base/secrets.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "libs/base/strings.h"

namespace kc::secrets {
namespace {

// The forms to look for: each value as it is and JSON-escaped (when that differs), longest first
// so a secret that contains another is masked whole.
using Needles = std::vector<std::string>;

struct Registry {
  std::mutex mu;
  std::deque<std::string> values;                                              // oldest first
  std::shared_ptr<const Needles> needles = std::make_shared<const Needles>();  // guarded by mu

  void publish() {
    Needles out;
    for (const auto& v : values) {
      out.push_back(v);
      std::string escaped;
      strings::append_json_string(escaped, v);
      escaped = escaped.substr(1, escaped.size() - 2);  // without the quotes
      if (escaped != v) out.push_back(std::move(escaped));
    }
    std::sort(out.begin(), out.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    needles = std::make_shared<const Needles>(std::move(out));
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void remember(std::string_view value) {
  if (value.size() < kMinMaskedBytes) return;
  auto& r = registry();
  std::lock_guard lock(r.mu);
  if (std::find(r.values.begin(), r.values.end(), value) != r.values.end()) return;
  r.values.emplace_back(value);
  if (r.values.size() > kMaxRemembered) r.values.pop_front();
  r.publish();
}

std::string mask(std::string_view text) {
  std::shared_ptr<const Needles> needles;
  {
    auto& r = registry();
    std::lock_guard lock(r.mu);
    needles = r.needles;
  }
  std::string out(text);
  for (const auto& needle : *needles) {
    for (size_t at = out.find(needle); at != std::string::npos;
         at = out.find(needle, at + kMask.size())) {
      out.replace(at, needle.size(), kMask);
    }
  }
  return out;
}

void forget_all() {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  r.values.clear();
  r.publish();
}

}  // namespace kc::secrets
