// `tollgatectl suspend list|clear`: endpoints whose registrations are suspended.
#pragma once

#include <iosfwd>

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

void print_suspensions(const wire::json& rows, std::ostream& out);
void add_suspend_commands(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
