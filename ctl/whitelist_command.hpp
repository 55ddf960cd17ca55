// `tollgatectl whitelist list|add|del`: networks the policy never blocks.
#pragma once

#include <iosfwd>

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

void print_whitelist(const wire::json& rows, std::ostream& out);
void add_whitelist_commands(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
