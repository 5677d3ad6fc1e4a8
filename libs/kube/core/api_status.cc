#include "libs/kube/core/api_status.h"

#include <fmt/format.h>

namespace kc::kube {

Object ApiStatus::to_json() const {
  Object status = {{"kind", "Status"},
                   {"apiVersion", "v1"},
                   {"metadata", Object::object()},
                   {"status", code >= 200 && code < 300 ? "Success" : "Failure"},
                   {"message", message},
                   {"reason", reason},
                   {"code", code}};
  Object details = Object::object();
  if (!details_name.empty()) details["name"] = details_name;
  if (!details_group.empty()) details["group"] = details_group;
  if (!details_kind.empty()) details["kind"] = details_kind;
  if (!causes.empty()) {
    Object list = Object::array();
    for (const auto& c : causes) {
      list.push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    }
    details["causes"] = list;
  }
  if (!details.empty()) status["details"] = details;
  return status;
}

ApiStatus ApiStatus::from_body(int http_status, std::string_view body) {
  ApiStatus status;
  status.code = http_status;
  auto parsed = Object::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || parsed.value("kind", "") != "Status") {
    status.message = std::string(body.substr(0, 512));
    return status;
  }
  status.reason = parsed.value("reason", "");
  status.message = parsed.value("message", "");
  if (parsed.contains("code") && parsed["code"].is_number_integer()) {
    status.code = parsed["code"].get<int>();
  }
  if (const Object* causes = find_path(parsed, "details.causes"); causes && causes->is_array()) {
    for (const auto& c : *causes) {
      status.causes.push_back(
          {c.value("reason", ""), c.value("field", ""), c.value("message", "")});
    }
  }
  return status;
}

bool is_expired(const ApiStatus& status) {
  return status.code == 410 || status.reason == "Expired" || status.reason == "Gone";
}

Error to_error(const ApiStatus& status, std::string_view operation) {
  std::string message = fmt::format("{}: {} (HTTP {}{}{})", operation,
                                    status.message.empty() ? "no message" : status.message,
                                    status.code, status.reason.empty() ? "" : " ", status.reason);
  switch (status.code) {
    case 400:
      return Error(Errc::kInvalidArgument, message);
    case 401:
    case 403:
      return Error(Errc::kPermissionDenied, message);
    case 404:
      return Error(Errc::kNotFound, message);
    case 409:
      return Error(status.reason == "AlreadyExists" ? Errc::kAlreadyExists : Errc::kConflict,
                   message);
    case 410:
      return Error(Errc::kConflict, message);
    case 422:
      return Error(Errc::kInvalidConfig, message);
    case 504:
      return Error(Errc::kTimeout, message, Retry::kYes);
    case 429:
    case 500:
    case 502:
    case 503:
      return Error(Errc::kUnavailable, message, Retry::kYes);
    default:
      if (status.reason == "Timeout") return Error(Errc::kTimeout, message, Retry::kYes);
      return Error(Errc::kProtocol, message, status.code >= 500 ? Retry::kYes : Retry::kNo);
  }
}

}  // namespace kc::kube
