// tollgatectl: parses the command line and runs one verb.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

#include "config/load.hpp"
#include "ctl/simulate.hpp"

namespace {

constexpr int exit_done = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

int run_simulate(const std::string& events_path, const std::string& config_path,
                 const std::vector<std::string>& assignments, const std::optional<double>& until) {
  tollgate::ctl::simulate_options options;
  if (!config_path.empty()) {
    const auto loaded = tollgate::config::load_file(config_path);
    if (!loaded) {
      std::cerr << loaded.message() << '\n';
      return exit_failed;
    }
    options = tollgate::ctl::options_from_config(*loaded.value());
  }
  for (const auto& assignment : assignments) {
    if (auto error = tollgate::ctl::apply_assignment(options.parameters, assignment)) {
      std::cerr << "tollgatectl simulate: " << *error << '\n';
      return exit_usage;
    }
  }
  if (until) options.until = tollgate::base::from_unix_seconds(*until);

  std::ifstream file;
  std::istream* in = &std::cin;
  if (events_path != "-") {
    file.open(events_path);
    if (!file) {
      std::cerr << "tollgatectl simulate: cannot open " << events_path << '\n';
      return exit_failed;
    }
    in = &file;
  }
  const auto summary = tollgate::ctl::simulate(options, *in, std::cout, std::cerr);
  if (summary.bad_lines > 0) {
    std::cerr << "tollgatectl simulate: " << summary.bad_lines << " bad line(s) skipped, " << summary.events
              << " event(s) replayed\n";
  }
  return exit_done;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tollgatectl: control the Tollgate agent and switch"};
  app.set_version_flag("--version", std::string("tollgatectl ") + TOLLGATE_VERSION);
  app.require_subcommand(1);

  std::string events_path;
  std::string config_path;
  std::vector<std::string> assignments;
  std::optional<double> until;
  auto* simulate = app.add_subcommand("simulate", "replay recorded reports through the policy on a manual clock");
  simulate->add_option("events", events_path, "JSON-lines file of reports (- for standard input)")->required();
  simulate->add_option("--config", config_path, "take parameters, whitelist, gateways and scanner list from this config file");
  simulate->add_option("--set", assignments, "override a parameter: NAME=VALUE (repeatable)");
  simulate->add_option("--until", until, "run the clock on to this Unix time after the last event");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_done : exit_usage;
  }
  if (simulate->parsed()) return run_simulate(events_path, config_path, assignments, until);
  return exit_usage;
}
