// `tollgatectl reload`: sends `reload` to the agent and prints its answer.
#include "ctl/reload_command.hpp"

#include <iostream>

namespace tollgate::ctl {

void add_reload_command(CLI::App& app, const ctl_options& options, action& chosen) {
  auto* reload = app.add_subcommand("reload", "make the agent re-read its config file (blocks and calls are kept)");
  reload->footer(
      "A file with errors is refused with each error's file:line and the running configuration stays.\n"
      "This reloads the agent only; the switch reloads on SIGHUP (systemctl reload tollgate-switch).");
  const ctl_options* o = &options;
  on_parsed(reload, chosen, [o] {
    return run_agent_command(
        *o, "reload", wire::reload_request{},
        [](const wire::json&, std::ostream& out) { out << "the agent reloaded its configuration\n"; }, std::cout,
        std::cerr);
  });
}

}  // namespace tollgate::ctl
