// A blocking client of the agent socket for tollgatectl: one request, one answer.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "wire/control_protocol.hpp"

namespace tollgate::ctl {

/// Why a call failed, as one line for people:
/// "cannot reach the agent at /run/tollgate/agent.sock: No such file or directory (is tollgate-agent running?)".
struct client_error {
  std::string message;
  bool timed_out = false;  // nothing came within the wait
  bool not_running = false;  // no socket, or nobody listening on it: the daemon is stopped
};

class agent_client {
public:
  /// Connects to the agent's socket (or, with `daemon` "switch", the switch's control
  /// socket: same protocol). Waits for each answer at most `timeout`.
  static std::variant<agent_client, client_error> connect(const std::string& socket_path,
                                                          std::chrono::milliseconds timeout,
                                                          std::string_view daemon = "agent");
  agent_client(agent_client&& other) noexcept;
  agent_client& operator=(agent_client&& other) noexcept;
  agent_client(const agent_client&) = delete;
  agent_client& operator=(const agent_client&) = delete;
  ~agent_client();

  /// Sends one request and reads its answer. An answer with ok=false is a response, not
  /// a client_error: the caller prints the agent's reason.
  std::variant<wire::response, client_error> call(const wire::request& request);
  /// Sends one request without reading its answer (lines may come before it: a trace's).
  std::optional<client_error> send(const wire::request& request);
  /// The next line the agent sends (after an `audit` with follow), waiting as long as it
  /// takes; nullopt when the agent closes the connection.
  std::variant<std::string, std::nullopt_t, client_error> next_line();
  /// As next_line, waiting at most `wait` (a client_error with timed_out after it).
  std::variant<std::string, std::nullopt_t, client_error> next_line(std::chrono::milliseconds wait);

private:
  agent_client(int fd, std::string path, std::chrono::milliseconds timeout, std::string_view daemon)
      : fd_(fd), path_(std::move(path)), timeout_(timeout), daemon_(daemon) {}
  /// "the agent at PATH", "the switch at PATH".
  std::string peer_text() const { return "the " + daemon_ + " at " + path_; }
  /// Reads one line; `timeout` < 0 waits forever. nullopt at end of stream.
  std::variant<std::string, std::nullopt_t, client_error> read_line(int timeout_ms);

  int fd_ = -1;
  std::string path_;
  std::chrono::milliseconds timeout_;
  std::string daemon_;
  std::string buffer_;
};

}  // namespace tollgate::ctl
