// `tollgatectl reload`: the switch and the agent re-read their config file.
#pragma once

#include <iosfwd>

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

/// Reloads the switch, then the agent (each even when the other failed), printing one line
/// per daemon; with --json one object {"switch":{"ok",…},"agent":{"ok",…}}. exit_failed
/// when either failed, with the reason on `err`.
int run_reload(const ctl_options& options, std::ostream& out, std::ostream& err);

void add_reload_command(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
