// Via parsing.
#include "sip/via.hpp"

#include "sip/params.hpp"
#include "sip/text.hpp"

namespace tollgate::sip {
namespace {

/// Reads a token after optional LWS, then skips trailing LWS.
std::string_view take_token(std::string_view& s) {
  s = text::trim_left(s);
  std::size_t i = 0;
  while (i < s.size() && text::is_token_char(s[i])) ++i;
  const std::string_view token = s.substr(0, i);
  s = text::trim_left(s.substr(i));
  return token;
}

bool take_slash(std::string_view& s) {
  if (s.empty() || s[0] != '/') return false;
  s = s.substr(1);
  return true;
}

}  // namespace

std::optional<via> via::parse(std::string_view value) {
  via v;
  std::string_view s = value;
  v.protocol = take_token(s);
  if (v.protocol.empty() || !take_slash(s)) return std::nullopt;
  v.version = take_token(s);
  if (v.version.empty() || !take_slash(s)) return std::nullopt;
  v.transport = take_token(s);
  if (v.transport.empty()) return std::nullopt;

  // sent-by = host [ COLON port ]
  std::size_t i = 0;
  if (!s.empty() && s[0] == '[') {
    i = s.find(']');
    if (i == std::string_view::npos) return std::nullopt;
    ++i;
    for (char c : s.substr(1, i - 2)) {
      if (!text::is_hex(c) && c != ':' && c != '.') return std::nullopt;
    }
  } else {
    while (i < s.size() && (text::is_alnum(s[i]) || s[i] == '-' || s[i] == '.' || s[i] == '_')) ++i;
  }
  v.host = s.substr(0, i);
  if (v.host.empty() || v.host == "[]") return std::nullopt;
  s = text::trim_left(s.substr(i));
  if (!s.empty() && s[0] == ':') {
    s = text::trim_left(s.substr(1));
    std::size_t j = 0;
    while (j < s.size() && text::is_digit(s[j])) ++j;
    const auto port = text::parse_uint(s.substr(0, j), 65535);
    if (!port) return std::nullopt;
    v.port = static_cast<std::uint16_t>(*port);
    s = s.substr(j);
  }
  v.params = text::trim(s);
  if (!v.params.empty() && v.params[0] != ';') return std::nullopt;
  if (!valid_params(v.params)) return std::nullopt;
  return v;
}

std::optional<std::string_view> via::param(std::string_view name) const {
  const auto p = find_param(params, name);
  if (!p) return std::nullopt;
  return p->value;
}

std::string_view via::branch() const { return param("branch").value_or(std::string_view{}); }

bool via::rfc3261_branch() const {
  const std::string_view b = branch();
  return b.size() > branch_cookie.size() && b.substr(0, branch_cookie.size()) == branch_cookie;
}

std::optional<std::uint16_t> via::rport() const {
  const auto v = param("rport");
  if (!v || v->empty()) return std::nullopt;
  const auto n = text::parse_uint(*v, 65535);
  if (!n) return std::nullopt;
  return static_cast<std::uint16_t>(*n);
}

std::uint16_t via::port_or_default() const {
  if (port) return *port;
  return text::iequals(transport, "TLS") ? 5061 : 5060;
}

std::string_view via::host_bare() const {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

bool parse_via_list(std::string_view value, std::vector<via>& out) {
  text::list_splitter split(value);
  while (auto element = split.next()) {
    auto v = via::parse(*element);
    if (!v) return false;
    out.push_back(*v);
  }
  return !split.failed();
}

}  // namespace tollgate::sip
