// `tollgatectl status`: the agent's state and counters, for people or as JSON.
#include "ctl/status_command.hpp"

#include <iostream>

#include "ctl/table.hpp"

namespace tollgate::ctl {

void print_status(const wire::json& status, std::ostream& out) {
  table t({"FIELD", "VALUE"});
  for (const auto& [key, value] : status.items()) {
    if (key == "uptime_s" && value.is_number_integer()) {
      t.add_row({"uptime", duration_cell(value.get<std::int64_t>())});
    } else if (key == "kernel" && value.is_object()) {
      // The kernel's counters are many; one line each reads better than one long line.
      for (const auto& [name, item] : value.items()) {
        if (name == "counters" && item.is_object()) {
          for (const auto& [reason, counter] : item.items()) t.add_row({"kernel drops " + reason, cell(counter)});
        } else {
          t.add_row({"kernel " + name, cell(item)});
        }
      }
    } else {
      t.add_row({key, cell(value)});
    }
  }
  t.print(out);
}

void add_status_command(CLI::App& app, const ctl_options& options, action& chosen) {
  const ctl_options* o = &options;
  auto* status = app.add_subcommand("status", "show the agent's state: blocks, suspensions, counters, latency");
  on_parsed(status, chosen, [o] {
    return run_agent_command(*o, "status", wire::status_request{}, print_status, std::cout, std::cerr);
  });
}

}  // namespace tollgate::ctl
