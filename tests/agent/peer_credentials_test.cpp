#include "agent/peer_credentials.hpp"

#include <catch2/catch.hpp>

#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "socket_test_support.hpp"

using namespace tollgate;
using namespace tollgate::agent;
using agent::test::ensured_group;
using agent::test::running_server;
using agent::test::throwaway_user;

namespace {

std::string unique_name(const char* role) { return "tg-sock-" + std::to_string(getpid()) + "-" + role; }

/// A process that connects to the socket as `user`, sends `to_send`, and reports what it
/// read (until `lines` lines, end of stream or 10 s) through a pipe.
class peer_process {
public:
  peer_process(const throwaway_user& user, const std::filesystem::path& path, std::string to_send, int lines) {
    // The child takes the user's groups, as a login would: file access depends on them.
    std::vector<gid_t> groups(64);
    int count = static_cast<int>(groups.size());
    REQUIRE(getgrouplist(user.name.c_str(), user.gid, groups.data(), &count) >= 0);
    groups.resize(static_cast<std::size_t>(count));
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      close(fds[0]);
      _exit(run_child(user, groups, path, to_send, lines, fds[1]));
    }
    close(fds[1]);
    out_ = fds[0];
  }

  /// Everything the child read, once it has exited; its exit status in `status`.
  std::string finish() {
    std::string text;
    char chunk[4096];
    ssize_t n;
    while ((n = read(out_, chunk, sizeof chunk)) > 0) text.append(chunk, static_cast<std::size_t>(n));
    close(out_);
    waitpid(pid_, &status, 0);
    return text;
  }
  int status = -1;

private:
  static int run_child(const throwaway_user& user, const std::vector<gid_t>& groups, const std::filesystem::path& path,
                       const std::string& to_send, int lines, int out) {
    if (setgroups(groups.size(), groups.data()) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0) return 10;
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 11;
    timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    // A refused peer may be closed before its line is written: read the answer anyway.
    if (!to_send.empty()) (void)send(fd, to_send.data(), to_send.size(), MSG_NOSIGNAL);
    int seen = 0;
    char chunk[4096];
    ssize_t n;
    while (seen < lines && (n = recv(fd, chunk, sizeof chunk, 0)) > 0) {
      if (write(out, chunk, static_cast<std::size_t>(n)) != n) return 13;
      for (ssize_t i = 0; i < n; ++i) seen += chunk[i] == '\n';
    }
    return 0;
  }

  pid_t pid_ = -1;
  int out_ = -1;
};

server_options open_socket_options(const throwaway_user& switch_user) {
  server_options options;
  options.socket_mode = 0666;  // these tests are about roles, not file permissions
  options.roles.switch_user = switch_user.name;
  return options;
}

}  // namespace

TEST_CASE("roles: root, admin group by supplementary group, switch user, everyone else",
          "[agent][peer_credentials]") {
  ensured_group admins("tollgate-admin");
  throwaway_user admin(unique_name("adm"), {"tollgate-admin"});
  throwaway_user switch_user(unique_name("sw"), {});
  throwaway_user stranger(unique_name("x"), {});
  role_names names;
  names.switch_user = switch_user.name;

  CHECK(classify_peer({1, 0, 0}, names) == peer_role::admin);
  CHECK(classify_peer({1, admin.uid, admin.gid}, names) == peer_role::admin);
  CHECK(classify_peer({1, switch_user.uid, switch_user.gid}, names) == peer_role::switch_user);
  CHECK(classify_peer({1, stranger.uid, stranger.gid}, names) == peer_role::refused);
  // A primary gid of the admin group is enough, even for a uid with no name.
  CHECK(classify_peer({1, 4000000, getgrnam("tollgate-admin")->gr_gid}, names) == peer_role::admin);
  CHECK(classify_peer({1, 4000000, 4000000}, names) == peer_role::refused);

  role_names by_uid;
  by_uid.switch_user = std::to_string(switch_user.uid);
  CHECK(classify_peer({1, switch_user.uid, switch_user.gid}, by_uid) == peer_role::switch_user);
  role_names missing;
  missing.admin_group = "no-such-group-tollgate";
  missing.switch_user = "no-such-user-tollgate";
  CHECK(classify_peer({1, admin.uid, admin.gid}, missing) == peer_role::refused);
  CHECK(classify_peer({1, switch_user.uid, switch_user.gid}, missing) == peer_role::refused);

  CHECK(user_name_of(0) == "root");
  CHECK(user_name_of(admin.uid) == admin.name);
  CHECK(user_name_of(4000000) == "uid 4000000");
  CHECK(to_string(peer_role::switch_user) == "switch");
}

