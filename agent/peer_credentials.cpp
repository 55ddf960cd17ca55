// SO_PEERCRED and the password and group databases, turned into a peer's role.
#include "agent/peer_credentials.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <vector>

namespace tollgate::agent {
namespace {

// The reentrant lookups need a buffer; grow it on ERANGE up to a sane bound.
constexpr std::size_t initial_buffer = 4096;
constexpr std::size_t max_buffer = 1 << 20;

struct user_entry {
  uid_t uid;
  gid_t gid;
  std::string name;
};

template <typename Lookup>
bool with_buffer(Lookup lookup) {
  std::vector<char> buffer(initial_buffer);
  while (true) {
    const int rc = lookup(buffer);
    if (rc == ERANGE && buffer.size() < max_buffer) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    return rc == 0;
  }
}

std::optional<user_entry> user_by_uid(uid_t uid) {
  std::optional<user_entry> found;
  with_buffer([&](std::vector<char>& buffer) {
    passwd entry{};
    passwd* result = nullptr;
    const int rc = getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &result);
    if (rc == 0 && result != nullptr) found = user_entry{entry.pw_uid, entry.pw_gid, entry.pw_name};
    return rc;
  });
  return found;
}

std::optional<user_entry> user_by_name(const std::string& name) {
  std::optional<user_entry> found;
  with_buffer([&](std::vector<char>& buffer) {
    passwd entry{};
    passwd* result = nullptr;
    const int rc = getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &result);
    if (rc == 0 && result != nullptr) found = user_entry{entry.pw_uid, entry.pw_gid, entry.pw_name};
    return rc;
  });
  return found;
}

std::optional<gid_t> group_by_name(const std::string& name) {
  std::optional<gid_t> found;
  with_buffer([&](std::vector<char>& buffer) {
    group entry{};
    group* result = nullptr;
    const int rc = getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &result);
    if (rc == 0 && result != nullptr) found = entry.gr_gid;
    return rc;
  });
  return found;
}

// The switch user as configured: a name, or a bare number taken as a uid.
std::optional<uid_t> switch_uid(const std::string& switch_user) {
  if (switch_user.empty()) return std::nullopt;
  uid_t uid = 0;
  const auto [end, ec] = std::from_chars(switch_user.data(), switch_user.data() + switch_user.size(), uid);
  if (ec == std::errc{} && end == switch_user.data() + switch_user.size()) return uid;
  if (auto user = user_by_name(switch_user)) return user->uid;
  return std::nullopt;
}

bool member_of(const peer_credentials& credentials, gid_t group) {
  if (credentials.gid == group) return true;
  const auto user = user_by_uid(credentials.uid);
  if (!user) return false;
  std::vector<gid_t> groups(64);
  int count = static_cast<int>(groups.size());
  while (getgrouplist(user->name.c_str(), credentials.gid, groups.data(), &count) < 0) {
    if (static_cast<std::size_t>(count) <= groups.size()) return false;  // cannot happen; be safe
    groups.resize(static_cast<std::size_t>(count));
  }
  groups.resize(static_cast<std::size_t>(count));
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

}  // namespace

std::string_view to_string(peer_role role) {
  switch (role) {
    case peer_role::admin: return "admin";
    case peer_role::switch_user: return "switch";
    case peer_role::refused: return "refused";
  }
  return "refused";
}

std::variant<peer_credentials, std::error_code> read_peer_credentials(int fd) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
    return std::error_code(errno, std::system_category());
  }
  return peer_credentials{credentials.pid, credentials.uid, credentials.gid};
}

peer_role classify_peer(const peer_credentials& credentials, const role_names& names) {
  if (credentials.uid == 0) return peer_role::admin;
  if (const auto uid = switch_uid(names.switch_user); uid && *uid == credentials.uid) return peer_role::switch_user;
  if (const auto gid = group_by_name(names.admin_group); gid && member_of(credentials, *gid)) return peer_role::admin;
  return peer_role::refused;
}

std::string user_name_of(uid_t uid) {
  if (auto user = user_by_uid(uid)) return user->name;
  return "uid " + std::to_string(uid);
}

peer identify_peer(std::uint64_t connection, const peer_credentials& credentials, const role_names& names) {
  return peer{connection, credentials, classify_peer(credentials, names), user_name_of(credentials.uid)};
}

}  // namespace tollgate::agent
