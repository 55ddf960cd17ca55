// The admin group's access to the socket file, written as the kernel's ACL xattr.
#include "agent/socket_acl.hpp"

#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstdint>

namespace tollgate::agent {
namespace {

void put_le16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}

void put_le32(std::string& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_entry(std::string& out, std::uint16_t tag, std::uint16_t perm, std::uint32_t id) {
  put_le16(out, tag);
  put_le16(out, perm);
  put_le32(out, id);
}

}  // namespace

std::string socket_access_acl(mode_t mode, gid_t group) {
  constexpr std::uint32_t undefined = static_cast<std::uint32_t>(ACL_UNDEFINED_ID);
  constexpr std::uint16_t read_write = ACL_READ | ACL_WRITE;
  const auto bits = [mode](int shift) { return static_cast<std::uint16_t>((mode >> shift) & 7); };
  std::string acl;
  put_le32(acl, POSIX_ACL_XATTR_VERSION);
  // Entries in the order the kernel requires: by tag, then by id.
  put_entry(acl, ACL_USER_OBJ, bits(6), undefined);
  put_entry(acl, ACL_GROUP_OBJ, bits(3), undefined);
  put_entry(acl, ACL_GROUP, read_write, static_cast<std::uint32_t>(group));
  put_entry(acl, ACL_MASK, static_cast<std::uint16_t>(bits(3) | read_write), undefined);
  put_entry(acl, ACL_OTHER, bits(0), undefined);
  return acl;
}

std::error_code grant_group_access(const std::filesystem::path& path, mode_t mode, gid_t group) {
  const std::string acl = socket_access_acl(mode, group);
  if (setxattr(path.c_str(), "system.posix_acl_access", acl.data(), acl.size(), 0) != 0) {
    return {errno, std::system_category()};
  }
  return {};
}

}  // namespace tollgate::agent
