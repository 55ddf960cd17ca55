// `tollgatectl param`: list, read and change the policy's parameters.
#include "ctl/param_command.hpp"

#include <iostream>
#include <memory>

#include "ctl/arguments.hpp"
#include "ctl/table.hpp"

namespace tollgate::ctl {

void print_parameters(const wire::json& rows, std::ostream& out) {
  table t({"NAME", "VALUE", "DEFAULT", "RANGE", "UNIT", "ORIGIN"});
  for (const auto& row : rows) {
    t.add_row({cell(field(row, "name")), cell(field(row, "value")), cell(field(row, "default")),
               cell(field(row, "min")) + ".." + cell(field(row, "max")), cell(field(row, "unit")),
               cell(field(row, "origin"))});
  }
  t.print(out);
}

void print_parameter(const wire::json& parameter, std::ostream& out) {
  table t({"FIELD", "VALUE"});
  for (const auto& [key, value] : parameter.items()) t.add_row({key, cell(value)});
  t.print(out);
}

void add_param_commands(CLI::App& app, const ctl_options& options, action& chosen) {
  const ctl_options* o = &options;
  auto* param = app.add_subcommand("param", "list, read and change run-time parameters");
  param->require_subcommand(1);

  auto* list = param->add_subcommand("list", "show every parameter with its value, default, range and origin");
  on_parsed(list, chosen, [o] {
    return run_agent_command(*o, "param list", wire::param_list_request{}, print_parameters, std::cout, std::cerr);
  });

  auto get_name = std::make_shared<std::string>();
  auto* get = param->add_subcommand("get", "show one parameter and what it does");
  get->add_option("name", *get_name, "parameter name, e.g. BLACKLIST_WINDOW")->required();
  on_parsed(get, chosen, [o, get_name] {
    return run_agent_command(*o, "param get", wire::param_get_request{*get_name}, print_parameter, std::cout, std::cerr);
  });

  auto set_name = std::make_shared<std::string>();
  auto set_value = std::make_shared<std::string>();
  auto* set = param->add_subcommand("set", "change a parameter now (kept until the next reload)");
  set->add_option("name", *set_name, "parameter name, e.g. BLACKLIST_WINDOW")->required();
  set->add_option("value", *set_value, "an integer, on/off, or a duration in seconds such as 30m")->required();
  set->footer("Example: tollgatectl param set BLACKLIST_DURATION 2h\n");
  on_parsed(set, chosen, [o, set_name, set_value] {
    auto value = parse_parameter_value(*set_value);
    if (auto* e = std::get_if<std::string>(&value)) return usage_error("param set", *e, std::cerr);
    return run_agent_command(
        *o, "param set", wire::param_set_request{*set_name, std::get<std::int64_t>(value)},
        [](const wire::json& p, std::ostream& out) {
          out << cell(field(p, "name")) << " = " << cell(field(p, "value")) << ' ' << cell(field(p, "unit")) << '\n';
        },
        std::cout, std::cerr);
  });
}

}  // namespace tollgate::ctl
