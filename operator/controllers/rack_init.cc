#include "operator/controllers/rack_init.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "libs/base/log.h"
#include "operator/controllers/context.h"
#include "operator/model/properties_text.h"

namespace kc::operator_controllers {

Status rack_init(kube::Client& client, const std::string& node, const std::string& topology_key,
                 const std::string& output) {
  if (node.empty()) return make_error(Errc::kInvalidArgument, "--node is empty (KC_NODE_NAME)");
  KC_ASSIGN_OR_RETURN(auto obj, client.get(types::nodes(), "", node));
  std::string rack = kube::label_of(obj, topology_key);
  if (rack.empty()) {
    log::get("kc.operator.rack")
        .warn("node has no such label: client.rack stays empty",
              {{"node", node}, {"label", topology_key}});
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(output).parent_path(), ec);
  std::string tmp = output + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << operator_model::properties_text({{"client.rack", rack}},
                                           fmt::format("client.rack of node {}", node));
    if (!out) {
      return make_error(Errc::kIo, fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
    }
  }
  std::filesystem::rename(tmp, output, ec);
  if (ec) return make_error(Errc::kIo, fmt::format("cannot write {}: {}", output, ec.message()));
  log::get("kc.operator.rack").info("client.rack written", {{"node", node}, {"rack", rack}});
  return ok();
}

}  // namespace kc::operator_controllers
