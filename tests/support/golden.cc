#include "tests/support/golden.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tests/support/files.h"
#include "tests/support/process.h"

namespace kc::testing {

::testing::AssertionResult matches_golden(const std::string& relative_path,
                                          const std::string& actual) {
  std::string path = source_path("tests/testdata/golden/" + relative_path);
  const char* update = std::getenv("KC_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    write_text(path, actual);
    return ::testing::AssertionSuccess();
  }
  if (!std::filesystem::exists(path)) {
    return ::testing::AssertionFailure()
           << path << " does not exist; run with KC_UPDATE_GOLDEN=1 to create it";
  }
  std::string expected = read_text(path);
  if (expected == actual) return ::testing::AssertionSuccess();
  std::istringstream e(expected), a(actual);
  std::string el, al;
  int line = 0;
  while (true) {
    ++line;
    bool more_e = static_cast<bool>(std::getline(e, el));
    bool more_a = static_cast<bool>(std::getline(a, al));
    if (!more_e && !more_a) break;
    if (el != al || more_e != more_a) {
      return ::testing::AssertionFailure()
             << path << " differs at line " << line << ":\n  expected: " << el
             << "\n  actual:   " << al
             << "\n(KC_UPDATE_GOLDEN=1 rewrites golden files after an intended change)";
    }
  }
  return ::testing::AssertionFailure() << path << " differs (line endings)";
}

}  // namespace kc::testing
