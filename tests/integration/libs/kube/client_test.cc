// libs/kube's Client over real HTTP against the test API server.

#include "libs/kube/client/client.h"

#include "tests/integration/libs/kube/kube_fixture.h"
#include "tests/support/test_certs.h"

namespace kc::kube::testing {
namespace {

using namespace std::chrono_literals;
const ResourceType& cms = resources::config_maps();

TEST_F(KubeTest, CreatesGetsUpdatesAndReportsTypedErrors) {
  auto created = client_->create(cms, config_map("a", "1"));
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_FALSE(uid_of(*created).empty());
  auto again = client_->create(cms, config_map("a", "1"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), Errc::kAlreadyExists);

  auto missing = client_->get(cms, "default", "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::kNotFound);

  Object next = *created;
  next["data"]["value"] = "2";
  auto updated = client_->update(cms, next);
  ASSERT_TRUE(updated) << updated.error().to_string();
  EXPECT_NE(resource_version_of(*updated), resource_version_of(*created));

  // The same stale version again: a typed conflict.
  next["data"]["value"] = "3";
  auto stale = client_->update(cms, next);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), Errc::kConflict);
  EXPECT_NE(stale.error().message().find("the object has been modified"), std::string::npos);

  auto no_ns = client_->create(cms, config_map("b", "1", "missing-ns"));
  ASSERT_FALSE(no_ns);
  EXPECT_EQ(no_ns.error().code(), Errc::kNotFound);
}

TEST_F(KubeTest, MergePatchHonoursAResourceVersionPrecondition) {
  auto created = client_->create(cms, config_map("a", "1"));
  ASSERT_TRUE(created);
  auto patched = client_->merge_patch(cms, "default", "a", {{"data", {{"other", "x"}}}});
  ASSERT_TRUE(patched) << patched.error().to_string();
  EXPECT_EQ((*patched)["data"]["value"], "1");
  EXPECT_EQ((*patched)["data"]["other"], "x");
  auto stale = client_->merge_patch(
      cms, "default", "a",
      {{"metadata", {{"resourceVersion", resource_version_of(*created)}}}, {"data", nullptr}});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), Errc::kConflict);
  auto ops = client_->json_patch(cms, "default", "a",
                                 Object::parse(R"([{"op":"remove","path":"/data/other"}])"));
  ASSERT_TRUE(ops) << ops.error().to_string();
  EXPECT_FALSE((*ops)["data"].contains("other"));
}

TEST_F(KubeTest, ServerSideApplyOwnsFieldsConflictsAndForces) {
  auto op = make_client("kconnect-operator");
  auto human = make_client("kubectl-edit");
  Object desired = config_map("a", "1");
  desired["data"]["extra"] = "e";
  auto applied = op->apply(cms, desired);
  ASSERT_TRUE(applied) << applied.error().to_string();
  auto again = op->apply(cms, desired);
  ASSERT_TRUE(again);
  EXPECT_EQ(resource_version_of(*again), resource_version_of(*applied)) << "no-op apply";

  ASSERT_TRUE(human->merge_patch(cms, "default", "a", {{"data", {{"value", "hand-edit"}}}}));
  auto conflict = op->apply(cms, desired);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code(), Errc::kConflict);
  EXPECT_NE(conflict.error().message().find("conflict with \"kubectl-edit\""), std::string::npos)
      << conflict.error().message();
  auto forced = op->apply(cms, desired, {.force = true});
  ASSERT_TRUE(forced) << forced.error().to_string();
  EXPECT_EQ((*forced)["data"]["value"], "1");

  // Dropping a field from the applied configuration removes it.
  desired["data"].erase("extra");
  auto pruned = op->apply(cms, desired);
  ASSERT_TRUE(pruned);
  EXPECT_FALSE((*pruned)["data"].contains("extra"));
}

