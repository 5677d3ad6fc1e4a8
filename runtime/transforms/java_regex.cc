#include "runtime/transforms/java_regex.h"

#include <fmt/format.h>

namespace kc::transforms {
namespace {

tl::unexpected<Error> invalid(std::string_view pattern, std::string_view why) {
  return make_error(Errc::kInvalidConfig, "Invalid regular expression \"{}\": {}", pattern, why);
}

// Finds Java-only syntax; returns why it is refused, or nullopt.
std::optional<std::string> java_only(std::string_view p) {
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) return std::nullopt;  // std::regex reports the dangling escape
      char e = p[i + 1];
      constexpr std::string_view kJavaEscapes = "AZzGQEpPhHRXK";
      if (kJavaEscapes.find(e) != std::string_view::npos) {
        return fmt::format("\\{} is Java-only syntax, not supported", e);
      }
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      if (c == '[') return std::string("nested character classes ([a[b]]) are not supported");
      if (c == '&' && i + 1 < p.size() && p[i + 1] == '&') {
        return std::string("character class intersection (&&) is not supported");
      }
      continue;
    }
    if (c == '[') {
      in_class = true;
      if (i + 1 < p.size() && p[i + 1] == '^') ++i;
      if (i + 1 < p.size() && p[i + 1] == ']') ++i;  // a leading ] is literal
      continue;
    }
    if (c == '(' && i + 1 < p.size() && p[i + 1] == '?') {
      std::string_view rest = p.substr(i + 2);
      if (rest.starts_with("<=") || rest.starts_with("<!")) {
        return std::string("lookbehind is not supported");
      }
      if (rest.starts_with("<")) return std::string("named groups are not supported");
      if (rest.starts_with(">")) return std::string("atomic groups are not supported");
      if (!rest.starts_with(":") && !rest.starts_with("=") && !rest.starts_with("!")) {
        return std::string("inline flags are not supported (except a leading (?i))");
      }
      continue;
    }
    if (c == '+' && i > 0) {
      char prev = p[i - 1];
      bool escaped_prev = i > 1 && p[i - 2] == '\\';
      if (!escaped_prev && (prev == '*' || prev == '+' || prev == '?' || prev == '}')) {
        return std::string("possessive quantifiers are not supported");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

Result<JavaRegex> JavaRegex::compile(std::string_view pattern) {
  JavaRegex r;
  r.pattern_ = std::string(pattern);
  std::string_view body = pattern;
  auto flags = std::regex::ECMAScript;
  if (body.starts_with("(?i)")) {
    flags |= std::regex::icase;
    body.remove_prefix(4);
  }
  if (auto why = java_only(body)) return invalid(pattern, *why);
  try {
    r.regex_ = std::regex(std::string(body), flags);
  } catch (const std::regex_error& e) {
    return invalid(pattern, e.what());
  }
  return r;
}

bool JavaRegex::matches(std::string_view input) const {
  try {
    return std::regex_match(input.begin(), input.end(), regex_);
  } catch (const std::regex_error&) {
    return false;
  }
}

bool JavaRegex::find_first(std::string_view input, std::cmatch& match) const {
  try {
    return std::regex_search(input.data(), input.data() + input.size(), match, regex_);
  } catch (const std::regex_error&) {
    return false;
  }
}

Result<JavaReplacement> JavaReplacement::parse(std::string_view s, size_t group_count) {
  auto error = [](std::string message) {
    return make_error(Errc::kInvalidConfig, "Invalid replacement: {}", message);
  };
  JavaReplacement r;
  auto literal = [&](char c) {
    if (r.parts_.empty() || r.parts_.back().group >= 0) r.parts_.push_back({});
    r.parts_.back().literal.push_back(c);
  };
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\') {
      if (++i >= s.size()) return error("character to be escaped is missing");
      literal(s[i++]);
      continue;
    }
    if (c != '$') {
      literal(c);
      ++i;
      continue;
    }
    if (++i >= s.size()) return error("Illegal group reference: group index is missing");
    if (s[i] == '{') return error("named groups (${name}) are not supported");
    if (s[i] < '0' || s[i] > '9') return error("Illegal group reference");
    size_t group = static_cast<size_t>(s[i++] - '0');
    // Java takes the longest group number that exists.
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      size_t longer = group * 10 + static_cast<size_t>(s[i] - '0');
      if (longer > group_count) break;
      group = longer;
      ++i;
    }
    if (group > group_count) return error(fmt::format("No group {}", group));
    r.parts_.push_back({{}, static_cast<int>(group)});
  }
  return r;
}

void JavaReplacement::append(const std::cmatch& match, std::string& out) const {
  for (const auto& part : parts_) {
    if (part.group < 0) {
      out += part.literal;
    } else if (static_cast<size_t>(part.group) < match.size() &&
               match[static_cast<size_t>(part.group)].matched) {
      const auto& sub = match[static_cast<size_t>(part.group)];
      out.append(sub.first, sub.second);
    }
  }
}

std::optional<std::string> replace_if_matches(const JavaRegex& regex,
                                              const JavaReplacement& replacement,
                                              std::string_view input) {
  if (!regex.matches(input)) return std::nullopt;
  std::cmatch m;
  if (!regex.find_first(input, m)) return std::nullopt;
  std::string out(input.substr(0, static_cast<size_t>(m.position(0))));
  replacement.append(m, out);
  out.append(input.substr(static_cast<size_t>(m.position(0) + m.length(0))));
  return out;
}

}  // namespace kc::transforms
