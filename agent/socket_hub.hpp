// What the socket server and its sessions share: options, counters, the live sessions.
#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "agent/peer_credentials.hpp"
#include "base/clock.hpp"
#include "wire/control_protocol.hpp"

namespace tollgate::agent {

class control_handler;
class socket_session;

struct server_options {
  std::filesystem::path path = "/run/tollgate/agent.sock";
  role_names roles;
  std::string socket_group = "tollgate";  // the socket file's group, when the group exists
  mode_t socket_mode = 0660;
  /// Also let the admin group (roles.admin_group) connect, through a POSIX ACL entry, so
  /// that its members need not be in socket_group too.
  bool admin_group_acl = true;
  /// Bytes a peer may have waiting to be written; past this it is a slow reader and is
  /// disconnected, so that nobody can make the agent wait or grow without bound.
  std::size_t max_queued_bytes = 4 * 1024 * 1024;
  std::chrono::seconds bad_line_log_interval{60};
};

/// Counters since start, for `status` and the metrics.
struct server_stats {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
  std::uint64_t reports = 0;
  std::uint64_t commands = 0;
  std::uint64_t slow_readers_disconnected = 0;
  std::uint64_t partial_lines_dropped = 0;  // a peer left in the middle of a line
  std::uint64_t accept_errors = 0;
  /// Why the admin group's ACL entry could not be set (empty when it was, or not wanted):
  /// its members then need to be in socket_group. The core logs it once at start.
  std::string admin_acl_problem;
  std::array<std::uint64_t, wire::line_error_count> bad_lines{};  // by wire::line_error
};

/// Owned jointly by the server and every session, so that a session's pending handlers
/// stay valid after the server is gone. Invariant: `handler` is null once the server has
/// stopped, and nothing calls it after that.
struct socket_hub {
  socket_hub(server_options o, control_handler& h, const base::clock& c) : options(std::move(o)), handler(&h), clock(&c) {}

  const server_options options;
  control_handler* handler;
  const base::clock* clock;
  server_stats stats;
  std::uint64_t next_connection = 1;
  std::map<std::uint64_t, std::weak_ptr<socket_session>> sessions;  // by peer::connection
};

}  // namespace tollgate::agent
