// Header parameter lists.
#include "sip/params.hpp"

#include "sip/text.hpp"

namespace tollgate::sip {
namespace {

bool is_value_char(char c) { return text::is_token_char(c) || c == ':' || c == '[' || c == ']'; }

}  // namespace

std::optional<param> param_cursor::next() {
  if (failed_) return std::nullopt;
  rest_ = text::trim_left(rest_);
  if (rest_.empty()) return std::nullopt;
  if (rest_[0] != ';') {
    failed_ = true;
    return std::nullopt;
  }
  rest_ = text::trim_left(rest_.substr(1));
  std::size_t i = 0;
  while (i < rest_.size() && text::is_token_char(rest_[i])) ++i;
  if (i == 0) {
    failed_ = true;
    return std::nullopt;
  }
  param p;
  p.name = rest_.substr(0, i);
  rest_ = text::trim_left(rest_.substr(i));
  if (!rest_.empty() && rest_[0] == '=') {
    rest_ = text::trim_left(rest_.substr(1));
    p.has_value = true;
    if (!rest_.empty() && rest_[0] == '"') {
      const auto n = text::quoted_length(rest_);
      if (!n) {
        failed_ = true;
        return std::nullopt;
      }
      p.value = rest_.substr(1, *n - 2);
      p.quoted = true;
      rest_ = rest_.substr(*n);
    } else {
      std::size_t j = 0;
      while (j < rest_.size() && is_value_char(rest_[j])) ++j;
      if (j == 0) {
        failed_ = true;
        return std::nullopt;
      }
      p.value = rest_.substr(0, j);
      rest_ = rest_.substr(j);
    }
  }
  // What follows must be another ';' or the end.
  const std::string_view after = text::trim_left(rest_);
  if (!after.empty() && after[0] != ';') {
    failed_ = true;
    return std::nullopt;
  }
  return p;
}

std::optional<param> find_param(std::string_view params, std::string_view name) {
  param_cursor cursor(params);
  while (auto p = cursor.next()) {
    if (text::iequals(p->name, name)) return p;
  }
  return std::nullopt;
}

bool valid_params(std::string_view params) {
  param_cursor cursor(params);
  while (cursor.next()) {
  }
  return !cursor.failed();
}

}  // namespace tollgate::sip
