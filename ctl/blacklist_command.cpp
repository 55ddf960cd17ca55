// `tollgatectl blacklist`: list, add, delete and flush the agent's blocks.
#include "ctl/blacklist_command.hpp"

#include <iostream>
#include <memory>

#include "ctl/arguments.hpp"
#include "ctl/table.hpp"

namespace tollgate::ctl {

std::variant<wire::blacklist_add_request, std::string> make_blacklist_add(const blacklist_add_arguments& arguments) {
  wire::blacklist_add_request request;
  auto address = parse_address_argument(arguments.address);
  if (auto* e = std::get_if<std::string>(&address)) return *e;
  request.address = std::get<base::ip_prefix>(address);
  if (!arguments.duration.empty()) {
    if (arguments.permanent) return std::string("--for and --permanent exclude each other");
    auto duration = parse_duration_argument(arguments.duration);
    if (auto* e = std::get_if<std::string>(&duration)) return "--for " + *e;
    request.duration = std::get<std::chrono::seconds>(duration);
  }
  request.reason = arguments.reason;
  request.force = arguments.force;
  return request;
}

void print_blacklist(const wire::json& rows, std::ostream& out) {
  if (rows.empty()) {
    out << "no blocks\n";
    return;
  }
  table t({"ADDRESS", "UNTIL", "REASON", "REPEAT", "ACTOR", "CREATED", "NOTE"});
  for (const auto& row : rows) {
    t.add_row({cell(field(row, "address")), time_cell(field(row, "until"), "permanent"), cell(field(row, "reason")),
               cell(field(row, "repeat")), cell(field(row, "actor")), time_cell(field(row, "created")),
               field(row, "note").is_null() ? "" : cell(field(row, "note"))});
  }
  t.print(out);
}

void print_block(const wire::json& decision, std::ostream& out) {
  out << "blocked " << cell(field(decision, "address"));
  if (field(decision, "until").is_null()) {
    out << " permanently";
  } else {
    out << " until " << time_cell(field(decision, "until"));
  }
  out << " (" << cell(field(decision, "reason")) << ")\n";
}

void add_blacklist_commands(CLI::App& app, const ctl_options& options, action& chosen) {
  const ctl_options* o = &options;
  auto* blacklist = app.add_subcommand("blacklist", "list, add and remove blocked addresses");
  blacklist->require_subcommand(1);

  auto* list = blacklist->add_subcommand("list", "show every active block");
  on_parsed(list, chosen, [o] {
    return run_agent_command(*o, "blacklist list", wire::blacklist_list_request{}, print_blacklist, std::cout, std::cerr);
  });

  auto arguments = std::make_shared<blacklist_add_arguments>();
  auto* add = blacklist->add_subcommand("add", "block an address or network now");
  add->add_option("address", arguments->address, "ADDR or ADDR/LEN, IPv4 or IPv6")->required();
  auto* for_option = add->add_option("--for", arguments->duration, "how long: 90s, 30m, 1h, 7d, 2w");
  auto* permanent = add->add_flag("--permanent", arguments->permanent, "until removed (the default without --for)");
  for_option->excludes(permanent);
  add->add_option("--reason", arguments->reason, "a note kept with the block and in the audit log");
  add->add_flag("--force", arguments->force, "block even if the address overlaps the whitelist");
  add->footer("Example: tollgatectl blacklist add 203.0.113.0/24 --for 1h --reason botnet\n");
  on_parsed(add, chosen, [o, arguments] {
    auto request = make_blacklist_add(*arguments);
    if (auto* e = std::get_if<std::string>(&request)) return usage_error("blacklist add", *e, std::cerr);
    return run_agent_command(*o, "blacklist add", std::get<wire::blacklist_add_request>(request), print_block,
                             std::cout, std::cerr);
  });

  auto address = std::make_shared<std::string>();
  auto* del = blacklist->add_subcommand("del", "release a block now");
  del->add_option("address", *address, "the blocked ADDR or ADDR/LEN")->required();
  on_parsed(del, chosen, [o, address] {
    auto prefix = parse_address_argument(*address);
    if (auto* e = std::get_if<std::string>(&prefix)) return usage_error("blacklist del", *e, std::cerr);
    return run_agent_command(
        *o, "blacklist del", wire::blacklist_del_request{std::get<base::ip_prefix>(prefix)},
        [](const wire::json& d, std::ostream& out) { out << "released " << cell(field(d, "address")) << '\n'; },
        std::cout, std::cerr);
  });

  auto* flush = blacklist->add_subcommand("flush", "release every block");
  on_parsed(flush, chosen, [o] {
    return run_agent_command(
        *o, "blacklist flush", wire::blacklist_flush_request{},
        [](const wire::json& r, std::ostream& out) { out << "released " << cell(field(r, "released")) << " block(s)\n"; },
        std::cout, std::cerr);
  });
}

}  // namespace tollgate::ctl
