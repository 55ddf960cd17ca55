// Prometheus text exposition of the agent's metrics.
#include "agent/metrics_format.hpp"

#include <string_view>

namespace tollgate::agent {
namespace {

/// Label values escape backslash, double quote and newline (the exposition format's rule).
std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

/// Microseconds as seconds, exactly: 1 -> "0.000001", 1048576 -> "1.048576".
std::string seconds_of_micros(std::uint64_t us) {
  std::string fraction = std::to_string(us % 1'000'000);
  fraction.insert(0, 6 - fraction.size(), '0');
  while (fraction.size() > 1 && fraction.back() == '0') fraction.pop_back();
  return std::to_string(us / 1'000'000) + "." + fraction;
}

class writer {
public:
  void header(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(std::string_view name, std::string_view labels, std::string_view value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  void sample(std::string_view name, std::uint64_t value) { sample(name, "", std::to_string(value)); }
  void gauge(std::string_view name, std::string_view help, std::uint64_t value) {
    header(name, "gauge", help);
    sample(name, value);
  }
  void counter(std::string_view name, std::string_view help, std::uint64_t value) {
    header(name, "counter", help);
    sample(name, value);
  }
  void labelled(std::string_view name, std::string_view help, std::string_view label,
                const std::vector<labelled_count>& values) {
    header(name, "counter", help);
    for (const auto& v : values) {
      sample(name, std::string(label) + "=\"" + escape_label(v.label) + "\"", std::to_string(v.value));
    }
  }
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

}  // namespace

std::string format_metrics(const metrics_snapshot& m) {
  writer w;
  w.labelled("tollgate_reports_total", "Reports received from the switch and the inspector, by type.", "type",
             m.reports);
  w.labelled("tollgate_decisions_total", "Policy decisions, by kind.", "kind", m.decisions);
  w.gauge("tollgate_active_blocks", "Addresses and prefixes blocked now.", m.active_blocks);
  w.gauge("tollgate_active_suspensions", "Endpoints suspended now.", m.active_suspensions);
  w.gauge("tollgate_tracked_sources", "Sources with evidence in the blacklist window.", m.tracked_sources);
  w.gauge("tollgate_queued_reports", "Reports waiting for the policy.", m.queued_reports);

  w.gauge("tollgate_kernel_counters_readable", "1 when the nftables drop counters could be read, else 0.",
          m.kernel_counters_readable ? 1 : 0);
  w.header("tollgate_kernel_drops_packets_total", "counter", "Packets dropped by the nftables table, by reason.");
  for (const auto& d : m.kernel_drops) {
    w.sample("tollgate_kernel_drops_packets_total", "reason=\"" + escape_label(d.reason) + "\"",
             std::to_string(d.packets));
  }
  w.header("tollgate_kernel_drops_bytes_total", "counter", "Bytes dropped by the nftables table, by reason.");
  for (const auto& d : m.kernel_drops) {
    w.sample("tollgate_kernel_drops_bytes_total", "reason=\"" + escape_label(d.reason) + "\"", std::to_string(d.bytes));
  }

  constexpr std::string_view latency = "tollgate_report_to_kernel_latency_seconds";
  w.header(latency, "histogram", "Time from a report's arrival to the kernel's acknowledgement of its block.");
  const auto& h = m.report_to_kernel;
  std::uint64_t cumulative = 0;
  // The last bucket of latency_histogram has no upper bound: it is the +Inf bucket.
  for (std::size_t i = 0; i + 1 < latency_histogram::bucket_count; ++i) {
    cumulative += h.buckets()[i];
    w.sample(std::string(latency) + "_bucket", "le=\"" + seconds_of_micros(latency_histogram::bucket_bound(i)) + "\"",
             std::to_string(cumulative));
  }
  w.sample(std::string(latency) + "_bucket", "le=\"+Inf\"", std::to_string(h.count()));
  w.sample(std::string(latency) + "_sum", "", seconds_of_micros(static_cast<std::uint64_t>(h.sum().count())));
  w.sample(std::string(latency) + "_count", "", std::to_string(h.count()));

  w.counter("tollgate_dropped_reports_total", "Reports dropped because the queue was full (oldest first).",
            m.dropped_reports);
  w.counter("tollgate_kernel_failures_total", "Kernel (netlink) batches that failed.", m.kernel_failures);
  w.counter("tollgate_store_failures_total", "agent.db writes that failed and were retried.", m.store_failures);

  w.gauge("tollgate_socket_connections", "Connections open on the agent socket.", m.socket_connections);
  w.counter("tollgate_socket_accepted_total", "Connections accepted on the agent socket.", m.socket_accepted);
  w.counter("tollgate_socket_refused_total", "Peers refused on the agent socket (neither admin nor switch).",
            m.socket_refused);
  w.counter("tollgate_socket_reports_total", "Report lines read on the agent socket.", m.socket_reports);
  w.counter("tollgate_socket_commands_total", "Admin commands read on the agent socket.", m.socket_commands);
  w.counter("tollgate_socket_slow_readers_disconnected_total",
            "Peers disconnected because too much waited to be written to them.", m.socket_slow_readers_disconnected);
  w.labelled("tollgate_socket_bad_lines_total", "Lines refused on the agent socket, by kind.", "kind",
             m.socket_bad_lines);
  w.labelled("tollgate_inspector_packets_total", "Packets the NFQUEUE inspector judged, by verdict reason.", "reason",
             m.inspector_verdicts);
  w.counter("tollgate_inspector_overload_accepts_total",
            "Packets the inspector accepted unchecked because a batch ran over its time budget.",
            m.inspector_overload_accepts);
  return w.take();
}

}  // namespace tollgate::agent
