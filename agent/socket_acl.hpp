// The admin group's access to the socket file: one POSIX ACL entry beside root:tollgate 0660.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace tollgate::agent {

/// The system.posix_acl_access value for `mode` plus read and write for `group`, in the
/// kernel's format (linux/posix_acl_xattr.h): the mode's owner, group and other bits, the
/// extra group entry, and a mask of the group bits and read-write.
std::string socket_access_acl(mode_t mode, gid_t group);

/// Lets members of `group` connect (connect(2) needs write access to the file) without
/// making the socket world-writable. Fails with the filesystem's error, e.g. EOPNOTSUPP on
/// a filesystem without ACLs.
std::error_code grant_group_access(const std::filesystem::path& path, mode_t mode, gid_t group);

}  // namespace tollgate::agent