TEST_F(KubeTest, StatusAndScaleSubresourcesAndGeneration) {
  install_crds();
  const auto& kcc = operator_api::kafka_connect_clusters();
  Object cluster = {{"apiVersion", "kconnect.dev/v1alpha1"},
                    {"kind", "KafkaConnectCluster"},
                    {"metadata", {{"name", "main"}, {"namespace", "default"}}},
                    {"spec", {{"bootstrapServers", "k:9092"}}},
                    {"status", {{"replicas", 99}}}};
  auto created = client_->create(kcc, cluster);
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_FALSE(created->contains("status")) << "status is not writable through the main resource";
  EXPECT_EQ((*created)["spec"]["replicas"], 1) << "defaulted by the CRD schema";
  EXPECT_EQ(generation_of(*created), 1);

  Object with_status = *created;
  with_status["status"] = {{"replicas", 2}, {"labelSelector", "app=x"}};
  auto status = client_->update_status(kcc, with_status);
  ASSERT_TRUE(status) << status.error().to_string();
  EXPECT_EQ((*status)["status"]["replicas"], 2);
  EXPECT_EQ(generation_of(*status), 1) << "status changes do not bump the generation";

  auto scale = client_->get_scale(kcc, "default", "main");
  ASSERT_TRUE(scale) << scale.error().to_string();
  EXPECT_EQ(scale->replicas, 1);
  EXPECT_EQ(scale->status_replicas, 2);
  EXPECT_EQ(scale->selector, "app=x");
  auto scaled = client_->set_scale(kcc, "default", "main", 4);
  ASSERT_TRUE(scaled) << scaled.error().to_string();
  EXPECT_EQ(scaled->replicas, 4);
  auto after = client_->get(kcc, "default", "main");
  EXPECT_EQ((*after)["spec"]["replicas"], 4);
  EXPECT_EQ(generation_of(*after), 2);
  EXPECT_EQ((*after)["status"]["replicas"], 2);

  auto invalid = client_->merge_patch(kcc, "default", "main", {{"spec", {{"replicas", -3}}}});
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code(), Errc::kInvalidConfig);
  EXPECT_NE(invalid.error().message().find("spec.replicas"), std::string::npos)
      << invalid.error().message();
}

TEST_F(KubeTest, DeletesWithPropagationPreconditionsAndFinalizers) {
  auto owner = client_->create(cms, config_map("owner", "o"));
  ASSERT_TRUE(owner);
  auto owned_object = [&](const std::string& name) {
    Object obj = config_map(name, "x");
    obj["metadata"]["ownerReferences"] = {controller_reference(*owner).to_json()};
    return obj;
  };
  ASSERT_TRUE(client_->create(cms, owned_object("child")));

  auto wrong_uid = client_->remove(cms, "default", "owner", {.precondition_uid = "not-it"});
  ASSERT_FALSE(wrong_uid);
  EXPECT_EQ(wrong_uid.error().code(), Errc::kConflict);

  ASSERT_TRUE(
      client_->remove(cms, "default", "owner", {.propagation = PropagationPolicy::kBackground}));
  EXPECT_EQ(client_->get(cms, "default", "child").error().code(), Errc::kNotFound)
      << "dependents are garbage-collected";

  // Orphan keeps the dependent and strips its owner reference.
  owner = client_->create(cms, config_map("owner", "o"));
  ASSERT_TRUE(client_->create(cms, owned_object("kept")));
  ASSERT_TRUE(
      client_->remove(cms, "default", "owner", {.propagation = PropagationPolicy::kOrphan}));
  auto kept = client_->get(cms, "default", "kept");
  ASSERT_TRUE(kept);
  EXPECT_TRUE(owner_references_of(*kept).empty());

  // A finalizer keeps the object, marked for deletion, until it is removed.
  Object guarded = config_map("guarded", "g");
  guarded["metadata"]["finalizers"] = {"kconnect.dev/test"};
  ASSERT_TRUE(client_->create(cms, guarded));
  auto marked = client_->remove(cms, "default", "guarded");
  ASSERT_TRUE(marked);
  EXPECT_TRUE(is_being_deleted(*marked));
  ASSERT_TRUE(client_->get(cms, "default", "guarded"));
  ASSERT_TRUE(
      client_->merge_patch(cms, "default", "guarded", {{"metadata", {{"finalizers", nullptr}}}}));
  EXPECT_EQ(client_->get(cms, "default", "guarded").error().code(), Errc::kNotFound);
}

TEST_F(KubeTest, ListsPageByPageAndExpiredContinueTokensAreTyped) {
  for (int i = 0; i < 7; ++i)
    ASSERT_TRUE(client_->create(cms, config_map("cm-" + std::to_string(i), "v")));
  auto all = client_->list_all(cms, "default", {}, 3);
  ASSERT_TRUE(all) << all.error().to_string();
  EXPECT_EQ(all->items.size(), 7u);
  EXPECT_EQ(all->items[0]["kind"], "ConfigMap");

  auto first = client_->list(cms, "default", {.limit = 3});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->items.size(), 3u);
  ASSERT_FALSE(first->continue_token.empty());
  ASSERT_TRUE(client_->create(cms, config_map("cm-late", "v")));
  api_->compact();
  auto expired =
      client_->list(cms, "default", {.limit = 3, .continue_token = first->continue_token});
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code(), Errc::kConflict);
  EXPECT_NE(expired.error().message().find("Expired"), std::string::npos);

  auto selected = client_->list(cms, "default", {.field_selector = "metadata.name=cm-2"});
  ASSERT_TRUE(selected);
  EXPECT_EQ(selected->items.size(), 1u);
}

