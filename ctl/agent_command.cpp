// One request to the agent and its answer, printed, for every agent verb.
#include "ctl/agent_command.hpp"

#include <algorithm>
#include <ostream>

#include "ctl/agent_client.hpp"

namespace tollgate::ctl {

std::chrono::milliseconds timeout_of(const ctl_options& options) {
  return std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(options.timeout_seconds * 1000)));
}

int run_agent_command(const ctl_options& options, std::string_view verb, wire::command command,
                      const result_printer& human, std::ostream& out, std::ostream& err) {
  auto connected = agent_client::connect(options.socket, timeout_of(options));
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

void on_parsed(CLI::App* verb, action& chosen, action run) {
  verb->callback([target = &chosen, run = std::move(run)] { *target = run; });
}

int usage_error(std::string_view verb, std::string_view message, std::ostream& err) {
  err << "tollgatectl " << verb << ": " << message << '\n';
  return exit_usage;
}

}  // namespace tollgate::ctl
