// operator/controllers: the Applier's skip rule (writes that cannot change anything are not sent;
// drift is rewritten) against the test API server.

#include "operator/controllers/applier.h"

#include <gtest/gtest.h>

#include "libs/kube/client/client.h"
#include "tests/fakes/kube_apiserver/api_server.h"

namespace kc::operator_controllers {
namespace {

TEST(ApplierTest, SkipsWritesThatCannotChangeAnythingAndRewritesDrift) {
  auto api = fakes::kube::FakeApiServer::start();
  ASSERT_TRUE(api);
  kube::Config config;
  config.server = (*api)->url();
  auto client = kube::Client::create(config, {.field_manager = "kconnect-operator"});
  ASSERT_TRUE(client);
  Applier applier(**client);
  kube::Object desired = {{"apiVersion", "v1"},
                          {"kind", "ConfigMap"},
                          {"metadata", {{"name", "c"}, {"namespace", "default"}}},
                          {"data", {{"k", "v"}}}};
  const auto& cms = kube::resources::config_maps();
  ASSERT_TRUE(applier.apply(cms, desired, nullptr).value_or(false));
  // The cache has not seen the object yet: nothing to write again.
  EXPECT_FALSE(applier.apply(cms, desired, nullptr).value_or(true));
  auto stored = std::make_shared<const kube::Object>(*(*client)->get(cms, "default", "c"));
  EXPECT_FALSE(applier.apply(cms, desired, stored).value_or(true));
  // Someone else changed it: written again.
  ASSERT_TRUE((*client)->merge_patch(cms, "default", "c", {{"data", {{"k", "edited"}}}}));
  auto edited = std::make_shared<const kube::Object>(*(*client)->get(cms, "default", "c"));
  EXPECT_TRUE(applier.apply(cms, desired, edited).value_or(false));
  EXPECT_EQ((*(*client)->get(cms, "default", "c"))["data"]["k"], "v");
  EXPECT_EQ(applier.writes(), 2u);
  EXPECT_EQ(applier.skipped(), 2u);
}

}  // namespace
}  // namespace kc::operator_controllers
