// `tollgatectl registrations`: asks the switch's control socket and prints a table or JSON.
#include "ctl/registrations_command.hpp"

#include <iostream>

#include "ctl/table.hpp"

namespace tollgate::ctl {

void print_registrations(const wire::json& rows, std::ostream& out) {
  if (!rows.is_array() || rows.empty()) {
    out << "no registrations\n";
    return;
  }
  table t({"ENDPOINT", "CONTACT", "SOURCE", "EXPIRES IN", "EXPIRES AT", "USER-AGENT"});
  for (const auto& row : rows) {
    const auto& left = field(row, "expires_in");
    t.add_row({cell(field(row, "endpoint")), cell(field(row, "contact")), cell(field(row, "source")),
               left.is_number_integer() ? duration_cell(left.get<std::int64_t>()) : cell(left),
               time_cell(field(row, "expires_at")), cell(field(row, "user_agent"))});
  }
  t.print(out);
}

void add_registrations_command(CLI::App& app, const ctl_options& options, action& chosen) {
  auto* registrations = app.add_subcommand("registrations", "list the endpoints registered with the switch");
  registrations->footer("Asks the switch's control socket (--switch-socket). Example: tollgatectl registrations --json\n");
  const ctl_options* o = &options;
  on_parsed(registrations, chosen, [o] {
    return run_switch_command(*o, "registrations", wire::registrations_request{}, print_registrations, std::cout,
                              std::cerr);
  });
}

}  // namespace tollgate::ctl
