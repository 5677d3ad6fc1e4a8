#pragma once

#include "libs/base/error.h"
#include "runtime/api/record.h"

namespace kc::api {

// A single message transform. Called from the task's sink thread only.
class Transform {
 public:
  enum class Outcome { kKeep, kDrop };
  virtual ~Transform() = default;
  // Changes the record in place, or says to drop it. Errors are subject to errors.tolerance.
  virtual Result<Outcome> apply(SinkRecord& record) = 0;
};

// A predicate deciding whether a transform applies to a record.
class Predicate {
 public:
  virtual ~Predicate() = default;
  virtual bool test(const SinkRecord& record) const = 0;
};

}  // namespace kc::api
