#include "runtime/transforms/java_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <array>

#include <fmt/format.h>
#include <pcre2.h>

namespace kc::transforms {

struct JavaRegex::Code {
  pcre2_code* code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

namespace {

tl::unexpected<Error> invalid(std::string_view pattern, std::string_view why) {
  return make_error(Errc::kInvalidConfig, "Invalid regular expression \"{}\": {}", pattern, why);
}

// Java's POSIX character class names (java.util.regex.Pattern, "POSIX character classes
// (US-ASCII only)") and the PCRE2 POSIX class each stands for.
constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kPosixNames = {{
    {"Lower", "lower"},
    {"Upper", "upper"},
    {"ASCII", "ascii"},
    {"Alpha", "alpha"},
    {"Digit", "digit"},
    {"Alnum", "alnum"},
    {"Punct", "punct"},
    {"Graph", "graph"},
    {"Print", "print"},
    {"Blank", "blank"},
    {"Cntrl", "cntrl"},
    {"XDigit", "xdigit"},
    {"Space", "space"},
}};

// Rewrites Java-only spellings into PCRE2's; returns why the pattern is refused, or nullopt.
std::optional<std::string> to_pcre2(std::string_view p, std::string& out) {
  bool in_class = false;
  size_t class_start = 0;  // index just after the '[' (and a '^') that opened the class
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) {
        out.push_back(c);  // PCRE2 reports the trailing backslash
        continue;
      }
      char e = p[i + 1];
      if (e == 'Q') {  // quoted up to \E (or the end): copied as it is, PCRE2 reads it the same
        auto end = p.find("\\E", i + 2);
        end = end == std::string_view::npos ? p.size() : end + 2;
        out.append(p.substr(i, end - i));
        i = end - 1;
        continue;
      }
      if (e == 'u' && i + 6 <= p.size()) {  // Java's \uhhhh
        out += fmt::format("\\x{{{}}}", p.substr(i + 2, 4));
        i += 5;
        continue;
      }
      if (e != 'p' && e != 'P') {
        out.append(p.substr(i, 2));
        ++i;
        continue;
      }
      // \p{Name}, \pL and their negations.
      std::string_view name;
      size_t next;
      if (i + 2 < p.size() && p[i + 2] == '{') {
        auto close = p.find('}', i + 3);
        if (close == std::string_view::npos) return std::string("unclosed \\p{...}");
        name = p.substr(i + 3, close - i - 3);
        next = close + 1;
      } else {
        name = p.substr(i + 2, 1);
        next = i + 3;
      }
      bool negated = e == 'P';
      std::string replacement;
      for (const auto& [java, posix] : kPosixNames) {
        if (name == java) {
          auto item = fmt::format("[:{}{}:]", negated ? "^" : "", posix);
          replacement = in_class ? item : "[" + item + "]";
        }
      }
      if (replacement.empty()) {
        if (name.starts_with("In")) {
          return fmt::format("Unicode blocks (\\p{{{}}}) are not supported", name);
        }
        if (name.starts_with("java")) {
          return fmt::format("java.lang.Character properties (\\p{{{}}}) are not supported", name);
        }
        if (name.starts_with("Is")) name.remove_prefix(2);
        replacement = fmt::format("\\{}{{{}}}", e, name);
      }
      out += replacement;
      i = next - 1;
      continue;
    }
    if (in_class) {
      if (c == '[') return std::string("character class union ([a[b]]) is not supported");
      if (c == '&' && i + 1 < p.size() && p[i + 1] == '&') {
        return std::string("character class intersection (&&) is not supported");
      }
      if (c == ']' && i != class_start) in_class = false;
      out.push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.push_back(c);
      if (i + 1 < p.size() && p[i + 1] == '^') out.push_back(p[++i]);
      class_start = i + 1;
      continue;
    }
    if (c == '(' && i + 2 < p.size() && p[i + 1] == '?') {
      // Inline flags (?idmsuxU-idmsuxU) or (?flags:X): PCRE2 knows i, m, s and x as Java does.
      size_t j = i + 2;
      while (j < p.size() && std::string_view("idmsuxU-").find(p[j]) != std::string_view::npos) {
        if (std::string_view("duU").find(p[j]) != std::string_view::npos) {
          return fmt::format("the inline flag {} is not supported", p[j]);
        }
        ++j;
      }
    }
    out.push_back(c);
  }
  return std::nullopt;
}

