// The agent's answers on its socket: one function per command of docs/agent-protocol.md.
#include "agent/control_service.hpp"

#include <spdlog/spdlog.h>

#include "agent/audit_record.hpp"
#include "agent/socket_server.hpp"
#include "wire/report_codec.hpp"

namespace tollgate::agent {
namespace {

using json = wire::json;

json decision_json(const policy::decision& d) { return json::parse(wire::format_decision(d)); }

json until_json(const std::optional<base::timestamp>& until) {
  return until ? json(base::to_unix_seconds(*until)) : json(nullptr);
}

constexpr std::array<std::string_view, 5> decision_kinds{"suspend", "unsuspend", "block", "protected", "release"};

}  // namespace

json parameter_json(const policy::parameter_set& params, policy::parameter p) {
  const auto& i = policy::info(p);
  json j;
  j["name"] = i.name;
  j["value"] = params.get(p);
  j["default"] = i.default_value;
  j["min"] = i.min;
  j["max"] = i.max;
  j["unit"] = i.unit;
  j["origin"] = policy::to_string(params.origin(p));
  j["doc"] = i.doc;
  return j;
}

control_service::control_service(core& c, state_journal& journal, const base::clock& clock, control_hooks hooks)
    : core_(c), journal_(journal), clock_(clock), hooks_(std::move(hooks)), started_(clock.steady_now()) {}

void control_service::attach(socket_server& server) { server_ = &server; }

void control_service::on_report(const policy::report& report, const peer&) {
  core_.submit(report, clock_.steady_now());
  if (hooks_.report_arrived) hooks_.report_arrived();
}

std::vector<policy::decision> control_service::on_switch_connected(const peer& from) {
  if (from.role == peer_role::switch_user) {
    spdlog::info("socket: switch connected ({}, pid {})", from.user_name, from.credentials.pid);
  } else {
    spdlog::warn("socket: {} (pid {}) sends reports but is not the switch user: taken as a switch, it gets "
                 "suspensions too; run the switch as the switch user",
                 from.user_name, from.credentials.pid);
  }
  std::vector<policy::decision> current;
  const auto now = clock_.now();
  for (const auto& s : core_.engine().suspensions().suspensions()) {
    if (s.until > now) current.push_back({now, policy::suspend{s.endpoint, s.until, 0, {}}});
  }
  return current;
}

std::optional<std::string> control_service::switch_parameters_line() {
  return wire::format_runtime_parameters(clock_.now(), core_.engine().parameters());
}

void control_service::on_refused(const peer& from) {
  spdlog::warn("socket: refused {} (uid {}, pid {}): neither admin nor switch", from.user_name, from.credentials.uid,
               from.credentials.pid);
  core_.audit_refusal(from.user_name, "agent socket");
}

void control_service::on_bad_line(const peer& from, const wire::line_rejection& why) {
  spdlog::warn("socket: bad line from {} ({}): {}", from.user_name, wire::to_string(why.kind), why.message);
}

void control_service::on_disconnected(const peer& from, std::string_view why) {
  if (from.role == peer_role::switch_user) spdlog::info("socket: switch disconnected: {}", why);
}

wire::response control_service::answer(const json& id, const command_outcome& outcome) {
  if (!outcome.ok) return wire::response::failure(id, outcome.error);
  return wire::response::success(id, outcome.decision ? decision_json(*outcome.decision) : json::object());
}

json control_service::status() const {
  const auto& counters = core_.counters();
  const auto& engine = core_.engine();
  json j;
  j["version"] = TOLLGATE_VERSION;
  j["uptime_s"] = std::chrono::duration_cast<std::chrono::seconds>(clock_.steady_now() - started_).count();
  j["blocks"] = engine.blocks().active().size();
  j["suspensions"] = engine.suspensions().suspensions().size();
  j["tracked_sources"] = engine.sources().size();
  json reports = json::object();
  for (std::size_t i = 0; i < counters.reports.size(); ++i) {
    reports[std::string(policy::to_string(static_cast<policy::report_type>(i)))] = counters.reports[i];
  }
  j["reports"] = reports;
  json decisions = json::object();
  for (std::size_t i = 0; i < decision_kinds.size(); ++i) decisions[std::string(decision_kinds[i])] = counters.decisions[i];
  j["decisions"] = decisions;
  j["dropped_reports"] = counters.dropped_reports;
  j["queued_reports"] = core_.queued_reports();
  j["kernel_failures"] = counters.kernel_failures;
  j["store_failures"] = counters.store_failures;
  j["unwritten_batches"] = core_.unwritten_batches();
  const auto& h = core_.latency();
  j["latency_us"] = {{"p50", h.quantile(0.5).count()},
                     {"p99", h.quantile(0.99).count()},
                     {"max", h.max().count()},
                     {"count", h.count()}};
  j["kernel"] = hooks_.kernel_status ? hooks_.kernel_status() : json::object();
  j["inspector"] = hooks_.inspector_status ? hooks_.inspector_status() : json::object();
  if (server_ != nullptr) {
    const auto& s = server_->stats();
    j["socket"] = {{"connections", server_->connections()}, {"accepted", s.accepted}, {"refused", s.refused},
                   {"reports", s.reports},  {"commands", s.commands},
                   {"slow_readers_disconnected", s.slow_readers_disconnected}};
  }
  return j;
}

json control_service::blacklist() const {
  json list = json::array();
  auto rows = journal_.blocks().load_all();
  if (!rows) throw std::runtime_error("agent.db: " + rows.error().message);
  for (const auto& row : *rows) {
    const auto evidence = json::parse(row.evidence, nullptr, false);
    json j;
    j["address"] = row.prefix.to_string();
    j["until"] = until_json(row.until);
    j["reason"] = row.reason;
    j["repeat"] = evidence.is_object() && evidence.contains("repeat") ? evidence["repeat"] : json(0);
    j["actor"] = row.actor;
    j["note"] = evidence.is_object() && evidence.contains("note") ? evidence["note"] : json("");
    j["created"] = base::to_unix_seconds(row.created);
    list.push_back(std::move(j));
  }
  return list;
}

json control_service::suspensions() const {
  json list = json::array();
  auto rows = journal_.suspensions().list();
  if (!rows) throw std::runtime_error("agent.db: " + rows.error().message);
  for (const auto& row : *rows) {
    list.push_back({{"endpoint", row.endpoint}, {"until", base::to_unix_seconds(row.until)}, {"failures", row.failures}});
  }
  return list;
}

json control_service::audit(const wire::audit_request& r) const {
  const std::size_t limit = r.limit ? *r.limit : store::audit_log::no_limit;
  auto rows = journal_.audit().since(r.since.value_or(base::timestamp{}), limit);
  if (!rows) throw std::runtime_error("agent.db: " + rows.error().message);
  json list = json::array();
  for (const auto& row : *rows) list.push_back(json::parse(audit_line(row)));
  return list;
}

wire::response control_service::on_command(const wire::request& request, const peer& from) {
  const std::string& actor = from.user_name;
  const json& id = request.id;
  try {
    return std::visit(
        [&](const auto& c) -> wire::response {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, wire::status_request>) {
            return wire::response::success(id, status());
          } else if constexpr (std::is_same_v<T, wire::blacklist_list_request>) {
            return wire::response::success(id, blacklist());
          } else if constexpr (std::is_same_v<T, wire::blacklist_add_request>) {
            return answer(id, core_.block(c.address, c.duration, actor, c.reason, c.force));
          } else if constexpr (std::is_same_v<T, wire::blacklist_del_request>) {
            return answer(id, core_.unblock(c.address, actor));
          } else if constexpr (std::is_same_v<T, wire::blacklist_flush_request>) {
            return wire::response::success(id, {{"released", core_.flush_blacklist(actor)}});
          } else if constexpr (std::is_same_v<T, wire::whitelist_list_request>) {
            json list = json::array();
            for (const auto& e : core_.whitelist()) list.push_back({{"cidr", e.cidr.to_string()}, {"origin", e.origin}});
            return wire::response::success(id, list);
          } else if constexpr (std::is_same_v<T, wire::whitelist_add_request>) {
            const auto outcome = core_.whitelist_add(c.cidr, actor);
            if (!outcome.ok) return wire::response::failure(id, outcome.error);
            return wire::response::success(id, {{"cidr", c.cidr.to_string()}});
          } else if constexpr (std::is_same_v<T, wire::whitelist_del_request>) {
            const auto outcome = core_.whitelist_del(c.cidr, actor);
            if (!outcome.ok) return wire::response::failure(id, outcome.error);
            return wire::response::success(id, {{"cidr", c.cidr.to_string()}});
          } else if constexpr (std::is_same_v<T, wire::suspend_list_request>) {
            return wire::response::success(id, suspensions());
          } else if constexpr (std::is_same_v<T, wire::suspend_clear_request>) {
            return answer(id, core_.clear_suspension(c.endpoint, actor));
          } else if constexpr (std::is_same_v<T, wire::param_list_request>) {
            json list = json::array();
            for (const auto& p : policy::parameter_table()) list.push_back(parameter_json(core_.engine().parameters(), p.id));
            return wire::response::success(id, list);
          } else if constexpr (std::is_same_v<T, wire::param_get_request>) {
            const auto p = policy::find_parameter(c.name);
            if (!p) return wire::response::failure(id, "unknown parameter \"" + c.name + "\"");
            return wire::response::success(id, parameter_json(core_.engine().parameters(), *p));
          } else if constexpr (std::is_same_v<T, wire::param_set_request>) {
            const auto outcome = core_.set_parameter(c.name, c.value, actor);
            if (!outcome.ok) return wire::response::failure(id, outcome.error);
            if (server_ != nullptr) server_->push_to_switches(*switch_parameters_line());
            return wire::response::success(id,
                                           parameter_json(core_.engine().parameters(), *policy::find_parameter(c.name)));
          } else if constexpr (std::is_same_v<T, wire::audit_request>) {
            return wire::response::success(id, audit(c));
          } else if constexpr (std::is_same_v<T, wire::reload_request>) {
            const std::string error = hooks_.reload ? hooks_.reload() : "reload is not available";
            if (!error.empty()) return wire::response::failure(id, error);
            return wire::response::success(id, {{"reloaded", true}});
          } else {
            return wire::response::failure(
                id, std::string(wire::command_name(request.what)) + " is a command of the switch's socket, not the agent's");
          }
        },
        request.what);
  } catch (const std::exception& e) {
    return wire::response::failure(id, e.what());
  }
}

}  // namespace tollgate::agent
