// The agent's answers on its socket: reports into the core, commands against it, the
// switch's first lines. Implements control_handler for socket_server.
#pragma once

#include <functional>
#include <string>

#include "agent/control_handler.hpp"
#include "agent/core.hpp"
#include "agent/state_journal.hpp"

namespace tollgate::agent {

class socket_server;

/// What the daemon adds to `status` and does on `reload`; the service itself knows only
/// the core and agent.db.
struct control_hooks {
  std::function<wire::json()> kernel_status;     // {"table","queue_mode","counters":{…}}
  std::function<wire::json()> inspector_status;  // the inspector's counters
  std::function<std::string()> reload;           // empty string: reloaded; else the error
  std::function<void()> report_arrived;          // schedules a flush of the core
};

class control_service final : public control_handler {
public:
  control_service(core& core, state_journal& journal, const base::clock& clock, control_hooks hooks);

  /// The server to push suspensions and audit rows through (set once it exists).
  void attach(socket_server& server);

  void on_report(const policy::report& report, const peer& from) override;
  wire::response on_command(const wire::request& request, const peer& from) override;
  std::vector<policy::decision> on_switch_connected(const peer& from) override;
  std::optional<std::string> switch_parameters_line() override;
  void on_refused(const peer& from) override;
  void on_bad_line(const peer& from, const wire::line_rejection& why) override;
  void on_disconnected(const peer& from, std::string_view why) override;

private:
  wire::json status() const;
  wire::json blacklist() const;
  wire::json suspensions() const;
  wire::json audit(const wire::audit_request& r) const;
  wire::response answer(const wire::json& id, const command_outcome& outcome);

  core& core_;
  state_journal& journal_;
  const base::clock& clock_;
  control_hooks hooks_;
  socket_server* server_ = nullptr;
  base::steady_timestamp started_;
};

/// A parameter as `param list` shows it.
wire::json parameter_json(const policy::parameter_set& params, policy::parameter p);

}  // namespace tollgate::agent
