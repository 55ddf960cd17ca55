// `tollgatectl whitelist`: list, add and remove whitelisted networks.
#include "ctl/whitelist_command.hpp"

#include <iostream>
#include <memory>

#include "ctl/arguments.hpp"
#include "ctl/table.hpp"

namespace tollgate::ctl {

void print_whitelist(const wire::json& rows, std::ostream& out) {
  if (rows.empty()) {
    out << "the whitelist is empty\n";
    return;
  }
  table t({"CIDR", "ORIGIN"});
  for (const auto& row : rows) t.add_row({cell(field(row, "cidr")), cell(field(row, "origin"))});
  t.print(out);
}

void add_whitelist_commands(CLI::App& app, const ctl_options& options, action& chosen) {
  const ctl_options* o = &options;
  auto* whitelist = app.add_subcommand("whitelist", "list, add and remove networks that are never blocked");
  whitelist->require_subcommand(1);

  auto* list = whitelist->add_subcommand("list", "show the whitelist (from the config and added at run time)");
  on_parsed(list, chosen, [o] {
    return run_agent_command(*o, "whitelist list", wire::whitelist_list_request{}, print_whitelist, std::cout, std::cerr);
  });

  auto add_cidr = std::make_shared<std::string>();
  auto* add = whitelist->add_subcommand("add", "never block this network; releases blocks inside it");
  add->add_option("cidr", *add_cidr, "ADDR or ADDR/LEN, IPv4 or IPv6")->required();
  on_parsed(add, chosen, [o, add_cidr] {
    auto prefix = parse_address_argument(*add_cidr);
    if (auto* e = std::get_if<std::string>(&prefix)) return usage_error("whitelist add", *e, std::cerr);
    return run_agent_command(
        *o, "whitelist add", wire::whitelist_add_request{std::get<base::ip_prefix>(prefix)},
        [](const wire::json& r, std::ostream& out) { out << "whitelisted " << cell(field(r, "cidr")) << '\n'; },
        std::cout, std::cerr);
  });

  auto del_cidr = std::make_shared<std::string>();
  auto* del = whitelist->add_subcommand("del", "remove a network added at run time");
  del->add_option("cidr", *del_cidr, "the whitelisted ADDR or ADDR/LEN")->required();
  on_parsed(del, chosen, [o, del_cidr] {
    auto prefix = parse_address_argument(*del_cidr);
    if (auto* e = std::get_if<std::string>(&prefix)) return usage_error("whitelist del", *e, std::cerr);
    return run_agent_command(
        *o, "whitelist del", wire::whitelist_del_request{std::get<base::ip_prefix>(prefix)},
        [](const wire::json& r, std::ostream& out) {
          out << "removed " << cell(field(r, "cidr")) << " from the whitelist\n";
        },
        std::cout, std::cerr);
  });
}

}  // namespace tollgate::ctl
