#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <tl/expected.hpp>

namespace kc {

// Error categories. Keep this list short: callers branch on retriable() far more often than on
// the code, and the message carries the detail a person needs.
enum class Errc {
  kInvalidArgument,  // a caller passed something malformed
  kInvalidConfig,    // configuration refused by validation
  kNotFound,
  kAlreadyExists,
  kConflict,     // stale version, state does not allow the operation
  kUnavailable,  // a peer is down or refused; usually retriable
  kTimeout,
  kIo,        // local file / socket error
  kProtocol,  // a peer spoke something we do not understand
  kData,      // a record's bytes do not match what the converter expects
  kPermissionDenied,
  kCancelled,  // shutdown or an explicit stop interrupted the operation
  kUnsupported,
  kInternal,  // a bug: invariant broken
};

std::string_view to_string(Errc code);

enum class Retry { kNo, kYes };

// An expected failure: a code, a message with context, and whether retrying can help.
// Cheap to move; copyable. Never carries secrets: build messages from key names, not values.
class Error {
 public:
  Error(Errc code, std::string message, Retry retry = Retry::kNo)
      : code_(code), message_(std::move(message)), retriable_(retry == Retry::kYes) {}

  Errc code() const { return code_; }
  const std::string& message() const { return message_; }
  bool retriable() const { return retriable_; }

  // Prefixes the message with where it happened: "reading /etc/x.properties: no such file".
  Error& with_context(std::string_view context) &;
  Error&& with_context(std::string_view context) &&;

  std::string to_string() const;

 private:
  Errc code_;
  std::string message_;
  bool retriable_;
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

inline tl::unexpected<Error> make_error(Errc code, std::string message, Retry retry = Retry::kNo) {
  return tl::unexpected<Error>(Error(code, std::move(message), retry));
}

template <class... Args>
tl::unexpected<Error> make_error(Errc code, fmt::format_string<Args...> format, Args&&... args) {
  return tl::unexpected<Error>(Error(code, fmt::format(format, std::forward<Args>(args)...)));
}

inline Status ok() { return {}; }

}  // namespace kc

// Returns the error of a Result/Status expression from the enclosing function.
#define KC_RETURN_IF_ERROR(expr)                                           \
  do {                                                                     \
    if (auto kc_status_ = (expr); !kc_status_) {                           \
      return ::tl::unexpected<::kc::Error>(std::move(kc_status_).error()); \
    }                                                                      \
  } while (false)

// Declares `lhs` from a Result expression, or returns its error.
#define KC_ASSIGN_OR_RETURN(lhs, expr) \
  KC_ASSIGN_OR_RETURN_IMPL_(KC_CONCAT_(kc_result_, __LINE__), lhs, expr)
#define KC_CONCAT_INNER_(a, b) a##b
#define KC_CONCAT_(a, b) KC_CONCAT_INNER_(a, b)
#define KC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)                         \
  auto tmp = (expr);                                                      \
  if (!tmp) return ::tl::unexpected<::kc::Error>(std::move(tmp).error()); \
  lhs = std::move(tmp).value()
