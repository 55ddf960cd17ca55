// The agent's metrics as values, and their Prometheus text exposition (format 0.0.4).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/latency_histogram.hpp"

namespace tollgate::agent {

/// One sample of a labelled counter: `label` is the value of the metric's one label.
struct labelled_count {
  std::string label;
  std::uint64_t value = 0;
};

/// One named counter of our nftables table, by drop reason ("blocked", "register_rate").
struct kernel_drop_count {
  std::string reason;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

/// Everything /metrics shows, read from the core, the kernel and the socket server in one
/// turn of the event loop. Counters only grow while the agent runs.
struct metrics_snapshot {
  std::vector<labelled_count> reports;    // by report type
  std::vector<labelled_count> decisions;  // by decision kind
  std::uint64_t active_blocks = 0;
  std::uint64_t active_suspensions = 0;
  std::uint64_t tracked_sources = 0;
  std::uint64_t queued_reports = 0;
  bool kernel_counters_readable = true;  // false: the table or its counters could not be listed
  std::vector<kernel_drop_count> kernel_drops;
  latency_histogram report_to_kernel;
  std::uint64_t dropped_reports = 0;
  std::uint64_t kernel_failures = 0;
  std::uint64_t store_failures = 0;
  // The agent socket (socket_server's counters).
  std::uint64_t socket_connections = 0;
  std::uint64_t socket_accepted = 0;
  std::uint64_t socket_refused = 0;
  std::uint64_t socket_reports = 0;
  std::uint64_t socket_commands = 0;
  std::uint64_t socket_slow_readers_disconnected = 0;
  std::vector<labelled_count> socket_bad_lines;  // by kind
  // The NFQUEUE inspector (queue_pump's counters); empty when it is not running.
  std::vector<labelled_count> inspector_verdicts;  // by inspect_reason
  std::uint64_t inspector_overload_accepts = 0;
};

/// The exposition text: one `# HELP` and `# TYPE` per metric, samples in a fixed order,
/// label values escaped, the latency as a histogram in seconds whose buckets are the
/// power-of-two microsecond buckets of latency_histogram (cumulative, then +Inf).
std::string format_metrics(const metrics_snapshot& m);

/// The Content-Type of that text.
inline constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace tollgate::agent
