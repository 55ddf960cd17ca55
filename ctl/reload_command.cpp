// `tollgatectl reload`: sends `reload` to the switch's socket and to the agent's, prints both.
#include "ctl/reload_command.hpp"

#include <iostream>
#include <variant>

#include "ctl/agent_client.hpp"

namespace tollgate::ctl {
namespace {

struct outcome {
  bool ok = false;
  wire::json result;  // when ok
  std::string error;  // when not
  bool not_running = false;  // a stopped daemon reads its file when it starts: nothing to reload
};

outcome reload_one(const ctl_options& options, const std::string& socket, std::string_view daemon) {
  auto connected = agent_client::connect(socket, timeout_of(options), daemon);
  if (auto* e = std::get_if<client_error>(&connected)) return {false, nullptr, e->message, e->not_running};
  auto answer = std::get<agent_client>(connected).call(wire::request{1, wire::reload_request{}});
  if (auto* e = std::get_if<client_error>(&answer)) return {false, nullptr, e->message};
  const auto& response = std::get<wire::response>(answer);
  if (!response.ok) return {false, nullptr, response.error};
  return {true, response.result, {}};
}

wire::json to_json(const outcome& o) {
  if (o.ok) return {{"ok", true}, {"result", o.result}};
  return {{"ok", false}, {"error", o.error}, {"not_running", o.not_running}};
}

}  // namespace

int run_reload(const ctl_options& options, std::ostream& out, std::ostream& err) {
  // The switch first: it serves calls, and its answer says what needs a restart.
  const outcome sw = reload_one(options, options.switch_socket, "switch");
  const outcome agent = reload_one(options, options.socket, "agent");
  if (options.json) {
    out << wire::json{{"switch", to_json(sw)}, {"agent", to_json(agent)}}.dump(2) << '\n';
  } else {
    if (sw.ok) {
      out << "the switch reloaded its configuration";
      if (const auto source = sw.result.find("source"); source != sw.result.end() && source->is_string()) {
        out << " (" << source->get<std::string>() << ")";
      }
      out << '\n';
      if (const auto notes = sw.result.find("restart_needed"); notes != sw.result.end() && notes->is_array()) {
        for (const auto& note : *notes) out << "  " << (note.is_string() ? note.get<std::string>() : note.dump()) << '\n';
      }
    }
    if (agent.ok) out << "the agent reloaded its configuration\n";
    if (sw.not_running) out << "the switch is not running: it reads the file when it starts\n";
    if (agent.not_running) out << "the agent is not running: it reads the file when it starts\n";
  }
  // One line per daemon: a config with several problems has them joined by "; ".
  const auto report = [&err](std::string_view daemon, const std::string& error) {
    err << "tollgatectl reload: " << daemon << " not reloaded: ";
    for (const char c : error) {
      if (c == '\n') {
        err << "; ";
      } else {
        err << c;
      }
    }
    err << '\n';
  };
  // A daemon that is not running is no failure, unless neither is: then nothing was reloaded.
  const bool sw_failed = !sw.ok && !(sw.not_running && agent.ok);
  const bool agent_failed = !agent.ok && !(agent.not_running && sw.ok);
  if (sw_failed) report("switch", sw.error);
  if (agent_failed) report("agent", agent.error);
  return sw_failed || agent_failed ? exit_failed : exit_done;
}

void add_reload_command(CLI::App& app, const ctl_options& options, action& chosen) {
  auto* reload = app.add_subcommand(
      "reload", "make the switch and the agent re-read their config file (registrations, calls and blocks are kept)");
  reload->footer(
      "The switch is reloaded first, then the agent; each reports its own result.\n"
      "A file with errors is refused with each error's file:line and that daemon keeps its running configuration.\n"
      "Changed listen addresses or sockets need a restart; the switch says so. SIGHUP to either daemon\n"
      "(systemctl reload tollgate-switch) does the same as this command for that daemon.\n");
  const ctl_options* o = &options;
  on_parsed(reload, chosen, [o] { return run_reload(*o, std::cout, std::cerr); });
}

}  // namespace tollgate::ctl
