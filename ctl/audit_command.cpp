// `tollgatectl audit`: reads the audit log, and follows it as rows are written.
#include "ctl/audit_command.hpp"

#include <iostream>
#include <memory>

#include "ctl/agent_client.hpp"
#include "ctl/arguments.hpp"
#include "ctl/table.hpp"

namespace tollgate::ctl {
namespace {

std::vector<std::string> audit_cells(const wire::json& row) {
  const auto& evidence = field(row, "evidence");
  return {time_cell(field(row, "time")), cell(field(row, "actor")),  cell(field(row, "action")),
          cell(field(row, "subject")),   cell(field(row, "reason")), evidence.is_null() ? "" : cell(evidence)};
}

void print_followed(const wire::json& row, bool json, std::ostream& out) {
  out << (json ? row.dump() : audit_line(row)) << std::endl;  // flushed: a pipe reader sees rows as they come
}

}  // namespace

std::variant<wire::audit_request, std::string> make_audit_request(const audit_arguments& arguments, base::timestamp now) {
  wire::audit_request request;
  if (!arguments.since.empty()) {
    auto since = parse_since_argument(arguments.since, now);
    if (auto* e = std::get_if<std::string>(&since)) return "--since " + *e;
    request.since = std::get<base::timestamp>(since);
  }
  if (arguments.limit > 0) request.limit = arguments.limit;
  request.follow = arguments.follow;
  return request;
}

void print_audit(const wire::json& rows, std::ostream& out) {
  if (rows.empty()) {
    out << "no audit rows\n";
    return;
  }
  table t({"TIME", "ACTOR", "ACTION", "SUBJECT", "REASON", "DETAIL"});
  for (const auto& row : rows) t.add_row(audit_cells(row));
  t.print(out);
}

std::string audit_line(const wire::json& row) {
  std::string line;
  for (const auto& text : audit_cells(row)) {
    if (text.empty()) continue;
    line += (line.empty() ? "" : "  ") + text;
  }
  return line;
}

int run_audit(const ctl_options& options, const wire::audit_request& request, std::ostream& out, std::ostream& err) {
  if (!request.follow) return run_agent_command(options, "audit", request, print_audit, out, err);

  auto connected = agent_client::connect(options.socket, timeout_of(options));
  if (auto* e = std::get_if<client_error>(&connected)) {
    err << "tollgatectl audit: " << e->message << '\n';
    return exit_failed;
  }
  auto& client = std::get<agent_client>(connected);
  auto answer = client.call(wire::request{1, request});
  if (auto* e = std::get_if<client_error>(&answer)) {
    err << "tollgatectl audit: " << e->message << '\n';
    return exit_failed;
  }
  const auto& response = std::get<wire::response>(answer);
  if (!response.ok) {
    err << "tollgatectl audit: " << response.error << '\n';
    return exit_failed;
  }
  if (response.result.is_array()) {
    for (const auto& row : response.result) print_followed(row, options.json, out);
  }
  while (true) {
    auto line = client.next_line();
    if (std::holds_alternative<std::nullopt_t>(line)) {
      err << "tollgatectl audit: the agent closed the connection\n";
      return exit_failed;
    }
    if (auto* e = std::get_if<client_error>(&line)) {
      err << "tollgatectl audit: " << e->message << '\n';
      return exit_failed;
    }
    const auto row = wire::json::parse(std::get<std::string>(line), nullptr, /*allow_exceptions=*/false);
    if (row.is_discarded()) {
      err << "tollgatectl audit: the agent sent a line that is not JSON\n";
      return exit_failed;
    }
    print_followed(row, options.json, out);
  }
}

void add_audit_command(CLI::App& app, const ctl_options& options, action& chosen) {
  const ctl_options* o = &options;
  auto arguments = std::make_shared<audit_arguments>();
  auto* audit = app.add_subcommand("audit", "show the audit log: every decision and every admin change");
  audit->add_option("--since", arguments->since, "from this Unix time, or this long ago (1h, 7d)");
  audit->add_option("--limit", arguments->limit, "at most this many rows")->check(CLI::Range(1, 1'000'000));
  audit->add_flag("--follow,-f", arguments->follow, "keep printing new rows as they are written (Ctrl-C stops)");
  audit->footer("Example: tollgatectl audit --since 1h --follow\n");
  on_parsed(audit, chosen, [o, arguments] {
    auto request = make_audit_request(*arguments, base::system_clock{}.now());
    if (auto* e = std::get_if<std::string>(&request)) return usage_error("audit", *e, std::cerr);
    return run_audit(*o, std::get<wire::audit_request>(request), std::cout, std::cerr);
  });
}

}  // namespace tollgate::ctl
