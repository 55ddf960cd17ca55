// Scanning helpers of the RFC 3261 grammar.
#include "sip/text.hpp"

namespace tollgate::sip::text {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
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
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (value > (max - d) / 10) return std::nullopt;
    value = value * 10 + d;
  }
  return value;
}

std::optional<std::size_t> quoted_length(std::string_view s) {
  if (s.empty() || s[0] != '"') return std::nullopt;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // quoted-pair: the next octet is literal, whatever it is
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> list_splitter::next() {
  if (done_ || failed_) return std::nullopt;
  std::size_t i = 0;
  bool in_angle = false;
  while (i < rest_.size()) {
    const char c = rest_[i];
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
