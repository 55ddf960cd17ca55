// Test support for the agent socket: a recording handler, a running server, a raw client, throwaway users.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agent/control_handler.hpp"
#include "agent/socket_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace tollgate::agent::test {

/// Records every call; answers commands with {"command": name, "actor": user}. Thread-safe:
/// the server calls it on its io thread while the test waits on another.
class recording_handler final : public control_handler {
public:
  void on_report(const policy::report& report, const peer& from) override;
  wire::response on_command(const wire::request& request, const peer& from) override;
  std::vector<policy::decision> on_switch_connected(const peer& from) override;
  void on_refused(const peer& from) override;
  void on_bad_line(const peer& from, const wire::line_rejection& why) override;
  void on_disconnected(const peer& from, std::string_view why) override;

  /// Waits (up to 10 s) until `done()` holds under the lock.
  template <typename Predicate>
  bool wait(Predicate done) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), done);
  }
  template <typename F>
  auto locked(F f) {
    std::lock_guard lock(mutex_);
    return f();
  }

  std::vector<policy::report> reports;
  std::vector<peer> report_peers;
  std::vector<std::string> commands;
  std::vector<peer> switches;
  std::vector<peer> refused;
  std::vector<wire::line_rejection> bad_lines;
  std::vector<std::string> disconnects;
  std::vector<policy::decision> initial_decisions;  // what a connecting switch gets first

private:
  void changed();
  std::mutex mutex_;
  std::condition_variable changed_;
};


/// Unprivileged test users must reach the sockets inside the test directories.
inline constexpr std::filesystem::perms socket_dir_mode = std::filesystem::perms(0755);

/// A socket_server on a socket in a fresh temp dir, its io_context on its own thread.
class running_server {
public:
  explicit running_server(server_options options = {});
  ~running_server();

  /// Runs `f` on the io thread and returns its result.
  template <typename F>
  auto on_io(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  server_stats stats() { return on_io([this] { return server_->stats(); }); }
  std::size_t publish_audit(const std::string& line) {
    return on_io([&] { return server_->publish_audit(line); });
  }
  std::size_t push_decision(const policy::decision& d) {
    return on_io([&] { return server_->push_decision(d); });
  }
  std::size_t connections() { return on_io([this] { return server_->connections(); }); }
  /// Waits (up to 10 s) until the server has `n` connections.
  bool wait_connections(std::size_t n);

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  recording_handler handler;
  base::system_clock clock;

private:
  tollgate::test::temp_dir dir_{"tollgate-socket", socket_dir_mode};
  std::filesystem::path path_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<socket_server> server_;
  std::thread thread_;
};

/// A blocking client with a 10 s receive timeout, reading whole lines.
class line_client {
public:
  explicit line_client(const std::filesystem::path& path);
  ~line_client();
  line_client(const line_client&) = delete;
  line_client& operator=(const line_client&) = delete;

  bool connected() const { return fd_ >= 0; }
  int error() const { return error_; }
  /// Writes all of `data`; false when the peer is gone.
  bool send(std::string_view data);
  /// The next line without '\n'; nullopt at end of stream, error or timeout.
  std::optional<std::string> read_line();
  /// True when the server has closed the connection (after any lines still unread).
  bool closed_by_server();
  void set_receive_buffer(int bytes);
  int fd() const { return fd_; }

private:
  int fd_ = -1;
  int error_ = 0;
  std::string buffer_;
};

/// A system user made for one test and deleted after it; `groups` are supplementary.
class throwaway_user {
public:
  throwaway_user(const std::string& name, const std::vector<std::string>& groups);
  ~throwaway_user();
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

/// A group that exists for the test; deleted afterwards only if the test made it.
class ensured_group {
public:
  explicit ensured_group(const std::string& name);
  ~ensured_group();

private:
  std::string name_;
  bool created_ = false;
};

/// Runs a shell command (useradd and friends), retrying while another process holds
/// the password database lock. Returns the exit status.
int run_command(const std::string& command);

}  // namespace tollgate::agent::test
