// The switch's control socket: one function per command, the trace's subscriptions.
#include "switch/control_service.hpp"

#include <spdlog/spdlog.h>

namespace tollgate::switch_ {

agent::server_options control_socket_options(const std::filesystem::path& path) {
  agent::server_options o;
  o.path = path;
  o.roles.switch_user.clear();  // nobody reports to the switch
  return o;
}

control_service::control_service(boost::asio::io_context& io, const std::filesystem::path& path,
                                 const base::clock& clock, control_hooks hooks, trace_limits limits)
    : hooks_(std::move(hooks)),
      server_(io, control_socket_options(path), *this, clock),
      trace_(
          clock,
          [this](std::uint64_t connection, std::string line, std::size_t limit) {
            return server_.offer_to(connection, std::move(line), limit);
          },
          limits) {}

control_service::~control_service() { stop(); }

void control_service::on_report(const policy::report&, const agent::peer& from) {
  spdlog::warn("control socket: {} sent a report; the switch takes none", from.user_name);
}

wire::response control_service::on_command(const wire::request& request, const agent::peer& from) {
  const auto& id = request.id;
  if (std::holds_alternative<wire::registrations_request>(request.what)) {
    return wire::response::success(id, hooks_.registrations());
  }
  if (std::holds_alternative<wire::status_request>(request.what) && hooks_.status) {
    return wire::response::success(id, hooks_.status());
  }
  if (const auto* trace = std::get_if<wire::trace_request>(&request.what)) {
    const trace_filter filter = filter_of(*trace);
    if (auto refused = trace_.subscribe(from.connection, filter)) return wire::response::failure(id, *refused);
    spdlog::info("control socket: {} traces {}", from.user_name, to_json(filter).dump());
    return wire::response::success(
        id, {{"tracing", true}, {"filter", to_json(filter)}, {"queue_bytes", trace_.limits().queue_bytes}});
  }
  if (std::holds_alternative<wire::trace_stop_request>(request.what)) {
    const auto totals = trace_.unsubscribe(from.connection);
    if (!totals) return wire::response::failure(id, "no trace on this connection");
    log_trace_end(from, *totals, "stopped");
    return wire::response::success(id, {{"stopped", true}, {"delivered", totals->delivered}, {"dropped", totals->dropped}});
  }
  if (std::holds_alternative<wire::reload_request>(request.what)) {
    const reload_result r = hooks_.reload();
    if (!r.ok()) {
      spdlog::warn("reload by {} refused, the running config stays: {}", from.user_name, r.error);
      return wire::response::failure(id, r.error);
    }
    spdlog::info("reload by {}: {}", from.user_name, r.source);
    return wire::response::success(id, reload_json(r, *hooks_.configuration()));
  }
  return wire::response::failure(id, std::string(wire::command_name(request.what)) +
                                         " is a command of the agent's socket; the switch answers status, "
                                         "registrations, trace, trace_stop and reload");
}

std::vector<policy::decision> control_service::on_switch_connected(const agent::peer&) { return {}; }

void control_service::on_refused(const agent::peer& from) {
  spdlog::warn("control socket: refused {} (uid {}, pid {}): not an admin", from.user_name, from.credentials.uid,
               from.credentials.pid);
}

void control_service::on_bad_line(const agent::peer& from, const wire::line_rejection& why) {
  spdlog::warn("control socket: bad line from {} ({}): {}", from.user_name, wire::to_string(why.kind), why.message);
}

void control_service::on_disconnected(const agent::peer& from, std::string_view) {
  if (const auto totals = trace_.unsubscribe(from.connection)) log_trace_end(from, *totals, "closed");
}

void control_service::log_trace_end(const agent::peer& from, const trace_counters& totals, std::string_view how) {
  spdlog::info("control socket: the trace of {} {}: {} message(s) delivered, {} dropped", from.user_name, how,
               totals.delivered, totals.dropped);
}

}  // namespace tollgate::switch_
