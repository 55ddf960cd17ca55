// What the agent socket asks of the agent core: the interface the core implements.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/peer_credentials.hpp"
#include "policy/decision.hpp"
#include "policy/report.hpp"
#include "wire/control_protocol.hpp"

namespace tollgate::agent {

/// Called on the server's io_context thread, never concurrently, never after
/// socket_server::stop(). Implementations must not block: the socket waits for each call.
class control_handler {
public:
  virtual ~control_handler() = default;

  /// A report line from the switch (or from an admin, for tests and tooling). No answer.
  virtual void on_report(const policy::report& report, const peer& from) = 0;

  /// A command from an admin. The response goes back at once; answers keep the order of
  /// the commands. Changes are to be audited with `from.user_name` as the actor. For an
  /// `audit` request with follow=true, an ok answer subscribes the connection to
  /// socket_server::publish_audit.
  virtual wire::response on_command(const wire::request& request, const peer& from) = 0;

  /// A switch connected. The decisions returned (every active suspension, as `suspend`
  /// decisions) are its first lines, before any decision pushed later.
  virtual std::vector<policy::decision> on_switch_connected(const peer& from) = 0;

  /// The line that follows those decisions: the parameters set at run time, which the
  /// switch's own suspend counting must use too (none by default).
  virtual std::optional<std::string> switch_parameters_line() { return std::nullopt; }

  /// A peer with no role connected; it gets one error line and is closed. Audit it.
  virtual void on_refused(const peer& from) = 0;

  /// A bad line, at most once per connection per server_options::bad_line_log_interval
  /// (every one is counted in server_stats). Log it.
  virtual void on_bad_line(const peer& from, const wire::line_rejection& why) = 0;

  /// A connection ended (any role): "closed by peer", "slow reader", "line too long", …
  virtual void on_disconnected(const peer& from, std::string_view why) = 0;
};

}  // namespace tollgate::agent
