// `tollgatectl check`: the hardening checklist of product.md section 2 on a running system.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "config/hardening.hpp"
#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

/// What the audit learned from the agent, besides the config file.
struct running_system {
  bool agent_reachable = false;
  std::string agent_error;  // why it could not be asked (when !agent_reachable)
  std::string socket;
  /// The running parameters (param_list); nullopt: the file's are audited instead.
  std::optional<policy::parameter_set> parameters;
  /// The kernel part of `status`: {"table", "counters", "error"?}; null when unknown.
  wire::json kernel;
  /// The file system of state_dir (agent.db, switch.db); nullopt when it cannot be read.
  struct disk_space {
    std::string path;
    std::uintmax_t free_bytes = 0;
    std::uintmax_t total_bytes = 0;
  };
  std::optional<disk_space> state_disk;
  /// The running switch's soft RLIMIT_NOFILE (its `status`); nullopt when it is not reachable.
  std::optional<std::uint64_t> switch_descriptors;
};

/// The soft descriptor limit the switch at `socket` reports; nullopt when it cannot be asked.
std::optional<std::uint64_t> switch_descriptors_of(const std::string& socket, std::chrono::milliseconds timeout);

/// The space left where state_dir lives; nullopt when the directory cannot be examined.
std::optional<running_system::disk_space> state_disk_of(const std::string& state_dir);

/// The parameters of a `param_list` answer; nullopt when it is not a list of known names
/// with values in range.
std::optional<policy::parameter_set> parameters_from_list(const wire::json& rows);

/// The checklist of `c` with the running parameters when known, then the system's own
/// findings: `agent_not_running`, `kernel_table_missing` (high), `state_disk_low` (medium;
/// high under 1 % or 64 MiB), `descriptors_short` (medium: the switch's descriptor limit is
/// below what the TCP limits need). Most severe first.
std::vector<config::finding> check_findings(const config::config& c, const running_system& system);

/// True when a finding is at warning level or worse (medium, high): `check` then exits 1.
bool fails_check(const config::finding& f);

/// Asks the agent at `socket` for param_list and status.
running_system ask_agent(const std::string& socket, std::chrono::milliseconds timeout);

/// Prints the report (a table with each finding's fix, or JSON) and returns the exit code.
int print_check(const config::config& c, const running_system& system, bool json, std::ostream& out);

void add_check_command(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
