// `kconnect-runtime managed` as a process (docs/operator-runtime-contract.md): connectors from the
// cluster's ConfigMap, watched through the test Kubernetes API server, applied without a process
// restart; ${secret:...} resolved through the API; the REST API read-only; the mounted files as
// the fallback when no API is configured.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "libs/base/base64.h"
#include "libs/http/client.h"
#include "libs/kube/client/client.h"
#include "libs/kube/core/resource.h"
#include "tests/fakes/kube_apiserver/api_server.h"
#include "tests/support/files.h"
#include "tests/support/kafka.h"
#include "tests/support/process.h"

namespace kc {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using testing::eventually;
using testing::Process;

constexpr const char* kConfigMap = "c1-kconnect";

std::string runtime() { return testing::built_program("kconnect-runtime"); }

Json file_sink(const std::string& topic, const std::string& file, const std::string& state,
               int tasks_max = 1) {
  return {{"config",
           {{"connector.class", "FileStreamSink"},
            {"topics", topic},
            {"file", file},
            {"tasks.max", std::to_string(tasks_max)}}},
          {"state", state},
          {"restartToken", ""},
          {"forceCommitToken", ""},
          {"generation", 1}};
}

class ManagedProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = kafka::EmbeddedCluster::start(1);
    ASSERT_TRUE(c);
    cluster_ = std::move(*c);
    for (auto topic : {"a", "b"}) ASSERT_TRUE(cluster_->create_topic(topic, 1));
  }
  void TearDown() override {
    if (process_ && HasFailure())
      std::fprintf(stderr, "---- runtime log ----\n%s\n", process_->err().c_str());
  }

  std::string worker_properties(const std::string& extra = {}) const {
    return testing::process_worker_properties(cluster_->bootstrap_servers()) + extra;
  }

  static std::string document(int workers, const Json& connectors) {
    return Json{{"workers", workers},
                {"connectors", connectors},
                {"logging", {{"level", "INFO"}, {"format", "text"}}}}
        .dump(2);
  }

  void start_api() {
    auto api = fakes::kube::FakeApiServer::start({.bookmark_interval = 500ms});
    ASSERT_TRUE(api) << api.error().to_string();
    api_ = std::move(*api);
    kube::Config config;
    config.server = api_->url();
    auto client = kube::Client::create(config, {.field_manager = "test", .user_agent = "test"});
    ASSERT_TRUE(client);
    client_ = std::move(*client);
    testing::write_text(dir_.file("kubeconfig"), api_->kubeconfig());
  }

  void put_configmap(const std::string& worker, const std::string& connectors) {
    Json cm = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", kConfigMap}, {"namespace", "default"}}},
               {"data", {{"worker.properties", worker}, {"connectors.json", connectors}}}};
    auto existing = client_->get(kube::resources::config_maps(), "default", kConfigMap);
    auto written = existing ? client_->merge_patch(kube::resources::config_maps(), "default",
                                                   kConfigMap, {{"data", cm["data"]}})
                            : client_->create(kube::resources::config_maps(), cm);
    ASSERT_TRUE(written) << written.error().to_string();
  }

  void start(std::vector<std::string> env) {
    // Nothing inherited from the test's environment decides where the configuration comes from.
    std::vector<std::string> argv = {"env",          "-u", "KUBECONFIG",       "-u",
                                     "KC_CONFIGMAP", "-u", "KC_POD_NAMESPACE", "-u",
                                     "KC_POD_NAME"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {runtime(), "managed", "--config-dir", dir_.file("config")});
    process_ = std::make_unique<Process>(argv, dir_.file("runtime"));
    std::optional<uint16_t> port;
    ASSERT_TRUE(
        eventually([&] { return (port = testing::logged_rest_port(*process_)).has_value(); }, 20s))
        << process_->err();
    auto client = http::Client::create({.base_url = fmt::format("http://127.0.0.1:{}", *port)});
    ASSERT_TRUE(client);
    rest_ = std::move(*client);
  }

  void start_with_api() {
    start({"KUBECONFIG=" + dir_.file("kubeconfig"), "KC_POD_NAME=pod-0", "KC_POD_NAMESPACE=default",
           std::string("KC_CONFIGMAP=") + kConfigMap});
  }

  // GET path: (status, body as JSON or null).
  std::pair<int, Json> get(const std::string& path) {
    auto r = rest_->request(http::Method::kGet, path);
    if (!r) return {0, nullptr};
    return {r->status, Json::parse(r->body, nullptr, false)};
  }
  std::string connector_state(const std::string& name) {
    auto [status, body] = get("/connectors/" + name + "/status");
    if (status != 200 || !body.is_object()) return fmt::format("HTTP {}", status);
    return body["connector"]["state"].get<std::string>();
  }
  void produce(const std::string& topic, int count, int from = 0) {
    testing::produce(cluster_->bootstrap_servers(), topic, count,
                     [from](int i) { return fmt::format(R"({{"seq":{}}})", from + i); });
  }

  std::unique_ptr<kafka::EmbeddedCluster> cluster_;
  std::unique_ptr<fakes::kube::FakeApiServer> api_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<http::Client> rest_;
  testing::TempDir dir_;
};

