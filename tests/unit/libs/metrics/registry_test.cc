#include "libs/metrics/registry.h"

#include <gtest/gtest.h>

namespace kc::metrics {
namespace {

TEST(MetricsRegistryTest, ExposesLabelledCountersInTextFormat) {
  Registry registry;
  auto& family = registry.counter("kconnect_test_records_total", "Records seen.");
  family.Add({{"connector", "orders"}, {"task", "0"}}).Increment(3);
  EXPECT_EQ(&registry.counter("kconnect_test_records_total", "Records seen."), &family);
  auto text = registry.expose();
  EXPECT_NE(text.find("# TYPE kconnect_test_records_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("kconnect_test_records_total{connector=\"orders\",task=\"0\"} 3"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace kc::metrics

namespace kc::metrics {
namespace {

TEST(MetricsRegistryTest, SeriesWithTheSameLabelsAreSharedAndReleasedByTheLastHolder) {
  Registry registry;
  auto& family = registry.counter("kconnect_test_shared_total", "Shared.");
  {
    Series<Counter> a(registry, family, {{"task", "0"}});
    {
      Series<Counter> b(registry, family, {{"task", "0"}});
      EXPECT_EQ(&*a, &*b);
      b->Increment();
    }
    a->Increment();  // still alive after b released it
    EXPECT_NE(registry.expose().find("kconnect_test_shared_total{task=\"0\"} 2"),
              std::string::npos);
  }
  EXPECT_EQ(registry.expose().find("task=\"0\""), std::string::npos);
}

}  // namespace
}  // namespace kc::metrics
