#include "runtime/rest/bearer_token.h"

#include <sys/stat.h>

#include "libs/base/log.h"
#include "libs/base/strings.h"
#include "runtime/config/config_file.h"

namespace kc::rest {
namespace {

auto& logger() {
  static auto& log = kc::log::get("kc.rest.auth");
  return log;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

}  // namespace

BearerToken::BearerToken(std::string path) : path_(std::move(path)) {}

void BearerToken::refresh_locked() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    if (!missing_reported_) {
      logger().error("token file cannot be read; refusing every request", {{"file", path_}});
      missing_reported_ = true;
    }
    key_.reset();
    token_.clear();
    return;
  }
  missing_reported_ = false;
  FileKey key{.inode = static_cast<uint64_t>(st.st_ino),
              .size = static_cast<uint64_t>(st.st_size),
              .mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                          static_cast<int64_t>(st.st_mtim.tv_nsec)};
  if (key_ && *key_ == key) return;
  key_ = key;
  auto content = config::read_file(path_);
  token_ = content ? std::string(strings::trim(*content)) : std::string();
  if (token_.empty()) {
    logger().error("token file is unreadable or empty; refusing every request", {{"file", path_}});
  } else {
    logger().info("token loaded", {{"file", path_}});
  }
}

bool BearerToken::accepts(std::optional<std::string_view> authorization) {
  std::string expected;
  {
    std::lock_guard lock(mu_);
    refresh_locked();
    expected = token_;
  }
  if (expected.empty() || !authorization) return false;
  auto value = strings::trim(*authorization);
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() < kScheme.size() || !strings::iequals(value.substr(0, kScheme.size()), kScheme))
    return false;
  return constant_time_equal(strings::trim(value.substr(kScheme.size())), expected);
}

}  // namespace kc::rest