TEST_F(ManagedProcessTest, ConfigMapChangesApplyWithoutARestart) {
  start_api();
  auto out_a = dir_.file("a.jsonl"), out_a2 = dir_.file("a2.jsonl");
  auto out_b = dir_.file("secret-b.jsonl");
  // The second connector's file comes from a Secret, read through the API.
  Json secret = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata", {{"name", "sink-files"}, {"namespace", "default"}}},
                 {"data", {{"b-file", base64::encode(out_b)}}}};
  ASSERT_TRUE(client_->create(kube::resources::secrets(), secret));
  // Two workers: this one runs ceil(2 / 2) = 1 of connector a's two tasks.
  put_configmap(worker_properties(), document(2, {{"a", file_sink("a", out_a, "running", 2)}}));
  // No files in --config-dir: everything comes through the API.
  start_with_api();
  produce("a", 10);
  ASSERT_TRUE(eventually([&] { return testing::read_lines(out_a).size() == 10; }, 30s));
  auto pid = process_->pid();
  {
    auto [status, body] = get("/connectors/a/status");
    ASSERT_EQ(status, 200);
    ASSERT_EQ(body["tasks"].size(), 1u) << body.dump();
    EXPECT_EQ(body["tasks"][0]["worker_id"].get<std::string>().rfind("pod-0:", 0), 0u);
  }

  // Read-only REST: every change refused with 403; reads work.
  for (auto [method, path] : {std::pair{http::Method::kPut, "/connectors/a/pause"},
                              std::pair{http::Method::kPost, "/connectors/a/restart"},
                              std::pair{http::Method::kDelete, "/connectors/a"}}) {
    auto r = rest_->request(method, path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << path;
  }
  auto created = rest_->request(http::Method::kPost, "/connectors",
                                R"({"name":"x","config":{"connector.class":"file","topics":"a"}})",
                                {{"Content-Type", "application/json"}});
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 403);
  EXPECT_EQ(connector_state("a"), "RUNNING");

  // Pause a, add b (its file from the Secret).
  Json b = file_sink("b", "${secret:sink-files:b-file}", "running");
  put_configmap(worker_properties(),
                document(2, {{"a", file_sink("a", out_a, "paused", 2)}, {"b", b}}));
  ASSERT_TRUE(eventually([&] { return connector_state("a") == "PAUSED"; }, 10s));
  produce("b", 5);
  produce("a", 5, 10);
  ASSERT_TRUE(eventually([&] { return testing::read_lines(out_b).size() == 5; }, 30s));
  EXPECT_EQ(testing::read_lines(out_a).size(), 10u);  // paused: nothing more written
  // The secret's value is never shown.
  auto [config_status, config] = get("/connectors/b/config");
  ASSERT_EQ(config_status, 200);
  EXPECT_EQ(config["file"], "[hidden]");
  EXPECT_EQ(process_->err().find(out_b), std::string::npos) << "the Secret's value was logged";

  // Resume a with a changed configuration: its tasks restart writing to the new file, from the
  // committed offsets (the 5 records produced while paused).
  put_configmap(worker_properties(),
                document(2, {{"a", file_sink("a", out_a2, "running", 2)}, {"b", b}}));
  ASSERT_TRUE(eventually([&] { return testing::read_lines(out_a2).size() == 5; }, 30s));
  EXPECT_EQ(connector_state("a"), "RUNNING");

  // New tokens act once: a restart of a's tasks, a force-commit (the tasks roll over).
  Json a_tokens = file_sink("a", out_a2, "running", 2);
  a_tokens["restartToken"] = "2026-11-21T10:00:00Z";
  a_tokens["forceCommitToken"] = "fc-1";
  put_configmap(worker_properties(), document(2, {{"a", a_tokens}, {"b", b}}));
  auto count = [&](const std::string& text) {
    auto err = process_->err();
    size_t n = 0;
    for (auto pos = err.find(text); pos != std::string::npos; pos = err.find(text, pos + 1)) ++n;
    return n;
  };
  ASSERT_TRUE(eventually([&] { return count("connector restarted (restartToken)") == 1; }, 10s));
  ASSERT_TRUE(
      eventually([&] { return count("connector force-committed (forceCommitToken)") == 1; }, 10s));
  ASSERT_TRUE(eventually([&] { return count("rollover: consumer replaced") == 1; }, 10s));

  // Delete b: its tasks stop, it is gone from the REST API; worker-level changes are reported,
  // not applied.
  put_configmap(worker_properties("offset.flush.interval.ms=500\n"),
                document(2, {{"a", a_tokens}}));
  ASSERT_TRUE(eventually([&] { return get("/connectors/b/status").first == 404; }, 10s));
  ASSERT_TRUE(eventually(
      [&] { return process_->err().find("worker.properties changed") != std::string::npos; }, 10s));
  produce("b", 5, 5);
  produce("a", 3, 15);
  ASSERT_TRUE(eventually([&] { return testing::read_lines(out_a2).size() == 8; }, 30s));
  EXPECT_EQ(testing::read_lines(out_b).size(), 5u);  // b no longer runs

  // Tokens that did not change did not act again.
  EXPECT_EQ(count("connector restarted (restartToken)"), 1u);
  EXPECT_EQ(count("connector force-committed (forceCommitToken)"), 1u);
  EXPECT_EQ(count("action=force-commit"), 0u);  // no failure reported

  // Static membership from the pod name: each task's group.instance.id is <pod>-<connector>-<n>.
  EXPECT_GE(count("group_instance_id=pod-0-a-0"), 1u);
  EXPECT_GE(count("group_instance_id=pod-0-b-0"), 1u);

  // The same process throughout.
  EXPECT_TRUE(process_->running());
  EXPECT_EQ(process_->pid(), pid);
  process_->signal(SIGTERM);
  EXPECT_EQ(process_->wait(30s), 0);
}

