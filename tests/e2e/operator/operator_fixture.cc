#include "tests/e2e/operator/operator_fixture.h"

#include <regex>

#include "libs/http/client.h"
#include "tests/support/process.h"
#include "tests/support/wait.h"

namespace kc::testing {

using namespace std::chrono_literals;

void OperatorTest::SetUp() { dir_ = std::make_unique<TempDir>(); }

void OperatorTest::TearDown() {
  for (auto& p : processes_) {
    if (p->running()) {
      p->signal(SIGTERM);
      p->wait(10s);
    }
    if (HasFailure()) std::fprintf(stderr, "---- operator log ----\n%s\n", p->err().c_str());
  }
  processes_.clear();
}

void OperatorTest::start_api(fakes::kube::FakeApiServerOptions options) {
  options.bookmark_interval = 500ms;
  auto api = fakes::kube::FakeApiServer::start(std::move(options));
  ASSERT_TRUE(api) << api.error().to_string();
  api_ = std::move(*api);
  kubectl_ = std::make_unique<Kubectl>(api_->kubeconfig());
  kube::Config config;
  config.server = api_->url();
  auto client = kube::Client::create(config, {.field_manager = "test", .user_agent = "test"});
  ASSERT_TRUE(client);
  client_ = std::move(*client);
  write_text(dir_->file("kubeconfig"), api_->kubeconfig());
}

void OperatorTest::install_crds() {
  auto r = kubectl({"apply", "-f", source_path("crds/")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

size_t OperatorTest::start_operator(std::vector<std::string> extra) {
  std::vector<std::string> argv = {built_program("kconnect-operator"),
                                   "--kubeconfig",
                                   dir_->file("kubeconfig"),
                                   "--probe-address",
                                   "127.0.0.1:0",
                                   "--lease-namespace",
                                   "default",
                                   "--log-format",
                                   "text",
                                   "--status-interval-seconds",
                                   "1",
                                   "--status-interval-not-ready-seconds",
                                   "1",
                                   "--lease-duration-seconds",
                                   "4",
                                   "--renew-deadline-seconds",
                                   "3",
                                   "--retry-period-seconds",
                                   "1"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  size_t index = processes_.size();
  processes_.push_back(
      std::make_unique<Process>(argv, dir_->file("operator." + std::to_string(index))));
  auto& p = *processes_.back();
  EXPECT_TRUE(p.wait_for_output("probes listening on", 20s)) << p.output();
  std::smatch m;
  std::string out = p.out();
  uint16_t port = 0;
  if (std::regex_search(out, m, std::regex(R"(probes listening on [0-9.]+:([0-9]+))"))) {
    port = static_cast<uint16_t>(std::stoi(m[1].str()));
  }
  probe_ports_.push_back(port);
  return index;
}

KubectlResult OperatorTest::kubectl(const std::vector<std::string>& args, const std::string& in) {
  return kubectl_->run(args, in);
}

void OperatorTest::apply(const std::string& yaml) {
  auto r = kubectl({"apply", "-f", "-"}, yaml);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
}

std::optional<kube::Object> OperatorTest::get(const std::string& api_version,
                                              const std::string& plural, const std::string& name,
                                              const std::string& ns) {
  return api_->get(api_version, plural, ns, name);
}

std::optional<kube::Object> OperatorTest::cluster(const std::string& name) {
  return get("kconnect.dev/v1alpha1", "kafkaconnectclusters", name);
}

std::optional<kube::Object> OperatorTest::connector(const std::string& name) {
  return get("kconnect.dev/v1alpha1", "kafkaconnectors", name);
}

kube::Object OperatorTest::connectors_json(const std::string& cluster_name) {
  auto cm = get("v1", "configmaps", cluster_name + "-kconnect");
  if (!cm) return kube::Object::object();
  auto text = (*cm)["data"].value("connectors.json", "");
  auto doc = kube::Object::parse(text, nullptr, false);
  return doc.is_discarded() ? kube::Object::object() : doc;
}

std::string OperatorTest::condition(const kube::Object& obj, const std::string& type,
                                    const std::string& field) {
  const auto* list = kube::find_path(obj, "status.conditions");
  if (list == nullptr || !list->is_array()) return "";
  for (const auto& c : *list) {
    if (c.value("type", "") == type) return c.value(field, "");
  }
  return "";
}

std::string OperatorTest::probe(size_t i, const std::string& path) {
  auto client =
      http::Client::create({.base_url = "http://127.0.0.1:" + std::to_string(probe_ports_.at(i)),
                            .request_timeout = std::chrono::milliseconds(5000)});
  if (!client) return "";
  auto r = (*client)->request(http::Method::kGet, path);
  if (!r || r->status != 200) return "";
  return r->body;
}

double OperatorTest::metric(size_t i, const std::string& series) {
  std::string text = probe(i, "/metrics");
  auto pos = text.find("\n" + series + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(text.substr(pos + series.size() + 2));
}

void OperatorTest::make_workers_ready(const std::string& cluster_name, int ready) {
  auto d = get("apps/v1", "deployments", cluster_name + "-kconnect");
  ASSERT_TRUE(d);
  kube::Object status = {{"observedGeneration", kube::generation_of(*d)},
                         {"replicas", ready},
                         {"readyReplicas", ready},
                         {"updatedReplicas", ready},
                         {"availableReplicas", ready}};
  auto r = client_->merge_patch(kube::resources::deployments(), "default",
                                cluster_name + "-kconnect", {{"status", status}}, "status");
  ASSERT_TRUE(r) << r.error().to_string();
}

void OperatorTest::publish_workers(const std::string& cluster_name,
                                   const std::vector<ConnectStatusServer*>& workers) {
  std::vector<WorkerEndpoint> endpoints;
  endpoints.reserve(workers.size());
  for (auto* w : workers) endpoints.push_back({w->worker_id(), w->port()});
  publish_endpoints(cluster_name, endpoints);
}

void OperatorTest::publish_endpoints(const std::string& cluster_name,
                                     const std::vector<WorkerEndpoint>& workers) {
  // One slice carries one port list, and every test worker listens on its own port: one slice
  // per worker (the endpoints controller may split a Service the same way).
  kube::ResourceType slices{"discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true};
  size_t i = 0;
  for (const auto& w : workers) {
    kube::Object slice = {{"apiVersion", "discovery.k8s.io/v1"},
                          {"kind", "EndpointSlice"},
                          {"metadata",
                           {{"name", cluster_name + "-kconnect-" + std::to_string(i++)},
                            {"namespace", "default"},
                            {"labels",
                             {{"kubernetes.io/service-name", cluster_name + "-kconnect"},
                              {"app.kubernetes.io/managed-by", "kconnect-operator"},
                              {"kconnect.dev/cluster", cluster_name}}}}},
                          {"addressType", "IPv4"},
                          {"endpoints",
                           {{{"addresses", {"127.0.0.1"}},
                             {"conditions", {{"ready", true}}},
                             {"targetRef", {{"kind", "Pod"}, {"name", w.pod}}}}}},
                          {"ports", {{{"name", "rest"}, {"port", w.port}, {"protocol", "TCP"}}}}};
    auto r = client_->apply(slices, slice, {.force = true});
    ASSERT_TRUE(r) << r.error().to_string();
  }
}

bool OperatorTest::eventually_for(const std::function<bool()>& predicate,
                                  std::chrono::milliseconds timeout) {
  return eventually(predicate, timeout);
}

}  // namespace kc::testing
