// Character classes and scanning helpers of the RFC 3261 grammar (§25.1), shared by the parsers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tollgate::sip::text {

namespace detail {

enum char_class : std::uint8_t {
  alpha = 1,
  digit = 2,
  hex = 4,
  ws = 8,
  token = 16,       // alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
  unreserved = 32,  // alphanum / "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
  list_special = 64 // octets a comma-separated list splitter must look at: , " < >
};

constexpr std::array<std::uint8_t, 256> make_char_table() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t v = 0;
    const bool a = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool d = c >= '0' && c <= '9';
    if (a) v |= alpha;
    if (d) v |= digit;
    if (d || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) v |= hex;
    if (c == ' ' || c == '\t') v |= ws;
    if (a || d || c == '-' || c == '.' || c == '!' || c == '%' || c == '*' || c == '_' || c == '+' || c == '`' ||
        c == '\'' || c == '~') {
      v |= token;
    }
    if (a || d || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' || c == '(' ||
        c == ')') {
      v |= unreserved;
    }
    if (c == ',' || c == '"' || c == '<' || c == '>') v |= list_special;
    t[static_cast<std::size_t>(c)] = v;
  }
  return t;
}

inline constexpr std::array<std::uint8_t, 256> char_table = make_char_table();

constexpr bool has(char c, std::uint8_t cls) { return (char_table[static_cast<unsigned char>(c)] & cls) != 0; }

}  // namespace detail

constexpr bool is_alpha(char c) { return detail::has(c, detail::alpha); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) { return detail::has(c, detail::alpha | detail::digit); }
constexpr bool is_hex(char c) { return detail::has(c, detail::hex); }
/// SP and HTAB. Folded line ends are rewritten to SP by the parser, so values only hold these.
constexpr bool is_ws(char c) { return c == ' ' || c == '\t'; }
/// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
constexpr bool is_token_char(char c) { return detail::has(c, detail::token); }
/// unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
constexpr bool is_unreserved(char c) { return detail::has(c, detail::unreserved); }
constexpr bool is_list_special(char c) { return detail::has(c, detail::list_special); }

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
