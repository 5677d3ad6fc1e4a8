#pragma once

// `kconnect-operator rack-init`: the init container of worker pods with spec.rack. Reads the
// node's topology label through the API (the downward API cannot expose node labels) and writes
// `client.rack=<value>` to a properties file that worker.properties references as
// ${file:/etc/kconnect/rack/rack.properties:client.rack}. A node without the label gives an
// empty client.rack (librdkafka then fetches from leaders) and a warning, not a failed pod.

#include <string>

#include "libs/base/error.h"
#include "libs/kube/client/client.h"

namespace kc::operator_controllers {

// Errors: the node cannot be read (kNotFound, RBAC, transport), the file cannot be written (kIo).
Status rack_init(kube::Client& client, const std::string& node, const std::string& topology_key,
                 const std::string& output);

}  // namespace kc::operator_controllers
