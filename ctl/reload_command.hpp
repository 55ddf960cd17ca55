// `tollgatectl reload`: the agent re-reads its config file.
#pragma once

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

void add_reload_command(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
