#include "runtime/config/topic_regex.h"

#include <optional>

#include <fmt/format.h>
#include <regex.h>

namespace kc::config {

struct TopicRegex::Compiled {
  regex_t re{};
  bool compiled = false;
  ~Compiled() {
    if (compiled) regfree(&re);
  }
};

namespace {

constexpr std::string_view kEreSpecial = ".[\\()*+?{|^$";
constexpr std::string_view kWord = "A-Za-z0-9_";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The POSIX ERE translation of one Java pattern; `error` is set on the first refusal.
class Translator {
 public:
  explicit Translator(std::string_view p) : p_(p) {}

  std::optional<std::string> run() {
    while (i_ < p_.size() && !error_) step();
    if (error_) return std::nullopt;
    return out_;
  }
  const std::string& error() const { return *error_; }

 private:
  void refuse(std::string why) {
    if (!error_) error_ = std::move(why);
  }
  std::string unsupported(std::string_view construct) const {
    return fmt::format(
        "{} is not supported in topics.regex (the consumer matches topic names with POSIX "
        "extended regular expressions)",
        construct);
  }

  void literal(char c) {
    if (kEreSpecial.find(c) != std::string_view::npos) out_.push_back('\\');
    out_.push_back(c);
  }

  void step() {
    char c = p_[i_];
    switch (c) {
      case '\\':
        escape();
        return;
      case '[':
        ++i_;
        char_class();
        return;
      case '(':
        group();
        return;
      case '*':
      case '+':
      case '?':
        out_.push_back(c);
        ++i_;
        quantifier_suffix();
        return;
      case '{':
        interval();
        return;
      default:
        out_.push_back(c);
        ++i_;
    }
  }

  // After a quantifier: a lazy '?' matches the same whole names (dropped); a possessive '+' can
  // refuse names the greedy form accepts (refused).
  void quantifier_suffix() {
    if (i_ >= p_.size()) return;
    if (p_[i_] == '?') {
      ++i_;
    } else if (p_[i_] == '+') {
      refuse(unsupported("a possessive quantifier"));
    }
  }

  void interval() {
    auto close = p_.find('}', i_);
    if (close == std::string_view::npos) {
      refuse("unclosed counted repetition '{'");
      return;
    }
    auto body = p_.substr(i_ + 1, close - i_ - 1);
    bool valid = !body.empty() && is_digit(body.front());
    for (char b : body) valid = valid && (is_digit(b) || b == ',');
    if (!valid || body.find(',') != body.rfind(',')) {
      refuse(fmt::format("illegal repetition {{{}}}", body));
      return;
    }
    out_.append(p_.substr(i_, close - i_ + 1));
    i_ = close + 1;
    quantifier_suffix();
  }

  void group() {
    if (p_.substr(i_).starts_with("(?:")) {
      out_.push_back('(');
      i_ += 3;
      return;
    }
    if (p_.substr(i_).starts_with("(?")) {
      auto rest = p_.substr(i_ + 2);
      if (rest.starts_with("=") || rest.starts_with("!") || rest.starts_with("<=") ||
          rest.starts_with("<!")) {
        refuse(unsupported("lookaround"));
      } else if (rest.starts_with("<")) {
        refuse(unsupported("a named group"));
      } else if (rest.starts_with(">")) {
        refuse(unsupported("an atomic group"));
      } else {
        refuse(unsupported("an inline flag"));
      }
      return;
    }
    out_.push_back('(');
    ++i_;
  }

  // A shorthand class (\d \w \s and their negations) as a POSIX bracket expression, or its items
  // when `inside` a class (positive ones only).
  static std::optional<std::string> shorthand(char e, bool inside) {
    std::string items;
    switch (e) {
      case 'd':
      case 'D':
        items = "0-9";
        break;
      case 'w':
      case 'W':
        items = kWord;
        break;
      case 's':
      case 'S':
        items = "[:space:]";
        break;
      default:
        return std::nullopt;
    }
    if (inside) return items;
    bool negated = e == 'D' || e == 'W' || e == 'S';
    return fmt::format("[{}{}]", negated ? "^" : "", items);
  }

  void escape() {
    if (i_ + 1 >= p_.size()) {
      refuse("the pattern ends with a backslash");
      return;
    }
    char e = p_[i_ + 1];
    i_ += 2;
    if (auto cls = shorthand(e, false)) {
      out_ += *cls;
      return;
    }
    if (e == 'Q') {
      auto end = p_.find("\\E", i_);
      auto quoted =
          p_.substr(i_, end == std::string_view::npos ? std::string_view::npos : end - i_);
      for (char q : quoted) literal(q);
      i_ = end == std::string_view::npos ? p_.size() : end + 2;
      return;
    }
    if (!is_alnum(e)) {
      literal(e);
      return;
    }
    if (is_digit(e)) {
      refuse(unsupported(fmt::format("a back-reference or octal escape (\\{})", e)));
    } else {
      refuse(unsupported(fmt::format("\\{}", e)));
    }
  }

