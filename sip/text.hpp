// Character classes and scanning helpers of the RFC 3261 grammar (§25.1), shared by the parsers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tollgate::sip::text {

constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
/// SP and HTAB. Folded line ends are rewritten to SP by the parser, so values only hold these.
constexpr bool is_ws(char c) { return c == ' ' || c == '\t'; }
/// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
constexpr bool is_token_char(char c) {
  if (is_alnum(c)) return true;
  switch (c) {
    case '-': case '.': case '!': case '%': case '*': case '_': case '+': case '`': case '\'': case '~':
      return true;
    default:
      return false;
  }
}
/// unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
constexpr bool is_unreserved(char c) {
  if (is_alnum(c)) return true;
  switch (c) {
    case '-': case '_': case '.': case '!': case '~': case '*': case '\'': case '(': case ')':
      return true;
    default:
      return false;
  }
}

constexpr char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b);
bool is_token(std::string_view s);
std::string_view trim(std::string_view s);
std::string_view trim_left(std::string_view s);
std::string_view trim_right(std::string_view s);

/// 1*DIGIT with value <= max, no sign, no spaces; leading zeros allowed.
std::optional<std::uint64_t> parse_uint(std::string_view digits, std::uint64_t max);

/// Length of the quoted-string that starts at s[0] == '"' (quotes included), honouring
/// quoted-pairs; nullopt when it is not terminated.
std::optional<std::size_t> quoted_length(std::string_view s);

/// Splits a comma-separated header value into trimmed elements. Commas inside quoted strings
/// and inside <...> do not split. Empty elements and unbalanced quotes or brackets fail.
class list_splitter {
public:
  explicit list_splitter(std::string_view value) : rest_(value) {}
  /// The next element, or nullopt at the end or on failure (then failed() is true).
  std::optional<std::string_view> next();
  bool failed() const { return failed_; }
  bool done() const { return done_; }

private:
  std::string_view rest_;
  bool failed_ = false;
  bool done_ = false;
};

}  // namespace tollgate::sip::text
