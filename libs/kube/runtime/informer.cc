#include "libs/kube/runtime/informer.h"

namespace kc::kube::runtime {

Informer::Informer(Client& client, ResourceType type, ListWatchOptions options,
                   Watcher::Options watcher_options)
    : Informer(make_list_watch(client, type, std::move(options)), [&] {
        if (watcher_options.name == "watcher") watcher_options.name = type.group_resource();
        return watcher_options;
      }()) {}

Informer::Informer(std::unique_ptr<ListWatch> source, Watcher::Options watcher_options)
    : source_(std::move(source)),
      watcher_(
          *source_, [this](WatcherEvent&& e) { store_.handle(std::move(e)); },
          std::move(watcher_options)) {}

Informer::~Informer() { stop(); }

void Informer::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](const std::stop_token& stop) { watcher_.run(stop); });
}

void Informer::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

}  // namespace kc::kube::runtime
