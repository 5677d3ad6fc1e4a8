#pragma once

// Java regular expressions (java.util.regex.Pattern) for RegexRouter and TopicNameMatches, run
// with std::regex's ECMAScript grammar, and Java's Matcher replacement syntax.
//
// Caveats: ECMAScript and Java agree on the common syntax (classes, groups, alternation, greedy and
// lazy quantifiers, anchors, \d \w \s \b, lookahead, backreferences). Java-only constructs are
// refused with an error rather than silently meaning something else: lookbehind (?<= (?<!, named
// groups (?<name>...) and ${name}, atomic groups (?>...), possessive quantifiers (*+ ++ ?+ {n}+),
// inline flags other than a leading (?i), \A \Z \z \G \Q...\E \p{..} \P{..} \h \H \R \X \K, and
// character class union/intersection ([a[b]] [a&&b]). A leading (?i) becomes case-insensitive
// matching. std::regex is a backtracking engine like Java's; topic names are short, so its speed
// does not matter, and results are cached by the callers.

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"

namespace kc::transforms {

class JavaRegex {
 public:
  // Errors are Errc::kInvalidConfig: "Invalid regular expression: ...".
  static Result<JavaRegex> compile(std::string_view pattern);

  // Matcher.matches(): the whole input. No exceptions escape (a regex engine failure is a
  // non-match).
  bool matches(std::string_view input) const;
  // Matcher.find() from the start: the first match, or false.
  bool find_first(std::string_view input, std::cmatch& match) const;
  size_t group_count() const { return regex_.mark_count(); }
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::regex regex_;
};

// A Matcher replacement string: $n (the longest group number that exists), \x (a literal x),
// anything else literal. Checked against the regex's group count when parsed.
class JavaReplacement {
 public:
  // Errors are Errc::kInvalidConfig with Java's wording ("Illegal group reference", ...).
  static Result<JavaReplacement> parse(std::string_view replacement, size_t group_count);
  void append(const std::cmatch& match, std::string& out) const;

 private:
  struct Part {
    std::string literal;
    int group = -1;  // >= 0: a group reference
  };
  std::vector<Part> parts_;
};

// Matcher.replaceFirst when the whole input matches (RegexRouter): nullopt when it does not match.
std::optional<std::string> replace_if_matches(const JavaRegex& regex,
                                              const JavaReplacement& replacement,
                                              std::string_view input);

}  // namespace kc::transforms
