// `tollgatectl param list|get|set`: the policy's run-time parameters.
#pragma once

#include <iosfwd>

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

void print_parameters(const wire::json& rows, std::ostream& out);
/// One parameter as "name: value" lines, its documentation last.
void print_parameter(const wire::json& parameter, std::ostream& out);
void add_param_commands(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
