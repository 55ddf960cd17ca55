// Via header values: sent-protocol, sent-by and the branch/received/rport parameters.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tollgate::sip {

inline constexpr std::string_view branch_cookie = "z9hG4bK";

/// One via-parm, e.g. "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9;rport".
struct via {
  std::string_view protocol;   // "SIP"
  std::string_view version;    // "2.0"
  std::string_view transport;  // "UDP", "TCP", "TLS", "SCTP", or any token
  std::string_view host;       // brackets kept for IPv6 references
  std::optional<std::uint16_t> port;
  std::string_view params;     // from the first ';'

  /// One via-parm; LWS is allowed around '/' and ':' and the parameters (RFC 4475 wsinv).
  static std::optional<via> parse(std::string_view value);

  std::optional<std::string_view> param(std::string_view name) const;
  /// The branch parameter, or "" when absent.
  std::string_view branch() const;
  /// True when the branch starts with the RFC 3261 magic cookie and has something after it.
  bool rfc3261_branch() const;
  std::optional<std::string_view> received() const { return param("received"); }
  /// True when an rport parameter is present (with or without a value).
  bool has_rport() const { return param("rport").has_value(); }
  /// The rport value filled in by a server, when present and valid.
  std::optional<std::uint16_t> rport() const;
  std::uint16_t port_or_default() const;
  /// The host without IPv6 brackets.
  std::string_view host_bare() const;
};

/// Parses one Via header value with one or more comma-separated via-parms into `out`.
bool parse_via_list(std::string_view value, std::vector<via>& out);

}  // namespace tollgate::sip
