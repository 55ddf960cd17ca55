// `tollgatectl simulate`: the command-line face of ctl/simulate.hpp.
#pragma once

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

void add_simulate_command(CLI::App& app, action& chosen);

}  // namespace tollgate::ctl
