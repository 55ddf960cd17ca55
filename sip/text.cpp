// Scanning helpers of the RFC 3261 grammar.
#include "sip/text.hpp"

namespace tollgate::sip::text {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    // ASCII letters differ from their other case only in bit 0x20; other octets must match.
    const char x = a[i], y = b[i];
    if (x != y && !((x ^ y) == 0x20 && is_alpha(x))) return false;
  }
  return true;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

std::string_view trim_left(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_ws(s[i])) ++i;
  return s.substr(i);
}

std::string_view trim_right(std::string_view s) {
  std::size_t n = s.size();
  while (n > 0 && is_ws(s[n - 1])) --n;
  return s.substr(0, n);
}

std::string_view trim(std::string_view s) { return trim_right(trim_left(s)); }

std::optional<std::uint64_t> parse_uint(std::string_view digits, std::uint64_t max) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  if (digits.size() <= 19) {  // 19 digits cannot overflow 64 bits
    for (char c : digits) {
      if (!is_digit(c)) return std::nullopt;
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > max) return std::nullopt;
    return value;
  }
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    if (__builtin_mul_overflow(value, 10u, &value) ||
        __builtin_add_overflow(value, static_cast<std::uint64_t>(c - '0'), &value)) {
      return std::nullopt;
    }
  }
  if (value > max) return std::nullopt;
  return value;
}

std::optional<std::size_t> quoted_length(std::string_view s) {
  if (s.empty() || s[0] != '"') return std::nullopt;
  std::size_t i = 1;
  while (i < s.size()) {
    const std::size_t quote = s.find('"', i);
    if (quote == std::string_view::npos) return std::nullopt;
    const std::size_t backslash = s.substr(0, quote).find('\\', i);
    if (backslash == std::string_view::npos) return quote + 1;
    i = backslash + 2;  // quoted-pair: the octet after the backslash is literal, whatever it is
  }
  return std::nullopt;
}

std::optional<std::string_view> list_splitter::next() {
  if (done_ || failed_) return std::nullopt;
  std::size_t i = 0;
  bool in_angle = false;
  while (i < rest_.size()) {
    const char c = rest_[i];
    if (!is_list_special(c)) {
      ++i;
      continue;
    }
    if (c == '"') {
      const auto n = quoted_length(rest_.substr(i));
      if (!n) {
        failed_ = true;
        return std::nullopt;
      }
      i += *n;
      continue;
    }
    if (c == '<') {
      in_angle = true;
    } else if (c == '>') {
      in_angle = false;
    } else if (c == ',' && !in_angle) {
      break;
    }
    ++i;
  }
  if (in_angle) {
    failed_ = true;
    return std::nullopt;
  }
  const std::string_view element = trim(rest_.substr(0, i));
  if (i < rest_.size()) {
    rest_ = rest_.substr(i + 1);
  } else {
    rest_ = {};
    done_ = true;
  }
  if (element.empty()) {
    failed_ = true;
    return std::nullopt;
  }
  return element;
}

}  // namespace tollgate::sip::text
