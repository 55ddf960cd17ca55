// Who is on the other end of the agent socket: SO_PEERCRED, the user's name, and its role.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

namespace tollgate::agent {

/// What a peer may do (docs/agent-protocol.md).
enum class peer_role : std::uint8_t {
  admin,        // uid 0 or a member of the admin group: commands (and reports)
  switch_user,  // the switch's user: reports in, decisions out
  refused,      // anyone else: one error line, then closed
};
std::string_view to_string(peer_role role);

/// The names that decide roles; both are configurable ([agent] switch_user, admin_group).
struct role_names {
  std::string admin_group = "tollgate-admin";
  std::string switch_user = "tollgate";  // a user name, or a numeric uid
};

/// The kernel's word on the connecting process, read once at accept.
struct peer_credentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

/// A connected peer as the rest of the agent sees it.
struct peer {
  std::uint64_t connection = 0;  // the server's running number, for logs
  peer_credentials credentials;
  peer_role role = peer_role::refused;
  std::string user_name;  // from the password database, else "uid N": the audit actor
};

/// SO_PEERCRED of a connected Unix socket.
std::variant<peer_credentials, std::error_code> read_peer_credentials(int fd);

/// The role of a peer: uid 0 is admin; the switch user is switch; a member of the admin
/// group by primary gid or by the supplementary groups of its user (getgrouplist) is admin;
/// anyone else is refused. Names that do not exist match nobody.
peer_role classify_peer(const peer_credentials& credentials, const role_names& names);

/// The user name of a uid, or "uid N" when the password database has none.
std::string user_name_of(uid_t uid);

/// A whole peer: credentials, role and name.
peer identify_peer(std::uint64_t connection, const peer_credentials& credentials, const role_names& names);

}  // namespace tollgate::agent
