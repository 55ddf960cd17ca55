#include "agent/socket_server.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>

#include "agent/socket_error.hpp"
#include "socket_test_support.hpp"

using namespace tollgate;
using namespace tollgate::agent;
using agent::test::line_client;
using agent::test::running_server;

namespace {

const std::string report_line =
    R"({"time":1764158400.25,"type":"register_failed","endpoint":"1001","ip":"203.0.113.7","port":5062,"transport":"udp","verified":true,"reason":"wrong_password"})";

std::string command_line(int id, const std::string& command) {
  return R"({"id":)" + std::to_string(id) + R"(,"command":")" + command + "\"}\n";
}

wire::response answer_of(const std::optional<std::string>& line) {
  REQUIRE(line.has_value());
  auto parsed = wire::parse_response(*line);
  REQUIRE(std::holds_alternative<wire::response>(parsed));
  return std::get<wire::response>(parsed);
}

std::size_t bad(const server_stats& stats, wire::line_error e) { return stats.bad_lines[static_cast<std::size_t>(e)]; }

}  // namespace

TEST_CASE("reports are delivered and commands answered in order", "[agent][socket_server]") {
  running_server server;
  line_client client(server.path());
  REQUIRE(client.connected());
  std::string batch;
  for (int i = 1; i <= 5; ++i) batch += report_line + "\n" + command_line(i, i % 2 ? "status" : "blacklist_list");
  REQUIRE(client.send(batch));
  for (int i = 1; i <= 5; ++i) {
    const auto answer = answer_of(client.read_line());
    CHECK(answer.id == i);
    CHECK(answer.ok);
    CHECK(answer.result["command"] == (i % 2 ? "status" : "blacklist_list"));
    CHECK(answer.result["actor"] == "root");
  }
  REQUIRE(server.handler.wait([&] { return server.handler.reports.size() == 5; }));
  server.handler.locked([&] {
    CHECK(server.handler.reports[0].endpoint == "1001");
    CHECK(server.handler.report_peers[0].role == peer_role::admin);
    CHECK(server.handler.report_peers[0].credentials.pid == getpid());
    return 0;
  });
  const auto stats = server.stats();
  CHECK(stats.reports == 5);
  CHECK(stats.commands == 5);
  CHECK(stats.accepted == 1);
}

TEST_CASE("garbage is counted by kind and answered, the connection stays", "[agent][socket_server]") {
  running_server server;
  line_client client(server.path());
  REQUIRE(client.send("garbage\n[1,2]\n{\"hello\":1}\n{\"time\":1,\"type\":\"illegal_call\"}\n"
                      "{\"id\":9,\"command\":\"blacklist_add\"}\n\n\r\n" +
                      command_line(10, "status")));
  CHECK(answer_of(client.read_line()).error == "not JSON");
  CHECK(answer_of(client.read_line()).error == "a line must be a JSON object");
  CHECK(answer_of(client.read_line()).error == "a line needs \"type\" (a report) or \"command\"");
  CHECK(answer_of(client.read_line()).error == "missing field \"ip\"");
  const auto bad_command = answer_of(client.read_line());
  CHECK(bad_command.id == 9);
  CHECK(bad_command.error == "missing field \"address\"");
  const auto status = answer_of(client.read_line());
  CHECK(status.id == 10);
  CHECK(status.ok);

  const auto stats = server.stats();
  CHECK(bad(stats, wire::line_error::not_json) == 1);
  CHECK(bad(stats, wire::line_error::not_object) == 1);
  CHECK(bad(stats, wire::line_error::unknown_kind) == 1);
  CHECK(bad(stats, wire::line_error::bad_report) == 1);
  CHECK(bad(stats, wire::line_error::bad_command) == 1);
  CHECK(stats.reports == 0);
  // Logged once per connection per minute, counted every time.
  server.handler.locked([&] {
    REQUIRE(server.handler.bad_lines.size() == 1);
    CHECK(server.handler.bad_lines[0].kind == wire::line_error::not_json);
    return 0;
  });
  CHECK(server.connections() == 1);
}

