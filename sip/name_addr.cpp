// name-addr / addr-spec parsing.
#include "sip/name_addr.hpp"

#include "sip/params.hpp"
#include "sip/text.hpp"

namespace tollgate::sip {
namespace {

/// display-name as *(token LWS): token words separated by whitespace.
bool valid_token_words(std::string_view s) {
  for (char c : s) {
    if (!text::is_token_char(c) && !text::is_ws(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<name_addr> name_addr::parse(std::string_view value) {
  name_addr na;
  std::string_view rest = text::trim(value);
  if (rest.empty()) return std::nullopt;

  std::size_t open = std::string_view::npos;
  if (rest[0] == '"') {
    const auto n = text::quoted_length(rest);
    if (!n) return std::nullopt;
    na.display_name = rest.substr(1, *n - 2);
    na.display_quoted = true;
    rest = text::trim_left(rest.substr(*n));
    if (rest.empty() || rest[0] != '<') return std::nullopt;
    open = 0;
  } else {
    const std::size_t lt = rest.find('<');
    // A '<' before any ';' means name-addr; otherwise the '<' belongs to a parameter value.
    const std::size_t semi = rest.find(';');
    if (lt != std::string_view::npos && (semi == std::string_view::npos || lt < semi)) {
      const std::string_view words = text::trim_right(rest.substr(0, lt));
      if (!valid_token_words(words)) return std::nullopt;
      na.display_name = words;
      open = lt;
    }
  }

  if (open != std::string_view::npos) {
    const std::size_t close = rest.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    const auto u = uri::parse(rest.substr(open + 1, close - open - 1));
    if (!u) return std::nullopt;
    na.address = *u;
    na.bracketed = true;
    rest = rest.substr(close + 1);
  } else {
    std::size_t end = 0;
    while (end < rest.size() && rest[end] != ';' && !text::is_ws(rest[end])) ++end;
    const std::string_view spec = rest.substr(0, end);
    if (spec.find('?') != std::string_view::npos || spec.find(',') != std::string_view::npos) return std::nullopt;
    const auto u = uri::parse(spec);
    if (!u) return std::nullopt;
    na.address = *u;
    rest = rest.substr(end);
  }
  na.params = text::trim(rest);
  if (!valid_params(na.params)) return std::nullopt;
  return na;
}

std::optional<std::string_view> name_addr::param(std::string_view name) const {
  const auto p = find_param(params, name);
  if (!p) return std::nullopt;
  return p->value;
}

std::string_view name_addr::tag() const { return param("tag").value_or(std::string_view{}); }

std::optional<std::uint32_t> name_addr::expires() const {
  const auto v = param("expires");
  if (!v || v->empty()) return std::nullopt;
  for (char c : *v) {
    if (!text::is_digit(c)) return std::nullopt;
  }
  const auto n = text::parse_uint(*v, UINT32_MAX);
  return n ? static_cast<std::uint32_t>(*n) : UINT32_MAX;  // overlarge: clamp (RFC 4475 §3.1.2.4)
}

std::optional<std::vector<name_addr>> parse_name_addr_list(std::string_view value) {
  std::vector<name_addr> out;
  text::list_splitter split(value);
  while (auto element = split.next()) {
    auto na = name_addr::parse(*element);
    if (!na) return std::nullopt;
    out.push_back(*na);
  }
  if (split.failed()) return std::nullopt;
  return out;
}

bool parse_contact_value(std::string_view value, contact_list& out) {
  if (text::trim(value) == "*") {
    if (!out.contacts.empty()) return false;
    out.star = true;
    return true;
  }
  if (out.star) return false;
  auto list = parse_name_addr_list(value);
  if (!list) return false;
  out.contacts.insert(out.contacts.end(), list->begin(), list->end());
  return true;
}

}  // namespace tollgate::sip
