// `tollgatectl --config FILE`: the sockets and the state directory taken from the file.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"
#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

/// Which paths the command line named itself: those win over the file.
struct paths_given {
  bool socket = false;
  bool switch_socket = false;
  bool state_dir = false;
};

/// Lays a loaded config's `[agent] socket`, `state_dir` and `[switch] control_socket` (or
/// switch.sock beside the agent's socket, as the switch does) over `options`, except what
/// the command line gave. Empty keys leave the defaults.
void apply_config_paths(const config::config& c, const paths_given& given, ctl_options& options);

/// Loads `options.config_path` (when set) and applies it; the loader's errors (file, line,
/// key) otherwise.
std::optional<std::string> load_config_paths(const paths_given& given, ctl_options& options);

}  // namespace tollgate::ctl