TEST_CASE("a line of exactly 64 KiB is served, a longer one is refused and closes the connection",
          "[agent][socket_server]") {
  running_server server;
  SECTION("exactly the limit") {
    line_client client(server.path());
    std::string line = R"({"id":1,"command":"status","pad":")";
    line += std::string(wire::max_line_bytes - line.size() - 2, 'x') + "\"}";
    REQUIRE(line.size() == wire::max_line_bytes);
    REQUIRE(client.send(line + "\n"));
    CHECK(answer_of(client.read_line()).ok);
  }
  SECTION("one byte more, without a newline yet") {
    line_client client(server.path());
    client.send(std::string(wire::max_line_bytes + 1, 'x'));
    const auto answer = answer_of(client.read_line());
    CHECK_FALSE(answer.ok);
    CHECK(answer.error == "line longer than 65536 bytes");
    CHECK(client.closed_by_server());
  }
  SECTION("a long line ending in the same chunk as lines before it") {
    line_client client(server.path());
    client.send(command_line(1, "status") + std::string(wire::max_line_bytes + 10, 'y') + "\n" +
                command_line(2, "status"));
    CHECK(answer_of(client.read_line()).id == 1);
    CHECK(answer_of(client.read_line()).error == "line longer than 65536 bytes");
    CHECK(client.closed_by_server());
  }
  SECTION("a megabyte of garbage") {
    line_client client(server.path());
    client.send(std::string(1 << 20, 'z'));  // the server stops reading: send may fail part-way
    CHECK_FALSE(answer_of(client.read_line()).ok);
    CHECK(client.closed_by_server());
  }
  REQUIRE(server.wait_connections(0));
  line_client after(server.path());
  after.send(command_line(3, "status"));
  CHECK(answer_of(after.read_line()).ok);
}

TEST_CASE("a peer that vanishes in the middle of a line is dropped cleanly", "[agent][socket_server]") {
  running_server server;
  {
    line_client client(server.path());
    client.send(report_line + "\n" + R"({"time":1764158400.25,"type":"regis)");
  }
  REQUIRE(server.handler.wait([&] { return server.handler.disconnects.size() == 1; }));
  server.handler.locked([&] {
    CHECK(server.handler.disconnects[0] == "closed by peer in the middle of a line");
    CHECK(server.handler.reports.size() == 1);
    return 0;
  });
  CHECK(server.stats().partial_lines_dropped == 1);
  line_client next(server.path());
  next.send(command_line(1, "status"));
  CHECK(answer_of(next.read_line()).ok);
}

TEST_CASE("many clients at once each get their own answers in order", "[agent][socket_server]") {
  running_server server;
  constexpr int clients = 64;
  constexpr int per_client = 20;
  std::vector<std::unique_ptr<line_client>> connections;
  for (int c = 0; c < clients; ++c) {
    connections.push_back(std::make_unique<line_client>(server.path()));
    REQUIRE(connections.back()->connected());
  }
  for (int c = 0; c < clients; ++c) {
    std::string batch;
    for (int i = 0; i < per_client; ++i) batch += command_line(c * 1000 + i, "status") + report_line + "\n";
    REQUIRE(connections[c]->send(batch));
  }
  for (int c = 0; c < clients; ++c) {
    for (int i = 0; i < per_client; ++i) {
      const auto answer = answer_of(connections[c]->read_line());
      REQUIRE(answer.id == c * 1000 + i);
    }
  }
  REQUIRE(server.handler.wait([&] { return server.handler.reports.size() == clients * per_client; }));
  const auto stats = server.stats();
  CHECK(stats.accepted == clients);
  CHECK(stats.commands == clients * per_client);
  connections.clear();
  CHECK(server.wait_connections(0));
}

TEST_CASE("audit --follow connections get published rows, others do not", "[agent][socket_server]") {
  running_server server;
  line_client follower(server.path());
  line_client other(server.path());
  follower.send(R"({"id":1,"command":"audit","follow":true})" "\n");
  other.send(R"({"id":2,"command":"audit"})" "\n");
  CHECK(answer_of(follower.read_line()).result[0]["action"] == "earlier");
  CHECK(answer_of(other.read_line()).id == 2);
  // Both answers are out, so both connections' follow state is settled.
  CHECK(server.publish_audit(R"({"action":"block","subject":"203.0.113.9/32"})") == 1);
  CHECK(follower.read_line() == R"({"action":"block","subject":"203.0.113.9/32"})");
  other.send(command_line(3, "status"));
  CHECK(answer_of(other.read_line()).id == 3);
  // Decisions go to switches only; root is an admin.
  CHECK(server.push_decision({base::from_unix_seconds(1), policy::unsuspend{"1001", "manual"}}) == 0);
}