  // After '['. Java's class items, re-emitted in the order a POSIX bracket expression needs: a
  // literal ']' first, '^' not first, '-' last.
  void char_class() {
    bool negated = false;
    if (i_ < p_.size() && p_[i_] == '^') {
      negated = true;
      ++i_;
    }
    bool close_bracket = false, caret = false, dash = false;
    std::string items;
    bool first = true;
    // A single character of the class: plain or escaped; nullopt when it was not one (a
    // shorthand was appended, or an error).
    auto single = [&]() -> std::optional<char> {
      char c = p_[i_];
      if (c == '[') {
        refuse(unsupported("a nested character class"));
        return std::nullopt;
      }
      if (c == '&' && i_ + 1 < p_.size() && p_[i_ + 1] == '&') {
        refuse(unsupported("character class intersection (&&)"));
        return std::nullopt;
      }
      if (c != '\\') {
        ++i_;
        return c;
      }
      if (i_ + 1 >= p_.size()) {
        refuse("unclosed character class");
        return std::nullopt;
      }
      char e = p_[i_ + 1];
      i_ += 2;
      if (auto cls = shorthand(e, true)) {
        if (e == 'D' || e == 'W' || e == 'S') {
          refuse(unsupported(fmt::format("\\{} inside a character class", e)));
        } else {
          items += *cls;
        }
        return std::nullopt;
      }
      if (is_alnum(e)) {
        refuse(unsupported(fmt::format("\\{} inside a character class", e)));
        return std::nullopt;
      }
      return e;
    };
    auto add = [&](char c) {
      if (c == ']') {
        close_bracket = true;
      } else if (c == '^') {
        caret = true;
      } else if (c == '-') {
        dash = true;
      } else {
        items.push_back(c);
      }
    };
    while (!error_) {
      if (i_ >= p_.size()) {
        refuse("unclosed character class");
        return;
      }
      if (p_[i_] == ']' && !first) {
        ++i_;
        break;
      }
      first = false;
      auto from = single();
      if (!from) continue;
      bool range = i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']';
      if (!range) {
        add(*from);
        continue;
      }
      ++i_;  // the '-'
      auto to = single();
      if (!to) {
        refuse("illegal character range: its end is not a single character");
        return;
      }
      if (*to < *from) {
        refuse(fmt::format("illegal character range {}-{}", *from, *to));
        return;
      }
      constexpr std::string_view kAwkward = "]^-[\\";
      if (kAwkward.find(*from) != std::string_view::npos ||
          kAwkward.find(*to) != std::string_view::npos) {
        refuse(unsupported(
            fmt::format("a character range that starts or ends with '{}{}'", *from, *to)));
        return;
      }
      items.push_back(*from);
      items.push_back('-');
      items.push_back(*to);
    }
    if (error_) return;
    if (!negated && !close_bracket && items.empty() && caret) {
      // '^' alone cannot come first in a bracket expression: the one character as a literal.
      if (dash) {
        out_ += "[-^]";
      } else {
        out_ += "\\^";
      }
      return;
    }
    out_.push_back('[');
    if (negated) out_.push_back('^');
    if (close_bracket) out_.push_back(']');
    out_ += items;
    if (caret) out_.push_back('^');
    if (dash) out_.push_back('-');
    out_.push_back(']');
  }

  std::string_view p_;
  size_t i_ = 0;
  std::string out_;
  std::optional<std::string> error_;
};

}  // namespace

Result<TopicRegex> TopicRegex::compile(std::string_view java_pattern) {
  auto invalid = [&](std::string_view why) {
    return make_error(Errc::kInvalidConfig, "Invalid regular expression: {}", why);
  };
  if (java_pattern.find('\0') != std::string_view::npos) return invalid("it contains a NUL");
  Translator translator(java_pattern);
  auto ere = translator.run();
  if (!ere) return invalid(translator.error());
  TopicRegex r;
  r.subscription_ = fmt::format("^({})$", *ere);
  auto compiled = std::make_shared<Compiled>();
  // The call librdkafka makes (rdregex.c: rd_regex_comp).
  int rc = regcomp(&compiled->re, r.subscription_.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char why[256];
    regerror(rc, &compiled->re, why, sizeof why);
    return invalid(why);
  }
  compiled->compiled = true;
  r.compiled_ = std::move(compiled);
  return r;
}

bool TopicRegex::matches(std::string_view topic) const {
  if (!compiled_ || topic.find('\0') != std::string_view::npos) return false;
  std::string name(topic);
  return regexec(&compiled_->re, name.c_str(), 0, nullptr, 0) != REG_NOMATCH;
}

}  // namespace kc::config