using MatchData = std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)>;

// Runs the regex; the match's groups, or nullopt for no match (or a backtracking limit hit).
std::optional<JavaRegex::Groups> run(const pcre2_code* code, size_t groups, std::string_view input,
                                     uint32_t options) {
  MatchData data(pcre2_match_data_create_from_pattern(code, nullptr), &pcre2_match_data_free);
  if (!data) return std::nullopt;
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(input.data()), input.size(), 0, options,
                       data.get(), nullptr);
  if (rc < 0) return std::nullopt;
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
  JavaRegex::Groups out(groups + 1);
  for (size_t g = 0; g <= groups && g < static_cast<size_t>(rc); ++g) {
    if (ovector[2 * g] == PCRE2_UNSET) continue;
    out[g] = JavaRegex::Span{ovector[2 * g], ovector[2 * g + 1]};
  }
  return out;
}

}  // namespace

Result<JavaRegex> JavaRegex::compile(std::string_view pattern) {
  std::string translated;
  if (auto why = to_pcre2(pattern, translated)) return invalid(pattern, *why);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  auto code = std::make_shared<Code>();
  code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                             PCRE2_UTF, &error_code, &error_offset, nullptr);
  if (!code->code) {
    std::array<PCRE2_UCHAR, 256> message{};
    pcre2_get_error_message(error_code, message.data(), message.size());
    return invalid(pattern, reinterpret_cast<const char*>(message.data()));
  }
  uint32_t captures = 0;
  pcre2_pattern_info(code->code, PCRE2_INFO_CAPTURECOUNT, &captures);
  JavaRegex r;
  r.pattern_ = std::string(pattern);
  r.code_ = std::move(code);
  r.group_count_ = captures;
  return r;
}

bool JavaRegex::matches(std::string_view input) const {
  return run(code_->code, group_count_, input, PCRE2_ANCHORED | PCRE2_ENDANCHORED).has_value();
}

std::optional<JavaRegex::Groups> JavaRegex::find_first(std::string_view input) const {
  return run(code_->code, group_count_, input, 0);
}

std::optional<size_t> JavaRegex::group_number(std::string_view name) const {
  std::string n(name);
  int number =
      pcre2_substring_number_from_name(code_->code, reinterpret_cast<PCRE2_SPTR>(n.c_str()));
  if (number < 0) return std::nullopt;
  return static_cast<size_t>(number);
}

Result<JavaReplacement> JavaReplacement::parse(std::string_view s, const JavaRegex& regex) {
  auto error = [](std::string message) {
    return make_error(Errc::kInvalidConfig, "Invalid replacement: {}", message);
  };
  const size_t group_count = regex.group_count();
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
    if (s[i] == '{') {
      auto close = s.find('}', i);
      if (close == std::string_view::npos)
        return error("named capturing group is missing trailing '}'");
      auto name = s.substr(i + 1, close - i - 1);
      if (name.empty()) return error("named capturing group has 0 length name");
      auto number = regex.group_number(name);
      if (!number) return error(fmt::format("No group with name {{{}}}", name));
      r.parts_.push_back({{}, static_cast<int>(*number)});
      i = close + 1;
      continue;
    }
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

void JavaReplacement::append(std::string_view input, const JavaRegex::Groups& groups,
                             std::string& out) const {
  for (const auto& part : parts_) {
    if (part.group < 0) {
      out += part.literal;
    } else if (static_cast<size_t>(part.group) < groups.size()) {
      if (const auto& span = groups[static_cast<size_t>(part.group)]) {
        out.append(input.substr(span->begin, span->end - span->begin));
      }
    }
  }
}

std::optional<std::string> replace_if_matches(const JavaRegex& regex,
                                              const JavaReplacement& replacement,
                                              std::string_view input) {
  if (!regex.matches(input)) return std::nullopt;
  // Matcher.replaceFirst: the first match, which a lazy pattern may make shorter than the input.
  auto groups = regex.find_first(input);
  if (!groups || !(*groups)[0]) return std::nullopt;
  const auto& whole = *(*groups)[0];
  std::string out(input.substr(0, whole.begin));
  replacement.append(input, *groups, out);
  out.append(input.substr(whole.end));
  return out;
}

}  // namespace kc::transforms