TEST_CASE("a reader that does not keep up is disconnected without slowing the server", "[agent][socket_server]") {
  server_options options;
  options.max_queued_bytes = 64 * 1024;
  running_server server(options);
  line_client slow(server.path());
  slow.set_receive_buffer(4096);
  slow.send(R"({"id":1,"command":"audit","follow":true})" "\n");
  REQUIRE(answer_of(slow.read_line()).ok);
  line_client fast(server.path());
  fast.send(R"({"id":2,"command":"audit","follow":true})" "\n");
  REQUIRE(answer_of(fast.read_line()).ok);

  const std::string row = R"({"action":"block","pad":")" + std::string(1000, 'p') + "\"}";
  // Publish until the slow one is cut off; the fast one reads each row as it comes.
  int published = 0;
  std::size_t receivers = 2;
  while (receivers == 2 && published < 10000) {
    receivers = server.publish_audit(row);
    ++published;
    REQUIRE(fast.read_line() == row);
  }
  INFO(published << " rows published");
  CHECK(receivers == 1);
  CHECK(published > 64);  // the bound, not something else, cut it off
  const auto stats = server.stats();
  CHECK(stats.slow_readers_disconnected == 1);
  CHECK(server.connections() == 1);
  // What the kernel had already taken is still readable; then the stream ends.
  for (int i = 0; i < published && slow.read_line(); ++i) {
  }
  CHECK(slow.closed_by_server());
  server.handler.locked([&] {
    REQUIRE(server.handler.disconnects.size() == 1);
    CHECK(server.handler.disconnects[0].rfind("slow reader", 0) == 0);
    return 0;
  });
}

TEST_CASE("the socket file: mode, group, stale files, a live agent, unlinked at stop", "[agent][socket_server]") {
  const tollgate::test::temp_dir scratch{"tollgate-socket", agent::test::socket_dir_mode};
  const auto& dir = scratch.path();
  const auto path = dir / "run" / "agent.sock";
  agent::test::recording_handler handler;
  base::system_clock clock;
  boost::asio::io_context io;
  server_options options;
  options.path = path;
  options.socket_group = "nogroup";

  SECTION("created with mode 0660 and the configured group, in a new directory; removed at stop") {
    socket_server server(io, options, handler, clock);
    REQUIRE_FALSE(server.start());
    struct stat st {};
    REQUIRE(lstat(path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 07777) == 0660);
    CHECK(st.st_gid == 65534);
    SECTION("a second server finds it in use and leaves it") {
      socket_server second(io, options, handler, clock);
      CHECK(second.start() == std::error_code(socket_errc::in_use));
      second.stop();
      CHECK(std::filesystem::exists(std::filesystem::symlink_status(path)));
    }
    server.stop();
    CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(path)));
    CHECK(server.start() == std::error_code(socket_errc::stopped));
  }
  SECTION("a stale socket file is replaced") {
    std::filesystem::create_directories(path.parent_path());
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    close(fd);
    socket_server server(io, options, handler, clock);
    CHECK_FALSE(server.start());
    line_client client(path);
    CHECK(client.connected());
  }
  SECTION("a path the socket cannot be made at is an error, not a silent start") {
    // sysfs refuses to hold a socket even for root, as a directory the daemon's user may not
    // write refuses it.
    options.path = "/sys/tollgate-socket-server-test.sock";
    socket_server server(io, options, handler, clock);
    const auto ec = server.start();
    CHECK(ec.value() == EPERM);
    CHECK_FALSE(std::filesystem::exists(options.path));
  }
  SECTION("a file that is not a socket is left alone") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << "keep me\n";
    socket_server server(io, options, handler, clock);
    CHECK(server.start() == std::error_code(socket_errc::not_a_socket));
    CHECK(std::filesystem::file_size(path) == 8);
  }
  SECTION("a group that does not exist leaves root's group") {
    options.socket_group = "no-such-group-tollgate";
    socket_server server(io, options, handler, clock);
    REQUIRE_FALSE(server.start());
    struct stat st {};
    REQUIRE(lstat(path.c_str(), &st) == 0);
    CHECK(st.st_gid == getegid());
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("stopping the server closes every connection and removes the socket", "[agent][socket_server]") {
  auto server = std::make_unique<running_server>();
  line_client client(server->path());
  client.send(command_line(1, "status"));
  REQUIRE(answer_of(client.read_line()).ok);
  const auto path = server->path();
  server.reset();
  CHECK(client.closed_by_server());
  CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(path)));
}

TEST_CASE("socket errors have messages", "[agent][socket_server]") {
  for (auto e : {socket_errc::in_use, socket_errc::not_a_socket, socket_errc::stopped}) {
    CHECK(std::error_code(e).message() != "unknown agent socket error");
    CHECK(std::string(std::error_code(e).category().name()) == "tollgate.agent.socket");
  }
}
