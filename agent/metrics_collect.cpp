// Gathering the agent's metrics in one turn of the event loop.
#include "agent/metrics_collect.hpp"

#include <array>
#include <string_view>

namespace tollgate::agent {
namespace {

// In the order of core_counters::decisions.
constexpr std::array<std::string_view, 5> decision_kinds{"suspend", "unsuspend", "block", "protected", "release"};

}  // namespace

metrics_snapshot collect_metrics(const core& c, const socket_server& server, const pump_counters* inspector,
                                 const std::vector<netfilter::counter_value>* kernel_counters) {
  metrics_snapshot m;
  const auto& counters = c.counters();
  for (std::size_t i = 0; i < counters.reports.size(); ++i) {
    m.reports.push_back({std::string(policy::to_string(static_cast<policy::report_type>(i))), counters.reports[i]});
  }
  for (std::size_t i = 0; i < decision_kinds.size(); ++i) {
    m.decisions.push_back({std::string(decision_kinds[i]), counters.decisions[i]});
  }
  const auto& engine = c.engine();
  m.active_blocks = engine.blocks().active().size();
  m.active_suspensions = engine.suspensions().suspensions().size();
  m.tracked_sources = engine.sources().size();
  m.queued_reports = c.queued_reports();
  m.kernel_counters_readable = kernel_counters != nullptr;
  if (kernel_counters != nullptr) {
    for (const auto& k : *kernel_counters) {
      std::string_view reason = k.name;
      if (reason.starts_with("drop_")) reason.remove_prefix(5);
      m.kernel_drops.push_back({std::string(reason), k.packets, k.bytes});
    }
  }
  if (inspector != nullptr) {
    for (std::size_t i = 0; i < inspector->by_reason.size(); ++i) {
      m.inspector_verdicts.push_back({std::string(to_string(static_cast<inspect_reason>(i))), inspector->by_reason[i]});
    }
    m.inspector_overload_accepts = inspector->overload_accepts;
  }
  m.report_to_kernel = c.latency();
  m.dropped_reports = counters.dropped_reports;
  m.kernel_failures = counters.kernel_failures;
  m.store_failures = counters.store_failures;

  const auto& s = server.stats();
  m.socket_connections = server.connections();
  m.socket_accepted = s.accepted;
  m.socket_refused = s.refused;
  m.socket_reports = s.reports;
  m.socket_commands = s.commands;
  m.socket_slow_readers_disconnected = s.slow_readers_disconnected;
  for (std::size_t i = 0; i < s.bad_lines.size(); ++i) {
    m.socket_bad_lines.push_back({std::string(wire::to_string(static_cast<wire::line_error>(i))), s.bad_lines[i]});
  }
  return m;
}

}  // namespace tollgate::agent
