// `tollgatectl status`: the agent's state and counters.
#pragma once

#include <iosfwd>

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

/// Two columns, one line per field of the status result; nested objects on one line.
void print_status(const wire::json& status, std::ostream& out);
void add_status_command(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
