#include "runtime/config/security/jaas.h"

#include "libs/base/strings.h"

namespace kc::config::security {
namespace {

enum class TokenType { kWord, kQuoted, kSemicolon, kEquals, kEnd };

struct Token {
  TokenType type = TokenType::kEnd;
  std::string text;  // words and quoted strings
};

// Appends code point `c` (< 0x100, from an octal escape) as UTF-8, as Java would encode it.
void append_latin1(std::string& out, unsigned c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) {}

  Result<Token> next() {
    for (;;) {
      skip_space();
      if (pos_ >= text_.size()) return Token{};
      char c = text_[pos_];
      if (c != '/') break;
      skip_comment();
    }
    char c = text_[pos_];
    if (c == ';') {
      ++pos_;
      return Token{TokenType::kSemicolon, ";"};
    }
    if (c == '=') {
      ++pos_;
      return Token{TokenType::kEquals, "="};
    }
    if (c == '"' || c == '\'') return quoted(c);
    size_t start = pos_;
    while (pos_ < text_.size() && is_word(text_[pos_])) ++pos_;
    return Token{TokenType::kWord, std::string(text_.substr(start, pos_ - start))};
  }

 private:
  static bool is_space(char c) { return static_cast<unsigned char>(c) <= 32; }
  static bool is_word(char c) {
    return !is_space(c) && c != ';' && c != '=' && c != '"' && c != '\'' && c != '/';
  }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  // At a '/': "/*...*/" is skipped; "//" and a lone '/' run to the end of the line.
  void skip_comment() {
    if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
      auto end = text_.find("*/", pos_ + 2);
      pos_ = end == std::string_view::npos ? text_.size() : end + 2;
      return;
    }
    auto end = text_.find_first_of("\r\n", pos_);
    pos_ = end == std::string_view::npos ? text_.size() : end;
  }

  Result<Token> quoted(char quote) {
    ++pos_;
    Token token{TokenType::kQuoted, ""};
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == quote) return token;
      if (c == '\n' || c == '\r') break;
      if (c != '\\') {
        token.text += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      if (e >= '0' && e <= '7') {
        unsigned value = static_cast<unsigned>(e - '0');
        // Up to three octal digits, the first at most '3' for three (as Java: \377 at most).
        for (int i = 1; i < 3 && pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '7';
             ++i) {
          if (i == 2 && e > '3') break;
          value = value * 8 + static_cast<unsigned>(text_[pos_++] - '0');
        }
        append_latin1(token.text, value);
        continue;
      }
      switch (e) {
        case 'a':
          token.text += '\a';
          break;
        case 'b':
          token.text += '\b';
          break;
        case 'f':
          token.text += '\f';
          break;
        case 'n':
          token.text += '\n';
          break;
        case 'r':
          token.text += '\r';
          break;
        case 't':
          token.text += '\t';
          break;
        case 'v':
          token.text += '\v';
          break;
        default:
          token.text += e;
      }
    }
    return make_error(
        Errc::kInvalidConfig,
        "unterminated quoted value in JAAS config (a {} quote is not closed on its line)",
        quote == '"' ? "double" : "single");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool is_value(const Token& t) { return t.type == TokenType::kWord || t.type == TokenType::kQuoted; }

Result<JaasEntry> parse_entry(Tokenizer& tokens, Token first) {
  JaasEntry entry;
  if (!is_value(first)) {
    return make_error(Errc::kInvalidConfig,
                      "JAAS config must start with a login module class name, found '{}'",
                      first.text);
  }
  entry.login_module = std::move(first.text);
  KC_ASSIGN_OR_RETURN(auto flag, tokens.next());
  if (flag.type == TokenType::kEnd) {
    return make_error(Errc::kInvalidConfig,
                      "Login module control flag not specified in JAAS config");
  }
  auto lower = strings::to_lower(flag.text);
  if (!is_value(flag) || (lower != "required" && lower != "requisite" && lower != "sufficient" &&
                          lower != "optional")) {
    return make_error(Errc::kInvalidConfig,
                      "Invalid login module control flag '{}' in JAAS config (allowed: required, "
                      "requisite, sufficient, optional)",
                      flag.text);
  }
  entry.control_flag = lower;
  for (;;) {
    KC_ASSIGN_OR_RETURN(auto key, tokens.next());
    if (key.type == TokenType::kSemicolon) return entry;
    if (key.type == TokenType::kEnd) {
      return make_error(Errc::kInvalidConfig, "JAAS config entry not terminated by semi-colon");
    }
    if (!is_value(key)) {
      return make_error(Errc::kInvalidConfig, "Expected an option name in JAAS config, found '{}'",
                        key.text);
    }
    KC_ASSIGN_OR_RETURN(auto equals, tokens.next());
    if (equals.type != TokenType::kEquals) {
      return make_error(Errc::kInvalidConfig, "Value not specified for key '{}' in JAAS config",
                        key.text);
    }
    KC_ASSIGN_OR_RETURN(auto value, tokens.next());
    if (!is_value(value)) {
      return make_error(Errc::kInvalidConfig, "Value not specified for key '{}' in JAAS config",
                        key.text);
    }
    bool replaced = false;
    for (auto& [name, existing] : entry.options) {
      if (name == key.text) {
        existing = std::move(value.text);
        replaced = true;
      }
    }
    if (!replaced) entry.options.emplace_back(std::move(key.text), std::move(value.text));
  }
}

}  // namespace

const std::string* JaasEntry::option(std::string_view name) const {
  for (const auto& [key, value] : options) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string_view JaasEntry::simple_name() const {
  std::string_view name = login_module;
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

Result<std::vector<JaasEntry>> parse_jaas_config(std::string_view text) {
  Tokenizer tokens(text);
  std::vector<JaasEntry> entries;
  for (;;) {
    KC_ASSIGN_OR_RETURN(auto first, tokens.next());
    if (first.type == TokenType::kEnd) break;
    KC_ASSIGN_OR_RETURN(auto entry, parse_entry(tokens, std::move(first)));
    entries.push_back(std::move(entry));
  }
  if (entries.empty()) {
    return make_error(Errc::kInvalidConfig, "Login module not specified in JAAS config");
  }
  return entries;
}

}  // namespace kc::config::security
