// The config file's paths for tollgatectl, under the command line's.
#include "ctl/config_file.hpp"

#include <filesystem>

#include "config/load.hpp"

namespace tollgate::ctl {

void apply_config_paths(const config::config& c, const paths_given& given, ctl_options& options) {
  if (!given.socket && !c.agent.socket.empty()) options.socket = c.agent.socket;
  if (!given.switch_socket) {
    if (!c.sip.control_socket.empty()) {
      options.switch_socket = c.sip.control_socket;
    } else if (!c.agent.socket.empty()) {
      options.switch_socket = (std::filesystem::path(options.socket).parent_path() / "switch.sock").string();
    }
  }
  if (!given.state_dir && !c.agent.state_dir.empty()) options.state_dir = c.agent.state_dir;
}

std::optional<std::string> load_config_paths(const paths_given& given, ctl_options& options) {
  if (options.config_path.empty()) return std::nullopt;
  const auto loaded = config::load_file(options.config_path);
  if (!loaded) return loaded.message();
  apply_config_paths(*loaded.value(), given, options);
  return std::nullopt;
}

}  // namespace tollgate::ctl
