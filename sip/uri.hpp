// SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966), and any other absoluteURI as opaque text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::sip {

enum class uri_scheme : std::uint8_t { sip, sips, tel, other };

/// A parsed URI: views into the text it was parsed from, never unescaped (RFC 4475 §3.1.1.3:
/// unescaping twice is a bug, so consumers unescape once, with unescape(), where they compare).
struct uri {
  uri_scheme scheme = uri_scheme::other;
  std::string_view text;         // the whole URI
  std::string_view scheme_text;  // "sip", "SIPS", "nobodyKnowsThisScheme"...
  std::string_view user;         // sip/sips userinfo user part; tel: the subscriber number
  std::string_view password;
  std::string_view host;         // brackets kept for IPv6 references: "[2001:db8::1]"
  std::optional<std::uint16_t> port;
  std::string_view params;       // uri-parameters without the leading ';' ("lr;transport=tcp")
  std::string_view headers;      // after '?', without it
  std::string_view opaque;       // other schemes: everything after the ':'

  /// Parses `text` (no surrounding whitespace or brackets). Characters are checked against
  /// the grammar of each component; escapes must be %HH.
  static std::optional<uri> parse(std::string_view text);

  bool is_sip() const { return scheme == uri_scheme::sip || scheme == uri_scheme::sips; }
  /// The value of uri-parameter `name` ("" for a flag such as ";lr"), or nullopt.
  std::optional<std::string_view> param(std::string_view name) const;
  bool has_param(std::string_view name) const { return param(name).has_value(); }
  /// The explicit port, else 5061 for sips and 5060 otherwise.
  std::uint16_t port_or_default() const;
  /// The host without IPv6 brackets.
  std::string_view host_bare() const;
};

/// %HH-decodes `text` once; nullopt when an escape is malformed. NULs survive (RFC 4475 escnull).
std::optional<std::string> unescape(std::string_view text);

}  // namespace tollgate::sip