TEST_F(ManagedProcessTest, WithoutAnApiTheMountedFilesAreReadAndReRead) {
  auto out = dir_.file("a.jsonl");
  std::filesystem::create_directories(dir_.file("config"));
  testing::write_text(dir_.file("config/worker.properties"), worker_properties());
  testing::write_text(dir_.file("config/connectors.json"),
                      document(1, {{"a", file_sink("a", out, "running")}}));
  start({});
  produce("a", 10);
  ASSERT_TRUE(eventually([&] { return testing::read_lines(out).size() == 10; }, 30s));
  // The kubelet updates the mounted ConfigMap: the change is picked up from the files.
  testing::write_text(dir_.file("config/connectors.json"),
                      document(1, {{"a", file_sink("a", out, "paused")}}));
  ASSERT_TRUE(eventually([&] { return connector_state("a") == "PAUSED"; }, 10s));
  // No API: ${secret:...} cannot resolve, and the connector is refused with a clear reason.
  testing::write_text(dir_.file("config/connectors.json"),
                      document(1, {{"a", file_sink("a", out, "paused")},
                                   {"s", file_sink("b", "${secret:x:y}", "running")}}));
  ASSERT_TRUE(eventually(
      [&] { return process_->err().find("no Kubernetes API is configured") != std::string::npos; },
      10s));
  EXPECT_EQ(connector_state("s"), "HTTP 404");
  EXPECT_EQ(connector_state("a"), "PAUSED");
  process_->signal(SIGTERM);
  EXPECT_EQ(process_->wait(30s), 0);
}

}  // namespace
}  // namespace kc
