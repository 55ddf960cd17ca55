// `tollgatectl suspend`: list suspended endpoints and lift a suspension.
#include "ctl/suspend_command.hpp"

#include <iostream>
#include <memory>

#include "ctl/table.hpp"

namespace tollgate::ctl {

void print_suspensions(const wire::json& rows, std::ostream& out) {
  if (rows.empty()) {
    out << "no suspended endpoints\n";
    return;
  }
  table t({"ENDPOINT", "UNTIL", "FAILURES"});
  for (const auto& row : rows) {
    t.add_row({cell(field(row, "endpoint")), time_cell(field(row, "until")), cell(field(row, "failures"))});
  }
  t.print(out);
}

void add_suspend_commands(CLI::App& app, const ctl_options& options, action& chosen) {
  const ctl_options* o = &options;
  auto* suspend = app.add_subcommand("suspend", "list and clear endpoint registration suspensions");
  suspend->require_subcommand(1);

  auto* list = suspend->add_subcommand("list", "show suspended endpoints and until when");
  on_parsed(list, chosen, [o] {
    return run_agent_command(*o, "suspend list", wire::suspend_list_request{}, print_suspensions, std::cout, std::cerr);
  });

  auto endpoint = std::make_shared<std::string>();
  auto* clear = suspend->add_subcommand("clear", "lift an endpoint's suspension now");
  clear->add_option("endpoint", *endpoint, "the endpoint (digest user name)")->required();
  on_parsed(clear, chosen, [o, endpoint] {
    if (endpoint->empty()) return usage_error("suspend clear", "the endpoint must not be empty", std::cerr);
    return run_agent_command(
        *o, "suspend clear", wire::suspend_clear_request{*endpoint},
        [](const wire::json& d, std::ostream& out) { out << "unsuspended " << cell(field(d, "endpoint")) << '\n'; },
        std::cout, std::cerr);
  });
}

}  // namespace tollgate::ctl
