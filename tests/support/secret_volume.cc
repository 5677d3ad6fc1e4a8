#include "tests/support/secret_volume.h"

#include <filesystem>

#include <fmt/format.h>

#include "tests/support/test_certs.h"

namespace kc::testing {

namespace fs = std::filesystem;

void SecretVolume::publish(const std::map<std::string, std::string>& files) {
  auto version = fmt::format("..2026_01_01_00_00_{:02}.{}", generation_ % 60, generation_);
  ++generation_;
  fs::path root(root_);
  for (const auto& [name, content] : files) write_file((root / version / name).string(), content);
  fs::create_directory_symlink(version, root / "..data_tmp");
  fs::rename(root / "..data_tmp", root / "..data");
  for (const auto& [name, content] : files) {
    if (!fs::is_symlink(root / name)) fs::create_symlink(fs::path("..data") / name, root / name);
  }
  if (!current_.empty()) fs::remove_all(root / current_);
  current_ = version;
}

}  // namespace kc::testing
