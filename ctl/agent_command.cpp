// One request to the agent and its answer, printed, for every agent verb.
#include "ctl/agent_command.hpp"

#include <algorithm>
#include <ostream>

#include "ctl/agent_client.hpp"

namespace tollgate::ctl {

std::chrono::milliseconds timeout_of(const ctl_options& options) {
  return std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(options.timeout_seconds * 1000)));
}

namespace {

int run_command(const ctl_options& options, const std::string& socket, std::string_view daemon, std::string_view verb,
                wire::command command, const result_printer& human, std::ostream& out, std::ostream& err) {
  auto connected = agent_client::connect(socket, timeout_of(options), daemon);
  if (auto* e = std::get_if<client_error>(&connected)) {
    err << "tollgatectl " << verb << ": " << e->message << '\n';
    return exit_failed;
  }
  auto& client = std::get<agent_client>(connected);
  auto answer = client.call(wire::request{1, std::move(command)});
  if (auto* e = std::get_if<client_error>(&answer)) {
    err << "tollgatectl " << verb << ": " << e->message << '\n';
    return exit_failed;
  }
  const auto& response = std::get<wire::response>(answer);
  if (!response.ok) {
    err << "tollgatectl " << verb << ": " << response.error << '\n';
    return exit_failed;
  }
  if (options.json) {
    out << response.result.dump(2) << '\n';
  } else {
    human(response.result, out);
  }
  return exit_done;
}

}  // namespace

int run_agent_command(const ctl_options& options, std::string_view verb, wire::command command,
                      const result_printer& human, std::ostream& out, std::ostream& err) {
  return run_command(options, options.socket, "agent", verb, std::move(command), human, out, err);
}

int run_switch_command(const ctl_options& options, std::string_view verb, wire::command command,
                       const result_printer& human, std::ostream& out, std::ostream& err) {
  return run_command(options, options.switch_socket, "switch", verb, std::move(command), human, out, err);
}

void on_parsed(CLI::App* verb, action& chosen, action run) {
  verb->callback([target = &chosen, run = std::move(run)] { *target = run; });
}

int usage_error(std::string_view verb, std::string_view message, std::ostream& err) {
  err << "tollgatectl " << verb << ": " << message << '\n';
  return exit_usage;
}

}  // namespace tollgate::ctl
