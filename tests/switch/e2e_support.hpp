// Support for the switch's end-to-end tests: the real tollgate-switch binary on a free
// loopback port, a stand-in agent on a Unix socket, and child processes with deadlines.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tollgate::test {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

inline std::string shared_dir() {
  if (const char* env = std::getenv("TOLLGATE_SHARED_DIR")) return env;
  return TOLLGATE_SHARED_DIR;
}

inline std::string switch_binary() { return std::string(TOLLGATE_BINARY_DIR) + "/switch/tollgate-switch"; }

class fd_owner {
public:
  explicit fd_owner(int fd = -1) : fd_(fd) {}
  fd_owner(fd_owner&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  fd_owner& operator=(fd_owner&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  ~fd_owner() { reset(); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int get() const { return fd_; }

private:
  int fd_;
};

/// Waits for `condition` until `limit` passes, polling every 10 ms.
inline bool await(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = steady_clock::now() + limit;
  while (steady_clock::now() < deadline) {
    if (condition()) return true;
    ::poll(nullptr, 0, 10);
  }
  return condition();
}

/// A port free for both UDP and TCP on 127.0.0.1 right now.
inline int free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    fd_owner udp(::socket(AF_INET, SOCK_DGRAM, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(udp.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) continue;
    socklen_t len = sizeof a;
    ::getsockname(udp.get(), reinterpret_cast<sockaddr*>(&a), &len);
    fd_owner tcp(::socket(AF_INET, SOCK_STREAM, 0));
    if (::bind(tcp.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return ntohs(a.sin_port);
  }
  throw std::runtime_error("no free port");
}

/// A UDP socket on 127.0.0.1 for sending single datagrams and reading answers.
class udp_client {
public:
  udp_client() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  int port() const { return port_; }
  void send(int to_port, const std::string& bytes) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(to_port));
    ::sendto(fd_.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  /// One datagram, or "" after `limit`.
  std::string receive(std::chrono::milliseconds limit) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return {};
    char buffer[65536];
    const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }

private:
  fd_owner fd_;
  int port_ = 0;
};

inline std::string options_request(int local_port, const std::string& tag) {
  return "OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(local_port) +
         ";branch=z9hG4bK-" + tag + ";rport\r\nFrom: <sip:probe@127.0.0.1>;tag=" + tag +
         "\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: " + tag + "@probe\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
         "Content-Length: 0\r\n\r\n";
}

struct run_result {
  int exit_code = -1;
  std::string output;
};

/// Starts argv with stdout and stderr into `log`; returns the pid.
inline pid_t spawn(const std::vector<std::string>& argv, const fs::path& dir, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

/// Waits for `pid` until `limit`, then kills it; returns the exit code (-1 when killed).
inline int reap(pid_t pid, std::chrono::milliseconds limit) {
  int status = 0;
  const auto deadline = steady_clock::now() + limit;
  for (;;) {
    if (::waitpid(pid, &status, WNOHANG) == pid) break;
    if (steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    ::poll(nullptr, 0, 10);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Runs a program to completion (or kills it at `limit`).
inline run_result run(const std::vector<std::string>& argv, const fs::path& dir, std::chrono::seconds limit,
                      const std::string& log_name = "run.log") {
  const fs::path log = dir / log_name;
  const pid_t pid = spawn(argv, dir, log);
  run_result r;
  r.exit_code = reap(pid, limit);
  r.output = read_file(log);
  return r;
}

/// The stand-in agent: listens on a Unix socket, collects the switch's report lines and
/// sends decision lines back. `on_line` runs on its thread for every line, with a sender.
class fake_agent {
public:
  using line_handler = std::function<void(const std::string& line, fake_agent& self)>;

  explicit fake_agent(fs::path path, line_handler on_line = {}) : path_(std::move(path)), on_line_(std::move(on_line)) {
    listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
    ::unlink(path_.c_str());
    if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listener_.get(), 4) != 0) {
      throw std::runtime_error("fake agent cannot listen on " + path_.string());
    }
    thread_ = std::thread([this] { loop(); });
  }
  ~fake_agent() {
    stop_ = true;
    thread_.join();
    ::unlink(path_.c_str());
  }

  void send(const std::string& line) {
    std::lock_guard lock(mutex_);
    const std::string l = line + "\n";
    if (client_.get() >= 0) (void)::write(client_.get(), l.data(), l.size());
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  std::size_t count(const std::string& needle) {
    std::size_t n = 0;
    for (const auto& l : lines()) n += l.find(needle) != std::string::npos;
    return n;
  }
  int connections() const { return connections_; }

private:
  void loop() {
    std::string pending;
    while (!stop_) {
      if (client_.get() < 0) {
        pollfd p{listener_.get(), POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        std::lock_guard lock(mutex_);
        client_.reset(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        ++connections_;
        pending.clear();
        continue;
      }
      pollfd p{client_.get(), POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char buffer[65536];
      const ssize_t n = ::read(client_.get(), buffer, sizeof buffer);
      if (n <= 0) {
        std::lock_guard lock(mutex_);
        client_.reset();
        continue;
      }
      pending.append(buffer, static_cast<std::size_t>(n));
      for (auto end = pending.find('\n'); end != std::string::npos; end = pending.find('\n')) {
        const std::string line = pending.substr(0, end);
        pending.erase(0, end + 1);
        {
          std::lock_guard lock(mutex_);
          lines_.push_back(line);
        }
        if (on_line_) on_line_(line, *this);
      }
    }
  }

  fs::path path_;
  line_handler on_line_;
  fd_owner listener_;
  fd_owner client_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

/// The real tollgate-switch on a free loopback port with a config of the test's choosing.
class switch_process {
public:
  /// `extra_config` is appended after [switch] (parameters, endpoints).
  switch_process(const fs::path& dir, const std::string& extra_config) : dir_(dir) {
    port_ = free_port();
    config_ = dir_ / "tollgate.toml";
    std::ofstream(config_) << "[switch]\nlisten = [\"udp:127.0.0.1:" << port_ << "\", \"tcp:127.0.0.1:" << port_
                           << "\"]\n\n" << extra_config;
    start();
  }
  ~switch_process() { stop(); }

  void start() {
    pid_ = spawn({switch_binary(), "--config", config_.string(), "--state-dir", (dir_ / "state").string(), "--socket",
                  socket().string()},
                 dir_, dir_ / ("switch-" + std::to_string(starts_++) + ".log"));
    udp_client probe;
    int n = 0;
    const bool up = await(
        [&] {
          probe.send(port_, options_request(probe.port(), "ready" + std::to_string(n++)));
          return probe.receive(std::chrono::milliseconds(50)).starts_with("SIP/2.0 200");
        },
        std::chrono::seconds(20));
    if (!up) throw std::runtime_error("tollgate-switch did not answer: " + log());
  }
  /// SIGTERM and wait (bounded); returns the exit code.
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const int code = reap(pid_, std::chrono::seconds(10));
    pid_ = -1;
    return code;
  }
  bool running() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  fs::path config() const { return config_; }
  fs::path socket() const { return dir_ / "agent.sock"; }
  /// The control socket: by default beside the agent's.
  fs::path control_socket() const { return dir_ / "switch.sock"; }
  fs::path state() const { return dir_ / "state"; }
  std::string log() const { return read_file(dir_ / ("switch-" + std::to_string(starts_ - 1) + ".log")); }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

private:
  fs::path dir_;
  fs::path config_;
  int port_ = 0;
  pid_t pid_ = -1;
  int starts_ = 0;
};

}  // namespace tollgate::test
