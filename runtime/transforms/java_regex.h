#pragma once

// Java regular expressions (java.util.regex.Pattern) for RegexRouter and TopicNameMatches, run
// with PCRE2 (Debian's libpcre2-8), and Java's Matcher replacement syntax.
//
// PCRE2 speaks Java's syntax for what users write in Kafka Connect configs: classes, groups,
// alternation, greedy, lazy and possessive quantifiers, atomic groups, lookahead and lookbehind,
// named groups (?<name>...) with \k<name>, back-references, \A \z \Z \G, \Q...\E, \h \v \R \X,
// Unicode categories and scripts (\p{L}, \p{Lu}, \p{IsLatin}), and the inline flags i, m, s, x.
// Java's own spellings are translated first: the POSIX property names (\p{Alpha}, \p{Lower},
// \p{ASCII}, ... and \P{..}) and the Is prefix of \p{IsX}. Refused with an error, rather than
// silently meaning something else: class union and intersection ([a[b]] [a&&b]), Unicode blocks
// (\p{InGreek}), java.lang.Character properties (\p{javaLowerCase}), and the inline flags d, u
// and U (PCRE2's (?U) means "ungreedy", Java's "Unicode classes").
// Patterns and inputs are UTF-8 (Java's \uhhhh becomes PCRE2's \x{hhhh}); an input that is not
// valid UTF-8 never matches, and neither does one that exceeds PCRE2's backtracking limits.
//
// Threading: immutable after compile(); any number of threads may match at once.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"

namespace kc::transforms {

class JavaRegex {
 public:
  // Errors are Errc::kInvalidConfig: "Invalid regular expression "<p>": <why>".
  static Result<JavaRegex> compile(std::string_view pattern);

  // Matcher.matches(): the whole input.
  bool matches(std::string_view input) const;
  size_t group_count() const { return group_count_; }
  // The number of a named group, or nullopt.
  std::optional<size_t> group_number(std::string_view name) const;
  const std::string& pattern() const { return pattern_; }

  // A match's groups as [begin, end) offsets into the input; nullopt for a group that did not
  // take part.
  struct Span {
    size_t begin = 0, end = 0;
  };
  using Groups = std::vector<std::optional<Span>>;
  // Matcher.find() from the start: group 0 and the others of the first match, or nullopt.
  std::optional<Groups> find_first(std::string_view input) const;

  struct Code;

 private:
  std::string pattern_;
  std::shared_ptr<const Code> code_;
  size_t group_count_ = 0;
};

// A Matcher replacement string: $n (the longest group number that exists), ${name}, \x (a literal
// x), anything else literal. Checked against the regex's groups when parsed.
class JavaReplacement {
 public:
  // Errors are Errc::kInvalidConfig with Java's wording ("Illegal group reference", ...).
  static Result<JavaReplacement> parse(std::string_view replacement, const JavaRegex& regex);
  void append(std::string_view input, const JavaRegex::Groups& groups, std::string& out) const;

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
