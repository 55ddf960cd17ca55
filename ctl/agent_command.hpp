// What every tollgatectl verb that talks to the agent shares: options, exit codes, one call.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "wire/control_protocol.hpp"

namespace tollgate::ctl {

inline constexpr int exit_done = 0;
inline constexpr int exit_failed = 1;  // refused or failed, with a one-line reason
inline constexpr int exit_usage = 2;

inline constexpr const char* default_socket = "/run/tollgate/agent.sock";
inline constexpr const char* default_switch_socket = "/run/tollgate/switch.sock";

/// Options every verb takes (`--config`, `--state-dir`, `--socket`, `--switch-socket`, `--json`,
/// `--timeout`).
struct ctl_options {
  std::string socket = default_socket;
  std::string switch_socket = default_switch_socket;  // registrations, trace, reload
  std::string config_path;  // --config: the paths below come from it unless given
  std::string state_dir;    // --state-dir: where switch.db is (cdr); empty: the default
  bool json = false;
  double timeout_seconds = 5;
};

/// The verb to run once the command line is parsed; returns the exit code.
using action = std::function<int()>;
/// Prints a successful result for people.
using result_printer = std::function<void(const wire::json& result, std::ostream& out)>;

/// Sends `command` to the agent and prints the result: as one JSON document with --json,
/// through `human` otherwise. Errors go to `err` as "tollgatectl VERB: reason".
/// Returns exit_done or exit_failed.
int run_agent_command(const ctl_options& options, std::string_view verb, wire::command command,
                      const result_printer& human, std::ostream& out, std::ostream& err);

/// As run_agent_command, on the switch's control socket.
int run_switch_command(const ctl_options& options, std::string_view verb, wire::command command,
                       const result_printer& human, std::ostream& out, std::ostream& err);

/// Prints "tollgatectl VERB: message" and returns exit_usage.
int usage_error(std::string_view verb, std::string_view message, std::ostream& err);

/// Makes `run` the chosen action when `verb` is on the command line (set while parsing,
/// run after, so that a usage error anywhere runs nothing).
void on_parsed(CLI::App* verb, action& chosen, action run);

/// The timeout as milliseconds (at least 1).
std::chrono::milliseconds timeout_of(const ctl_options& options);

}  // namespace tollgate::ctl
