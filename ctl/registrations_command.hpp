// `tollgatectl registrations`: the switch's online endpoints.
#pragma once

#include <iosfwd>

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

/// The table for people: endpoint, contact, source, time left, expiry, User-Agent.
void print_registrations(const wire::json& rows, std::ostream& out);

void add_registrations_command(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
