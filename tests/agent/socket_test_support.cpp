// Test support for the agent socket.
#include "socket_test_support.hpp"

#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tollgate::agent::test {

void recording_handler::changed() { changed_.notify_all(); }

void recording_handler::on_report(const policy::report& report, const peer& from) {
  std::lock_guard lock(mutex_);
  reports.push_back(report);
  report_peers.push_back(from);
  changed();
}

wire::response recording_handler::on_command(const wire::request& request, const peer& from) {
  std::lock_guard lock(mutex_);
  commands.emplace_back(wire::command_name(request.what));
  changed();
  if (const auto* set = std::get_if<wire::param_set_request>(&request.what); set && set->value > 100) {
    return wire::response::failure(request.id, set->name + " must be between 0 and 100 (got " +
                                                   std::to_string(set->value) + ")");
  }
  if (std::holds_alternative<wire::audit_request>(request.what)) {
    return wire::response::success(request.id, wire::json::array({{{"action", "earlier"}}}));
  }
  return wire::response::success(request.id, {{"command", wire::command_name(request.what)}, {"actor", from.user_name}});
}

std::vector<policy::decision> recording_handler::on_switch_connected(const peer& from) {
  std::lock_guard lock(mutex_);
  switches.push_back(from);
  changed();
  return initial_decisions;
}

void recording_handler::on_refused(const peer& from) {
  std::lock_guard lock(mutex_);
  refused.push_back(from);
  changed();
}

void recording_handler::on_bad_line(const peer&, const wire::line_rejection& why) {
  std::lock_guard lock(mutex_);
  bad_lines.push_back(why);
  changed();
}

void recording_handler::on_disconnected(const peer&, std::string_view why) {
  std::lock_guard lock(mutex_);
  disconnects.emplace_back(why);
  changed();
}

running_server::running_server(server_options options)
    : path_(dir_.path() / "agent.sock"), work_(boost::asio::make_work_guard(io_)) {
  options.path = path_;
  server_ = std::make_unique<socket_server>(io_, std::move(options), handler, clock);
  const auto ec = server_->start();
  INFO(ec.message());
  REQUIRE_FALSE(ec);
  thread_ = std::thread([this] { io_.run(); });
}

running_server::~running_server() {
  on_io([this] {
    server_->stop();
    return 0;
  });
  work_.reset();
  thread_.join();
  server_.reset();
}

bool running_server::wait_connections(std::size_t n) {
  // The server's state lives on its thread; ask it until it agrees or 10 s of attempts pass.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    if (connections() == n) return true;
    poll(nullptr, 0, 10);
  }
  return false;
}

line_client::line_client(const std::filesystem::path& path) {
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd_ >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    error_ = errno;
    ::close(fd_);
    fd_ = -1;
    return;
  }
  timeval timeout{10, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

line_client::~line_client() {
  if (fd_ >= 0) ::close(fd_);
}

bool line_client::send(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<std::string> line_client::read_line() {
  while (true) {
    if (const auto end = buffer_.find('\n'); end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return line;
    }
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

bool line_client::closed_by_server() {
  char byte;
  while (true) {
    const ssize_t n = ::recv(fd_, &byte, 1, 0);
    if (n < 0 && errno == EINTR) continue;
    // A server closing with our bytes unread makes the kernel report a reset instead of EOF.
    return n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE));
  }
}

void line_client::set_receive_buffer(int bytes) { setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes); }

int run_command(const std::string& command) {
  int status = -1;
  // useradd and groupadd exit with 10 while another process holds the database lock.
  for (int attempt = 0; attempt < 50; ++attempt) {
    status = std::system((command + " >/dev/null 2>&1").c_str());
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 10)) break;
    poll(nullptr, 0, 100);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

throwaway_user::throwaway_user(const std::string& user_name, const std::vector<std::string>& groups)
    : name(user_name) {
  std::string command = "useradd --system --user-group --no-create-home --shell /usr/sbin/nologin";
  if (!groups.empty()) {
    command += " --groups ";
    for (std::size_t i = 0; i < groups.size(); ++i) command += (i ? "," : "") + groups[i];
  }
  run_command("userdel " + name);  // a leftover of an interrupted run
  REQUIRE(run_command(command + " " + name) == 0);
  const passwd* entry = getpwnam(name.c_str());
  REQUIRE(entry != nullptr);
  uid = entry->pw_uid;
  gid = entry->pw_gid;
}

throwaway_user::~throwaway_user() { run_command("userdel " + name); }

ensured_group::ensured_group(const std::string& name) : name_(name) {
  if (getgrnam(name.c_str()) != nullptr) return;
  REQUIRE(run_command("groupadd --system " + name) == 0);
  created_ = true;
}

ensured_group::~ensured_group() {
  if (created_) run_command("groupdel " + name_);
}

}  // namespace tollgate::agent::test
