#include "libs/kube/runtime/list_watch.h"

#include <random>

namespace kc::kube::runtime {
namespace {

class ClientListWatch final : public ListWatch {
 public:
  ClientListWatch(Client& client, ResourceType type, ListWatchOptions options)
      : client_(client), type_(std::move(type)), options_(std::move(options)) {}

  Result<ObjectList> list(const std::stop_token&,
                          const std::function<void(Object&)>& transform) override {
    ListOptions list_options{.label_selector = options_.label_selector,
                             .field_selector = options_.field_selector};
    return client_.list_all(type_, options_.ns, list_options, options_.page_size, transform);
  }

  Result<WatchEnd> watch(const std::string& resource_version,
                         const std::function<bool(WatchEvent&&)>& on_event,
                         const std::stop_token& stop) override {
    static thread_local std::mt19937 rng{std::random_device{}()};
    auto base = options_.watch_timeout.count();
    std::uniform_int_distribution<long> spread(0, std::max<long>(base / 4, 0));
    WatchOptions watch_options{.resource_version = resource_version,
                               .label_selector = options_.label_selector,
                               .field_selector = options_.field_selector,
                               .allow_bookmarks = true,
                               .timeout = std::chrono::seconds(base + spread(rng)),
                               .idle_timeout = options_.idle_timeout,
                               .cancel = stop};
    return client_.watch(type_, options_.ns, watch_options, on_event);
  }

 private:
  Client& client_;
  ResourceType type_;
  ListWatchOptions options_;
};

}  // namespace

std::unique_ptr<ListWatch> make_list_watch(Client& client, ResourceType type,
                                           ListWatchOptions options) {
  return std::make_unique<ClientListWatch>(client, std::move(type), std::move(options));
}

}  // namespace kc::kube::runtime
