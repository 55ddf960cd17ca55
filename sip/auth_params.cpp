// Generic auth-param lists.
#include "sip/auth_params.hpp"

#include "sip/text.hpp"

namespace tollgate::sip {

const auth_param* auth_value::find(std::string_view name) const {
  for (const auth_param& p : params) {
    if (text::iequals(p.name, name)) return &p;
  }
  return nullptr;
}

std::optional<auth_value> parse_auth_value(std::string_view value) {
  auth_value out;
  std::string_view s = text::trim(value);
  std::size_t i = 0;
  while (i < s.size() && text::is_token_char(s[i])) ++i;
  if (i == 0) return std::nullopt;
  out.scheme = s.substr(0, i);
  s = s.substr(i);
  if (!s.empty() && !text::is_ws(s[0])) return std::nullopt;
  s = text::trim_left(s);
  while (!s.empty()) {
    if (s[0] == ',') {  // empty list element
      s = text::trim_left(s.substr(1));
      continue;
    }
    if (out.params.size() == max_auth_params) return std::nullopt;
    std::size_t n = 0;
    while (n < s.size() && text::is_token_char(s[n])) ++n;
    if (n == 0) return std::nullopt;
    auth_param p;
    p.name = s.substr(0, n);
    s = text::trim_left(s.substr(n));
    if (s.empty() || s[0] != '=') return std::nullopt;
    s = text::trim_left(s.substr(1));
    if (!s.empty() && s[0] == '"') {
      const auto len = text::quoted_length(s);
      if (!len) return std::nullopt;
      p.value = s.substr(1, *len - 2);
      p.quoted = true;
      s = s.substr(*len);
    } else {
      // token, or token68-like values some clients send unquoted ("response=ab12/==").
      std::size_t v = 0;
      while (v < s.size() && (text::is_token_char(s[v]) || s[v] == '/' || s[v] == '=' || s[v] == ':')) ++v;
      if (v == 0) return std::nullopt;
      p.value = s.substr(0, v);
      s = s.substr(v);
    }
    out.params.push_back(p);
    s = text::trim_left(s);
    if (!s.empty()) {
      if (s[0] != ',') return std::nullopt;
      s = text::trim_left(s.substr(1));
    }
  }
  return out;
}

std::string unquote(std::string_view quoted_content) {
  std::string out;
  out.reserve(quoted_content.size());
  for (std::size_t i = 0; i < quoted_content.size(); ++i) {
    if (quoted_content[i] == '\\' && i + 1 < quoted_content.size()) ++i;
    out.push_back(quoted_content[i]);
  }
  return out;
}

}  // namespace tollgate::sip
