// URI parsing: scheme, userinfo, hostport, uri-parameters, headers, each checked by its grammar.
#include "sip/uri.hpp"

#include <array>

#include "sip/text.hpp"

namespace tollgate::sip {
namespace {

// Which octets each URI component allows besides %HH escapes (RFC 3261 §25.1), as bits.
enum uri_class : std::uint8_t { user_c = 1, password_c = 2, param_c = 4, header_c = 8, tel_c = 16 };

constexpr std::array<std::uint8_t, 256> make_uri_table() {
  std::array<std::uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i) {
    const char c = static_cast<char>(i);
    const auto in = [c](std::string_view set) { return set.find(c) != std::string_view::npos; };
    std::uint8_t v = 0;
    const bool u = text::is_unreserved(c);
    if (u || in("&=+$,;?/")) v |= user_c;
    if (u || in("&=+$,")) v |= password_c;
    if (u || in("[]/:&+$")) v |= param_c;
    if (u || in("[]/?:+$=&")) v |= header_c;
    if (text::is_alnum(c) || in("+-.()*#")) v |= tel_c;
    t[static_cast<std::size_t>(i)] = v;
  }
  return t;
}

constexpr std::array<std::uint8_t, 256> uri_table = make_uri_table();

/// Every octet satisfies `ok` or starts a %HH escape.
bool all_escaped(std::string_view s, std::uint8_t cls) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !text::is_hex(s[i + 1]) || !text::is_hex(s[i + 2])) return false;
      i += 2;
    } else if ((uri_table[static_cast<unsigned char>(s[i])] & cls) == 0) {
      return false;
    }
  }
  return true;
}

bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    if (host.size() < 4 || host.back() != ']') return false;
    for (char c : host.substr(1, host.size() - 2)) {
      if (!text::is_hex(c) && c != ':' && c != '.') return false;
    }
    return true;
  }
  for (char c : host) {
    if (!text::is_alnum(c) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

bool valid_uri_params(std::string_view params) {
  // ";"-separated uri-parameters; each non-empty pname, optional "=" pvalue.
  if (params.empty()) return false;  // a ';' with nothing after it
  while (!params.empty()) {
    const std::size_t semi = params.find(';');
    const std::string_view p = params.substr(0, semi);
    const std::size_t eq = p.find('=');
    const std::string_view name = p.substr(0, eq);
    if (name.empty() || !all_escaped(name, param_c)) return false;
    if (eq != std::string_view::npos && (eq + 1 == p.size() || !all_escaped(p.substr(eq + 1), param_c))) return false;
    if (semi == std::string_view::npos) break;
    params = params.substr(semi + 1);
    if (params.empty()) return false;
  }
  return true;
}

bool parse_hostport(std::string_view hp, uri& u) {
  std::size_t host_end;
  if (!hp.empty() && hp[0] == '[') {
    const std::size_t close = hp.find(']');
    if (close == std::string_view::npos) return false;
    host_end = close + 1;
  } else {
    host_end = hp.find(':');
    if (host_end == std::string_view::npos) host_end = hp.size();
  }
  u.host = hp.substr(0, host_end);
  if (!valid_host(u.host)) return false;
  if (host_end < hp.size()) {
    if (hp[host_end] != ':') return false;
    const auto port = text::parse_uint(hp.substr(host_end + 1), 65535);
    if (!port) return false;
    u.port = static_cast<std::uint16_t>(*port);
  }
  return true;
}

bool parse_sip(std::string_view rest, uri& u) {
  // userinfo ends at the only '@' the grammar allows (params and headers cannot hold one).
  const std::size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    u.user = userinfo.substr(0, colon);
    if (u.user.empty() || !all_escaped(u.user, user_c)) return false;
    if (colon != std::string_view::npos) {
      u.password = userinfo.substr(colon + 1);
      if (!all_escaped(u.password, password_c)) return false;
    }
    rest = rest.substr(at + 1);
  }
  const std::size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    u.headers = rest.substr(q + 1);
    if (u.headers.empty() || !all_escaped(u.headers, header_c)) return false;
    rest = rest.substr(0, q);
  }
  const std::size_t semi = rest.find(';');
  if (semi != std::string_view::npos) {
    u.params = rest.substr(semi + 1);
    if (!valid_uri_params(u.params)) return false;
    rest = rest.substr(0, semi);
  }
  return parse_hostport(rest, u);
}

bool parse_tel(std::string_view rest, uri& u) {
  const std::size_t semi = rest.find(';');
  u.user = rest.substr(0, semi);
  if (u.user.empty() || !all_escaped(u.user, tel_c)) return false;
  if (semi != std::string_view::npos) {
    u.params = rest.substr(semi + 1);
    if (!valid_uri_params(u.params)) return false;
  }
  return true;
}

bool valid_opaque(std::string_view rest) {
  if (rest.empty()) return false;
  for (char c : rest) {
    const auto uc = static_cast<unsigned char>(c);
    if (uc <= 0x20 || uc >= 0x7f || c == '<' || c == '>' || c == '"') return false;
  }
  return true;
}

}  // namespace

std::optional<uri> uri::parse(std::string_view text) {
  uri u;
  u.text = text;
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || !text::is_alpha(text[0])) return std::nullopt;
  u.scheme_text = text.substr(0, colon);
  for (char c : u.scheme_text) {
    if (!text::is_alnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  const std::string_view rest = text.substr(colon + 1);
  if (text::iequals(u.scheme_text, "sip")) {
    u.scheme = uri_scheme::sip;
    if (!parse_sip(rest, u)) return std::nullopt;
  } else if (text::iequals(u.scheme_text, "sips")) {
    u.scheme = uri_scheme::sips;
    if (!parse_sip(rest, u)) return std::nullopt;
  } else if (text::iequals(u.scheme_text, "tel")) {
    u.scheme = uri_scheme::tel;
    if (!parse_tel(rest, u)) return std::nullopt;
  } else {
    u.scheme = uri_scheme::other;
    if (!valid_opaque(rest)) return std::nullopt;
    u.opaque = rest;
  }
  return u;
}

std::optional<std::string_view> uri::param(std::string_view name) const {
  std::string_view rest = params;
  while (!rest.empty()) {
    const std::size_t semi = rest.find(';');
    const std::string_view p = rest.substr(0, semi);
    const std::size_t eq = p.find('=');
    if (text::iequals(p.substr(0, eq), name)) {
      return eq == std::string_view::npos ? std::string_view{} : p.substr(eq + 1);
    }
    if (semi == std::string_view::npos) break;
    rest = rest.substr(semi + 1);
  }
  return std::nullopt;
}

std::uint16_t uri::port_or_default() const {
  if (port) return *port;
  return scheme == uri_scheme::sips ? 5061 : 5060;
}

std::string_view uri::host_bare() const {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) { return text::is_digit(c) ? c - '0' : text::lower(c) - 'a' + 10; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || !text::is_hex(text[i + 1]) || !text::is_hex(text[i + 2])) return std::nullopt;
    out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
    i += 2;
  }
  return out;
}

}  // namespace tollgate::sip
