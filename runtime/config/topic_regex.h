#pragma once

// `topics.regex` as the consumer really runs it.
//
// Users write Java regular expressions (Kafka Connect hands the pattern to the Java consumer,
// which keeps the topics whose whole name matches). librdkafka instead compiles a subscription
// that starts with '^' with the C library's POSIX extended regular expressions (`regcomp` with
// REG_EXTENDED | REG_NOSUB, rdregex.c) and keeps the topics it finds anywhere in. A pattern that
// std::regex or Java accepts can mean something else there: `orders-\d+` is "orders-" followed by
// d's for glibc, and `(?:a|b)` does not compile.
//
// TopicRegex translates the Java pattern once into the POSIX form, anchored at both ends, checks
// it with the same `regcomp` call librdkafka makes, and matches topics with that compiled form, so
// validation, the herder's topic matching and the subscription agree by construction.
//
// Translated: literals and escaped punctuation, `.`, classes with ranges and negation, `\d \D \w
// \W \s \S` (also inside classes, the positive ones), `\Q...\E`, groups and non-capturing groups
// `(?:...)`, alternation, the quantifiers `* + ? {n} {n,} {n,m}` and their lazy forms (a lazy
// quantifier matches the same whole names). Refused with an error that names the construct:
// lookaround, named and atomic groups, inline flags, possessive quantifiers, back-references,
// `\b \B \A \Z \z \G \p{..} \h \R \X \K`, control-character escapes (no topic contains one),
// nested classes, class intersection (&&) and negated shorthands inside a class.
//
// Threading: immutable after compile(); matches() may be called from any thread.

#include <memory>
#include <string>
#include <string_view>

#include "libs/base/error.h"

namespace kc::config {

class TopicRegex {
 public:
  // Errors: Errc::kInvalidConfig, "Invalid regular expression: <why>".
  static Result<TopicRegex> compile(std::string_view java_pattern);

  // Whether the whole topic name matches, as librdkafka decides it.
  bool matches(std::string_view topic) const;
  // What to hand to rd_kafka_subscribe: "^(<POSIX ERE>)$".
  const std::string& subscription() const { return subscription_; }

 private:
  struct Compiled;
  std::string subscription_;
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace kc::config
