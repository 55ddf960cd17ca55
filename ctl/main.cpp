// tollgatectl: parses the command line and runs one verb.
#include <CLI/CLI.hpp>

#include <iostream>

#include "ctl/agent_command.hpp"
#include "ctl/audit_command.hpp"
#include "ctl/blacklist_command.hpp"
#include "ctl/cdr_command.hpp"
#include "ctl/check_command.hpp"
#include "ctl/config_file.hpp"
#include "ctl/param_command.hpp"
#include "ctl/registrations_command.hpp"
#include "ctl/reload_command.hpp"
#include "ctl/simulate_command.hpp"
#include "ctl/status_command.hpp"
#include "ctl/suspend_command.hpp"
#include "ctl/trace_command.hpp"
#include "ctl/whitelist_command.hpp"

int main(int argc, char** argv) {
  using namespace tollgate::ctl;
  CLI::App app{"tollgatectl: control the Tollgate agent and switch"};
  app.set_version_flag("--version", std::string("tollgatectl ") + TOLLGATE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the verb: `blacklist list --json`

  ctl_options options;
  app.add_option("--config", options.config_path, "a config file: the sockets and state_dir come from it unless given here");
  auto* state_dir = app.add_option("--state-dir", options.state_dir,
                                   "the state directory (switch.db for cdr; default /var/lib/tollgate)");
  auto* socket = app.add_option("--socket", options.socket, "the agent's socket")->capture_default_str();
  auto* switch_socket = app.add_option("--switch-socket", options.switch_socket,
                                       "the switch's control socket (registrations, trace, reload)")
                            ->capture_default_str();
  app.add_flag("--json", options.json, "print results as JSON for scripts");
  app.add_option("--timeout", options.timeout_seconds, "seconds to wait for the agent's answer")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 3600.0));

  action chosen;
  add_status_command(app, options, chosen);
  add_check_command(app, options, chosen);
  add_blacklist_commands(app, options, chosen);
  add_whitelist_commands(app, options, chosen);
  add_suspend_commands(app, options, chosen);
  add_param_commands(app, options, chosen);
  add_cdr_command(app, options, chosen);
  add_audit_command(app, options, chosen);
  add_registrations_command(app, options, chosen);
  add_trace_command(app, options, chosen);
  add_reload_command(app, options, chosen);
  add_simulate_command(app, chosen);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_done : exit_usage;
  }
  const paths_given given{socket->count() > 0, switch_socket->count() > 0, state_dir->count() > 0};
  if (const auto error = load_config_paths(given, options)) {
    std::cerr << "tollgatectl: cannot read the config file:\n" << *error << '\n';
    return exit_failed;
  }
  return chosen ? chosen() : exit_usage;
}
