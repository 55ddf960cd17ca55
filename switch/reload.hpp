// Reloading the switch's config: what a reload says, and which changes need a restart.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "sip/digest_server.hpp"
#include "switch/registrar.hpp"
#include "switch/tcp_transport.hpp"
#include "wire/control_protocol.hpp"

namespace tollgate::switch_ {

/// Settings a running switch does not change on reload (its sockets), as they were at start.
struct startup_settings {
  std::vector<config::listen_address> listen;
  std::string agent_socket;
  std::string control_socket;
};

struct reload_result {
  /// Empty when the new config is in use; else the loader's errors, one per line, and the
  /// old config stays.
  std::string error;
  /// Changes that take a restart ("[switch] listen changed: …; restart tollgate-switch").
  std::vector<std::string> restart_needed;
  std::string source;  // the file read, or "built-in defaults"

  bool ok() const { return error.empty(); }
};

/// Socket paths given on the command line (empty: none), which win over the config's.
struct socket_overrides {
  std::string agent_socket;    // --socket
  std::string control_socket;  // --control-socket
};

/// The settings `c` gives, after the command line's overrides; with no control socket
/// anywhere, switch.sock beside the agent's socket.
startup_settings effective_settings(const config::config& c, const socket_overrides& overrides);

/// What changed from `started` to `fresh` that only a restart applies, one line each.
std::vector<std::string> restart_notes(const startup_settings& started, const startup_settings& fresh);

/// The digest server's settings from [switch] (algorithms, nonce lifetime).
sip::digest_server_config digest_config(const config::config& c);
/// The TCP transports' limits from [switch] tcp_*; `max_outbound` is not in the file.
tcp_limits tcp_limits_of(const config::config& c, std::size_t max_outbound);
/// The registrar's settings from the parameters (SS_AUTHCHALLENGEMODE).
registrar_settings settings_of(const config::config& c);

/// The result of `reload` on the switch socket: {"reloaded":true,"source":…,"endpoints":n,
/// "mapping_gateways":n,"routing_gateways":n,"restart_needed":[…]}.
wire::json reload_json(const reload_result& r, const config::config& current);

}  // namespace tollgate::switch_
