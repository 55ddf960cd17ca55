// Gathering the agent's metrics from the core, the kernel's counters and the socket server.
#pragma once

#include <vector>

#include "agent/core.hpp"
#include "agent/queue_pump.hpp"
#include "agent/metrics_format.hpp"
#include "agent/socket_server.hpp"
#include "netfilter/counters.hpp"

namespace tollgate::agent {

/// A snapshot of the running agent. `kernel_counters` is null when the table's counters
/// could not be listed (the table is gone, or netlink failed). Counter names lose their
/// "drop_" prefix to become the reason label ("drop_blocked" -> "blocked").
metrics_snapshot collect_metrics(const core& c, const socket_server& server, const pump_counters* inspector,
                                 const std::vector<netfilter::counter_value>* kernel_counters);

}  // namespace tollgate::agent