TEST_CASE("a peer with no role gets one error line, is closed, and is reported", "[agent][peer_credentials]") {
  throwaway_user stranger(unique_name("x"), {});
  throwaway_user switch_user(unique_name("sw"), {});
  running_server server(open_socket_options(switch_user));
  peer_process child(stranger, server.path(), R"({"id":1,"command":"blacklist_flush"})" "\n", 2);
  const std::string got = child.finish();
  REQUIRE(WIFEXITED(child.status));
  CHECK(WEXITSTATUS(child.status) == 0);
  CHECK(got == R"({"id":null,"ok":false,"error":"permission denied: )" + stranger.name + " (uid " +
                   std::to_string(stranger.uid) + ") is not root, not in group tollgate-admin and not the switch user " +
                   switch_user.name + "\"}\n");
  REQUIRE(server.handler.wait([&] { return server.handler.refused.size() == 1; }));
  server.handler.locked([&] {
    CHECK(server.handler.refused[0].credentials.uid == stranger.uid);
    CHECK(server.handler.refused[0].user_name == stranger.name);
    CHECK(server.handler.commands.empty());
    return 0;
  });
  CHECK(server.stats().refused == 1);
}

TEST_CASE("a member of tollgate-admin reaches a 0660 socket through its ACL and is admitted as admin",
          "[agent][peer_credentials]") {
  ensured_group admins("tollgate-admin");
  throwaway_user admin(unique_name("adm"), {"tollgate-admin"});
  throwaway_user switch_user(unique_name("sw"), {});
  server_options options;
  options.roles.switch_user = switch_user.name;
  options.socket_group = "nogroup";  // not one of the admin's groups: only the ACL lets it in
  running_server server(options);
  const auto problem = server.stats().admin_acl_problem;
  INFO(problem);
  REQUIRE(problem.empty());
  peer_process child(admin, server.path(), R"({"id":5,"command":"blacklist_flush"})" "\n", 1);
  const std::string got = child.finish();
  CHECK(WEXITSTATUS(child.status) == 0);
  CHECK(got == R"({"id":5,"ok":true,"result":{"command":"blacklist_flush","actor":")" + admin.name + "\"}}\n");
}

TEST_CASE("without the ACL a 0660 socket keeps out an admin outside the socket's group", "[agent][peer_credentials]") {
  ensured_group admins("tollgate-admin");
  throwaway_user admin(unique_name("adm"), {"tollgate-admin"});
  server_options options;
  options.socket_group = "nogroup";
  options.admin_group_acl = false;
  running_server server(options);
  peer_process child(admin, server.path(), R"({"id":5,"command":"status"})" "\n", 1);
  child.finish();
  REQUIRE(WIFEXITED(child.status));
  CHECK(WEXITSTATUS(child.status) == 11);  // connect(2) refused: EACCES
  CHECK(server.stats().accepted == 0);
}

TEST_CASE("the switch gets active suspensions first, then suspend and unsuspend decisions only",
          "[agent][peer_credentials]") {
  throwaway_user switch_user(unique_name("sw"), {});
  running_server server(open_socket_options(switch_user));
  const auto t = base::from_unix_seconds(1764158400.25);
  server.handler.locked([&] {
    server.handler.initial_decisions.push_back({t, policy::suspend{"1001", t + std::chrono::minutes(10), 5, {}}});
    return 0;
  });
  const std::string command_line = R"({"id":1,"command":"status"})" "\n";
  const std::string report_line =
      R"({"time":1764158402.0,"type":"illegal_call","ip":"203.0.113.9","port":5060,"transport":"udp","callee":"00441"})" "\n";
  peer_process child(switch_user, server.path(), report_line + command_line, 4);
  REQUIRE(server.handler.wait([&] { return server.handler.reports.size() == 1; }));
  policy::block block;
  block.address = base::ip_prefix::host(*base::ip_address::parse("203.0.113.9"));
  CHECK(server.push_decision({t, block}) == 0);
  CHECK(server.push_decision({t, policy::suspend{"1002", t + std::chrono::minutes(10), 5, {}}}) == 1);
  CHECK(server.push_decision({t, policy::unsuspend{"1001", "manual"}}) == 1);
  const std::string got = child.finish();
  CHECK(got ==
        "{\"time\":1764158400.25,\"decision\":\"suspend\",\"endpoint\":\"1001\",\"until\":1764159000.25}\n"
        "{\"id\":1,\"ok\":false,\"error\":\"only admins may send commands\"}\n"
        "{\"time\":1764158400.25,\"decision\":\"suspend\",\"endpoint\":\"1002\",\"until\":1764159000.25}\n"
        "{\"time\":1764158400.25,\"decision\":\"unsuspend\",\"endpoint\":\"1001\",\"reason\":\"manual\"}\n");
  server.handler.locked([&] {
    REQUIRE(server.handler.switches.size() == 1);
    CHECK(server.handler.switches[0].role == peer_role::switch_user);
    CHECK(server.handler.report_peers[0].user_name == switch_user.name);
    CHECK(server.handler.commands.empty());
    return 0;
  });
}
