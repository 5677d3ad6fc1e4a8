#pragma once

// Values that must never be printed: what config providers resolved (`${file:...}`,
// `${env:...}`, managed mode's `${secret:...}`). Config keys that hold them are shown as
// `[hidden]` where configurations are printed; this registry catches the same values wherever
// else they surface — an error message, a task's trace, a log line — because a secret can be
// used as a topic name, a file name or a URL and then appear in any message about it.
//
// One process-wide set. The logger masks every line and the REST API every body with mask().
// Thread-safe; mask() holds a lock only to take the current immutable snapshot.
//
// Caveats: values shorter than kMinMaskedBytes are not remembered (masking "1" or "on" would make
// every output unreadable, and such a value is no credential); the set keeps the newest
// kMaxRemembered values, so a rotated secret stays masked for a long while after rotation.

#include <cstddef>
#include <string>
#include <string_view>

namespace kc::secrets {

inline constexpr size_t kMinMaskedBytes = 4;
inline constexpr size_t kMaxRemembered = 4096;
inline constexpr std::string_view kMask = "[hidden]";

// Adds a value to the set (no-op when shorter than kMinMaskedBytes or already known).
void remember(std::string_view value);
// `text` with every remembered value — as it is, and as it appears inside a JSON string — replaced
// by kMask. Returns `text` unchanged when nothing is remembered.
std::string mask(std::string_view text);
// Forgets every value (tests).
void forget_all();

}  // namespace kc::secrets
