// `tollgatectl simulate EVENTS.jsonl [--config FILE] [--set NAME=VALUE]... [--until T]`.
#include "ctl/simulate_command.hpp"

#include <fstream>
#include <iostream>
#include <memory>

#include "config/load.hpp"
#include "ctl/simulate.hpp"

namespace tollgate::ctl {
namespace {

struct simulate_arguments {
  std::string events_path;
  std::string config_path;
  std::vector<std::string> assignments;
  std::optional<double> until;
};

int run_simulate(const simulate_arguments& arguments) {
  simulate_options options;
  if (!arguments.config_path.empty()) {
    const auto loaded = config::load_file(arguments.config_path);
    if (!loaded) {
      std::cerr << loaded.message() << '\n';
      return exit_failed;
    }
    options = options_from_config(*loaded.value());
  }
  for (const auto& assignment : arguments.assignments) {
    if (auto error = apply_assignment(options.parameters, assignment)) {
      std::cerr << "tollgatectl simulate: " << *error << '\n';
      return exit_usage;
    }
  }
  if (arguments.until) options.until = base::from_unix_seconds(*arguments.until);

  std::ifstream file;
  std::istream* in = &std::cin;
  if (arguments.events_path != "-") {
    file.open(arguments.events_path);
    if (!file) {
      std::cerr << "tollgatectl simulate: cannot open " << arguments.events_path << '\n';
      return exit_failed;
    }
    in = &file;
  }
  const auto summary = simulate(options, *in, std::cout, std::cerr);
  if (summary.bad_lines > 0) {
    std::cerr << "tollgatectl simulate: " << summary.bad_lines << " bad line(s) skipped, " << summary.events
              << " event(s) replayed\n";
  }
  // Nothing replayed is a failed run, not an empty result: a script must not read it as "no
  // decisions".
  if (summary.events == 0) {
    if (summary.bad_lines == 0) std::cerr << "tollgatectl simulate: no event to replay\n";
    return exit_failed;
  }
  return exit_done;
}

}  // namespace

void add_simulate_command(CLI::App& app, action& chosen) {
  auto arguments = std::make_shared<simulate_arguments>();
  auto* simulate = app.add_subcommand("simulate", "replay recorded reports through the policy on a manual clock");
  simulate->add_option("events", arguments->events_path, "JSON-lines file of reports (- for standard input)")->required();
  simulate->add_option("--config", arguments->config_path,
                       "take parameters, whitelist, gateways and scanner list from this config file");
  simulate->add_option("--set", arguments->assignments, "override a parameter: NAME=VALUE (repeatable)");
  simulate->add_option("--until", arguments->until, "run the clock on to this Unix time after the last event");
  on_parsed(simulate, chosen, [arguments] { return run_simulate(*arguments); });
}

}  // namespace tollgate::ctl
