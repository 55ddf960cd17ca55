// `tollgatectl check`: the config file and the agent's running parameters against the checklist.
#include "ctl/check_command.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "config/descriptors.hpp"
#include "config/load.hpp"
#include "ctl/agent_client.hpp"
#include "ctl/table.hpp"

namespace tollgate::ctl {
namespace {

policy::parameter_origin origin_of(const wire::json& text) {
  if (!text.is_string()) return policy::parameter_origin::runtime;
  for (auto o : {policy::parameter_origin::default_value, policy::parameter_origin::config,
                 policy::parameter_origin::runtime}) {
    if (text.get<std::string>() == policy::to_string(o)) return o;
  }
  return policy::parameter_origin::runtime;
}

std::string kernel_table_name(const running_system& system) {
  const auto& table = field(system.kernel, "table");
  return table.is_string() ? table.get<std::string>() : "inet tollgate";
}

}  // namespace

std::optional<policy::parameter_set> parameters_from_list(const wire::json& rows) {
  if (!rows.is_array()) return std::nullopt;
  policy::parameter_set set;
  for (const auto& row : rows) {
    const auto& name = field(row, "name");
    const auto& value = field(row, "value");
    if (!name.is_string() || !value.is_number_integer()) return std::nullopt;
    const auto p = policy::find_parameter(name.get<std::string>());
    if (!p) continue;  // a newer agent's parameter: this checklist does not know it
    if (set.set(*p, value.get<std::int64_t>(), origin_of(field(row, "origin")))) return std::nullopt;
  }
  return set;
}

bool fails_check(const config::finding& f) { return f.severity >= config::severity::medium; }

std::vector<config::finding> check_findings(const config::config& c, const running_system& system) {
  auto findings = system.parameters ? config::hardening_findings(c, *system.parameters) : config::hardening_findings(c);
  if (!system.agent_reachable) {
    findings.push_back({"agent_not_running", config::severity::high,
                        "the agent does not answer at " + system.socket + " (" + system.agent_error +
                            "): nothing is blocked or suspended; the file's parameters were audited",
                        "start it (systemctl start tollgate-agent) and run tollgatectl check again"});
  } else if (const auto& error = field(system.kernel, "error"); !error.is_null()) {
    findings.push_back({"kernel_table_missing", config::severity::high,
                        "the kernel table " + kernel_table_name(system) + " cannot be read (" + cell(error) +
                            "): blocks and the REGISTER rate limit are not enforced",
                        "see the agent's log; systemctl restart tollgate-agent restores the table"});
  }
  if (const auto& disk = system.state_disk; disk && disk->total_bytes > 0) {
    constexpr std::uintmax_t mib = 1024 * 1024;
    const double share = static_cast<double>(disk->free_bytes) / static_cast<double>(disk->total_bytes);
    const bool critical = share < 0.01 || disk->free_bytes < 64 * mib;
    if (critical || share < 0.05 || disk->free_bytes < 512 * mib) {
      findings.push_back(
          {"state_disk_low", critical ? config::severity::high : config::severity::medium,
           "the state directory " + disk->path + " has " + std::to_string(disk->free_bytes / mib) + " MiB free (" +
               std::to_string(static_cast<int>(share * 100)) +
               " %): when it fills, admin commands are refused, blocks are kept in the kernel only and CDRs "
               "wait in memory, the oldest lost beyond [switch] cdr_buffer",
           "free space there, or shorten [switch] cdr_retention and [agent] audit_retention"});
    }
  }
  if (system.switch_descriptors) {
    if (auto f = config::descriptor_finding(c, *system.switch_descriptors, "the running switch's")) {
      findings.push_back(std::move(*f));
    }
  }
  std::stable_sort(findings.begin(), findings.end(),
                   [](const config::finding& a, const config::finding& b) { return a.severity > b.severity; });
  return findings;
}

running_system ask_agent(const std::string& socket, std::chrono::milliseconds timeout) {
  running_system system;
  system.socket = socket;
  auto connected = agent_client::connect(socket, timeout);
  if (auto* e = std::get_if<client_error>(&connected)) {
    system.agent_error = e->message;
    return system;
  }
  auto& client = std::get<agent_client>(connected);
  // An answer with ok=false (a user who may not command) still shows the agent runs.
  const auto ask = [&](wire::command command) -> std::optional<wire::json> {
    auto answer = client.call(wire::request{1, std::move(command)});
    if (auto* e = std::get_if<client_error>(&answer)) {
      system.agent_error = e->message;
      return std::nullopt;
    }
    system.agent_reachable = true;
    const auto& response = std::get<wire::response>(answer);
    if (!response.ok) {
      system.agent_error = response.error;
      return std::nullopt;
    }
    return response.result;
  };
  const auto parameters = ask(wire::param_list_request{});
  if (!parameters) return system;
  system.parameters = parameters_from_list(*parameters);
  if (const auto status = ask(wire::status_request{})) system.kernel = field(*status, "kernel");
  return system;
}

std::optional<running_system::disk_space> state_disk_of(const std::string& state_dir) {
  std::error_code ec;
  const auto space = std::filesystem::space(state_dir, ec);
  if (ec) return std::nullopt;
  return running_system::disk_space{state_dir, space.available, space.capacity};
}

std::optional<std::uint64_t> switch_descriptors_of(const std::string& socket, std::chrono::milliseconds timeout) {
  auto connected = agent_client::connect(socket, timeout);
  if (std::holds_alternative<client_error>(connected)) return std::nullopt;
  auto answer = std::get<agent_client>(connected).call(wire::request{1, wire::status_request{}});
  const auto* response = std::get_if<wire::response>(&answer);
  if (!response || !response->ok) return std::nullopt;
  const auto& soft = field(field(response->result, "descriptors"), "soft");
  if (!soft.is_number_unsigned()) return std::nullopt;
  return soft.get<std::uint64_t>();
}

int print_check(const config::config& c, const running_system& system, bool json, std::ostream& out) {
  const auto findings = check_findings(c, system);
  const bool failed = std::any_of(findings.begin(), findings.end(), fails_check);
  const std::string source = c.source.empty() ? "built-in defaults" : c.source;
  const std::string parameters = system.parameters ? "running" : "file";
  if (json) {
    wire::json list = wire::json::array();
    for (const auto& f : findings) {
      list.push_back({{"id", f.id}, {"severity", config::to_string(f.severity)}, {"message", f.message}, {"fix", f.fix}});
    }
    wire::json report;
    report["config"] = source;
    report["parameters"] = parameters;
    report["agent"] = system.agent_reachable ? wire::json({{"reachable", true}, {"socket", system.socket}})
                                             : wire::json({{"reachable", false},
                                                           {"socket", system.socket},
                                                           {"error", system.agent_error}});
    report["findings"] = list;
    report["passed"] = !failed;
    out << report.dump(2) << '\n';
    return failed ? exit_failed : exit_done;
  }
  out << "config: " << source << '\n';
  if (system.parameters) {
    out << "parameters: running values of the agent at " << system.socket << '\n';
  } else if (system.agent_reachable) {
    out << "parameters: from the file (the agent's list could not be read"
        << (system.agent_error.empty() ? "" : ": " + system.agent_error) << ")\n";
  } else {
    out << "agent: not reachable (" << system.agent_error << "); auditing the file alone\n";
  }
  if (findings.empty()) {
    out << "no findings: the system passes the hardening checklist\n";
    return exit_done;
  }
  table t({"SEVERITY", "FINDING", "PROBLEM", "FIX"});
  for (const auto& f : findings) t.add_row({std::string(config::to_string(f.severity)), f.id, f.message, f.fix});
  t.print(out);
  const auto serious = std::count_if(findings.begin(), findings.end(), fails_check);
  out << findings.size() << " finding(s), " << serious << " of severity medium or high\n";
  return failed ? exit_failed : exit_done;
}

void add_check_command(CLI::App& app, const ctl_options& options, action& chosen) {
  auto config_path = std::make_shared<std::string>();
  auto* check = app.add_subcommand("check", "audit the running system against the hardening checklist");
  check->add_option("--config", *config_path, "the config file to audit (default /etc/tollgate/tollgate.toml)");
  check->footer(
      "Audits the config file with the agent's running parameters, and the agent and its kernel table. "
      "Exit status 0: no finding of severity medium or high; 1: at least one, or the file cannot be read.\n");
  const ctl_options* o = &options;
  on_parsed(check, chosen, [o, config_path] {
    if (config_path->empty()) *config_path = o->config_path;  // tollgatectl --config FILE check
    const auto loaded = config_path->empty()
                            ? config::load_file_or_defaults(std::string(config::default_config_path))
                            : config::load_file(*config_path);
    if (!loaded) {
      std::cerr << "tollgatectl check: cannot read the config file:\n" << loaded.message() << '\n';
      return exit_failed;
    }
    const auto& c = *loaded.value();
    // The file's socket, unless --socket named another one.
    std::string socket = o->socket;
    if (socket == default_socket && !c.source.empty() && !c.agent.socket.empty()) socket = c.agent.socket;
    auto system = ask_agent(socket, timeout_of(*o));
    system.state_disk = state_disk_of(o->state_dir.empty() ? c.agent.state_dir : o->state_dir);
    system.switch_descriptors = switch_descriptors_of(o->switch_socket, timeout_of(*o));
    return print_check(c, system, o->json, std::cout);
  });
}

}  // namespace tollgate::ctl
