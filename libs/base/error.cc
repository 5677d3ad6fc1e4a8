#include "libs/base/error.h"

namespace kc {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::kInvalidArgument:
      return "invalid_argument";
    case Errc::kInvalidConfig:
      return "invalid_config";
    case Errc::kNotFound:
      return "not_found";
    case Errc::kAlreadyExists:
      return "already_exists";
    case Errc::kConflict:
      return "conflict";
    case Errc::kUnavailable:
      return "unavailable";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kIo:
      return "io";
    case Errc::kProtocol:
      return "protocol";
    case Errc::kData:
      return "data";
    case Errc::kPermissionDenied:
      return "permission_denied";
    case Errc::kCancelled:
      return "cancelled";
    case Errc::kUnsupported:
      return "unsupported";
    case Errc::kInternal:
      return "internal";
  }
  return "unknown";
}

Error& Error::with_context(std::string_view context) & {
  message_ = fmt::format("{}: {}", context, message_);
  return *this;
}

Error&& Error::with_context(std::string_view context) && {
  message_ = fmt::format("{}: {}", context, message_);
  return std::move(*this);
}

std::string Error::to_string() const {
  return fmt::format("{} ({}{})", message_, kc::to_string(code_), retriable_ ? ", retriable" : "");
}

}  // namespace kc
