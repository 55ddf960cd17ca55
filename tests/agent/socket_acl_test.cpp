#include "agent/socket_acl.hpp"

#include <catch2/catch.hpp>

#include <sys/xattr.h>
#include <unistd.h>

#include <fstream>

#include "socket_test_support.hpp"

using namespace tollgate;

TEST_CASE("the socket ACL: owner, group, the admin group, mask and other, as the kernel reads them",
          "[agent][socket_acl]") {
  const std::string acl = agent::socket_access_acl(0660, 1234);
  const std::string expected(
      "\x02\x00\x00\x00"                      // version 2
      "\x01\x00\x06\x00\xff\xff\xff\xff"      // user::rw-
      "\x04\x00\x06\x00\xff\xff\xff\xff"      // group::rw-
      "\x08\x00\x06\x00\xd2\x04\x00\x00"      // group:1234:rw-
      "\x10\x00\x06\x00\xff\xff\xff\xff"      // mask::rw-
      "\x20\x00\x00\x00\xff\xff\xff\xff",     // other::---
      44);
  CHECK(acl == expected);
  // A mode without group bits still gets a mask that lets the admin group in.
  CHECK(agent::socket_access_acl(0600, 1)[4 + 3 * 8 + 2] == 6);
}

TEST_CASE("the ACL is set on a file and leaves its mode", "[agent][socket_acl]") {
  const tollgate::test::temp_dir scratch{"tollgate-socket", agent::test::socket_dir_mode};
  const auto& dir = scratch.path();
  const auto path = dir / "file";
  std::ofstream(path) << "x";
  std::filesystem::permissions(path, std::filesystem::perms(0660));
  const auto ec = agent::grant_group_access(path, 0660, 1234);
  if (ec == std::errc::operation_not_supported) {
    WARN("no ACLs on " << dir << "; nothing to check");
  } else {
    REQUIRE_FALSE(ec);
    char value[128];
    const ssize_t size = getxattr(path.c_str(), "system.posix_acl_access", value, sizeof value);
    CHECK(std::string(value, static_cast<std::size_t>(std::max<ssize_t>(size, 0))) ==
          agent::socket_access_acl(0660, 1234));
    CHECK(std::filesystem::status(path).permissions() == std::filesystem::perms(0660));
  }
  CHECK(agent::grant_group_access(dir / "missing", 0660, 1234) == std::errc::no_such_file_or_directory);
  std::filesystem::remove_all(dir);
}