TEST_F(KubeTest, WatchesFromAVersionWithBookmarksAndReports410) {
  fakes::kube::FakeApiServerOptions options;
  options.bookmark_interval = 50ms;
  start(options);
  auto created = client_->create(cms, config_map("a", "1"));
  ASSERT_TRUE(created);
  ASSERT_TRUE(client_->merge_patch(cms, "default", "a", {{"data", {{"value", "2"}}}}));
  std::vector<std::string> seen;
  auto end = client_->watch(cms, "default", {.resource_version = resource_version_of(*created)},
                            [&](WatchEvent&& e) {
                              seen.push_back(std::string(to_string(e.type)));
                              return e.type != WatchEvent::Type::kBookmark;
                            });
  ASSERT_TRUE(end) << end.error().to_string();
  EXPECT_EQ(*end, WatchEnd::kStopped);
  EXPECT_EQ(seen, (std::vector<std::string>{"MODIFIED", "BOOKMARK"}));

  api_->compact();
  auto expired = client_->watch(cms, "default", {.resource_version = resource_version_of(*created)},
                                [](WatchEvent&&) { return true; });
  ASSERT_TRUE(expired) << expired.error().to_string();
  EXPECT_EQ(*expired, WatchEnd::kExpired);
}

TEST_F(KubeTest, InjectedServerErrorsAreRetriable) {
  api_->inject({.method = http::Method::kGet,
                .path_contains = "/configmaps/x",
                .status = 503,
                .reason = "ServiceUnavailable"});
  auto failed = client_->get(cms, "default", "x");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), Errc::kUnavailable);
  EXPECT_TRUE(failed.error().retriable());
  EXPECT_EQ(client_->get(cms, "default", "x").error().code(), Errc::kNotFound) << "one-shot fault";
}

TEST(KubeTlsTest, VerifiesTheServerAndSendsTheToken) {
  auto ca = kc::testing::TestCa::create("kube-ca");
  auto leaf = ca.issue({.common_name = "kube-apiserver", .ip_sans = {"127.0.0.1"}});
  auto api = fakes::kube::FakeApiServer::start(
      {.tls = http::ServerTlsOptions{.cert_pem = leaf.cert_pem, .key_pem = leaf.key_pem},
       .bearer_token = "t0ken"});
  ASSERT_TRUE(api);
  kc::testing::TempDir dir;
  std::string path = dir.file("kubeconfig");
  kc::testing::write_file(path, (*api)->kubeconfig(ca.cert_pem()));
  auto config = load_kubeconfig({.path = path});
  ASSERT_TRUE(config) << config.error().to_string();
  auto client = Client::create(*config);
  ASSERT_TRUE(client);
  EXPECT_TRUE((*client)->get(resources::namespaces(), "", "default"));

  Config wrong_ca = *config;
  wrong_ca.ca_pem = kc::testing::TestCa::create("other-ca").cert_pem();
  auto untrusted = Client::create(wrong_ca);
  ASSERT_TRUE(untrusted);
  auto refused = (*untrusted)->get(resources::namespaces(), "", "default");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::kPermissionDenied);

  Config no_token = *config;
  no_token.token.clear();
  auto anonymous = Client::create(no_token);
  auto denied = (*anonymous)->get(resources::namespaces(), "", "default");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), Errc::kPermissionDenied);
  EXPECT_EQ(denied.error().message().find("t0ken"), std::string::npos);
}

}  // namespace
}  // namespace kc::kube::testing

namespace kc::kube::testing {
namespace {

TEST_F(KubeTest, DeletingANamespaceDeletesWhatIsInItAndAddedLatencyIsFelt) {
  Object ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}};
  ASSERT_TRUE(client_->create(resources::namespaces(), ns));
  ASSERT_TRUE(client_->create(resources::config_maps(), config_map("a", "1", "team")));
  Object guarded = config_map("b", "1", "team");
  guarded["metadata"]["finalizers"] = {"kconnect.dev/test"};
  ASSERT_TRUE(client_->create(resources::config_maps(), guarded));

  ASSERT_TRUE(client_->remove(resources::namespaces(), "", "team"));
  auto terminating = client_->get(resources::namespaces(), "", "team");
  ASSERT_TRUE(terminating) << "kept while an object in it waits for its finalizer";
  EXPECT_EQ((*terminating)["status"]["phase"], "Terminating");
  EXPECT_EQ(client_->get(resources::config_maps(), "team", "a").error().code(), Errc::kNotFound);
  auto refused = client_->create(resources::config_maps(), config_map("c", "1", "team"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::kPermissionDenied);

  ASSERT_TRUE(client_->merge_patch(resources::config_maps(), "team", "b",
                                   {{"metadata", {{"finalizers", nullptr}}}}));
  EXPECT_EQ(client_->get(resources::namespaces(), "", "team").error().code(), Errc::kNotFound);

  api_->set_latency(std::chrono::milliseconds(60));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client_->get(resources::namespaces(), "", "default"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(60));
  api_->clear_faults();
}

}  // namespace
}  // namespace kc::kube::testing
