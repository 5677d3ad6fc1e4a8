#pragma once

// Golden files: expected output kept in tests/testdata/golden/, compared byte for byte.
//
//   EXPECT_GOLDEN("operator/model/minimal/deployment.json", text);
//
// To regenerate after an intended change: KC_UPDATE_GOLDEN=1 ctest -R <test>, then review
// `git diff tests/testdata/golden` and commit. A missing golden file fails (and is written when
// KC_UPDATE_GOLDEN=1).

#include <string>

#include <gtest/gtest.h>

namespace kc::testing {

// Returns a failure naming the file and the first differing line, or success.
::testing::AssertionResult matches_golden(const std::string& relative_path,
                                          const std::string& actual);

#define EXPECT_GOLDEN(path, actual) EXPECT_TRUE(::kc::testing::matches_golden(path, actual))

}  // namespace kc::testing
