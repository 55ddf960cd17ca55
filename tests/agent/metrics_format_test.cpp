#include "agent/metrics_format.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace tollgate::agent;
using namespace std::chrono_literals;

namespace {

std::string golden(const std::string& name) {
  std::ifstream in(std::string(TOLLGATE_SOURCE_DIR) + "/tests/agent/golden/" + name);
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

metrics_snapshot example() {
  metrics_snapshot m;
  m.reports = {{"register_failed", 3}, {"illegal_call", 1}};
  m.decisions = {{"block", 2}};
  m.active_blocks = 2;
  m.active_suspensions = 1;
  m.tracked_sources = 5;
  m.kernel_drops = {{"blocked", 7, 420}, {"register_rate", 0, 0}};
  m.report_to_kernel.record(100us);   // bucket < 128 us
  m.report_to_kernel.record(3000us);  // bucket < 4096 us
  m.dropped_reports = 4;
  m.store_failures = 1;
  m.socket_connections = 1;
  m.socket_accepted = 9;
  m.socket_refused = 2;
  m.socket_reports = 30;
  m.socket_commands = 5;
  m.socket_bad_lines = {{"not_json", 1}, {"odd \"kind\"\\\n", 0}};
  m.inspector_verdicts = {{"clean", 40}, {"scanner_user_agent", 3}, {"malformed_sip", 1}};
  m.inspector_overload_accepts = 2;
  return m;
}

}  // namespace

TEST_CASE("metrics: the exposition text of a snapshot, against the golden file", "[agent][metrics]") {
  CHECK(format_metrics(example()) == golden("metrics.txt"));
}

TEST_CASE("metrics: the latency histogram is cumulative and ends with +Inf, sum and count", "[agent][metrics]") {
  metrics_snapshot m;
  for (int i = 0; i < 5; ++i) m.report_to_kernel.record(1500us);
  m.report_to_kernel.record(std::chrono::hours{2});  // past every bound: only +Inf holds it
  const auto text = format_metrics(m);
  CHECK(text.find("tollgate_report_to_kernel_latency_seconds_bucket{le=\"0.001024\"} 0\n") != std::string::npos);
  CHECK(text.find("tollgate_report_to_kernel_latency_seconds_bucket{le=\"0.002048\"} 5\n") != std::string::npos);
  CHECK(text.find("tollgate_report_to_kernel_latency_seconds_bucket{le=\"1073.741824\"} 5\n") != std::string::npos);
  CHECK(text.find("tollgate_report_to_kernel_latency_seconds_bucket{le=\"+Inf\"} 6\n") != std::string::npos);
  CHECK(text.find("tollgate_report_to_kernel_latency_seconds_sum 7200.0075\n") != std::string::npos);
  CHECK(text.find("tollgate_report_to_kernel_latency_seconds_count 6\n") != std::string::npos);
}

TEST_CASE("metrics: unreadable kernel counters show as a zero gauge and no drop samples", "[agent][metrics]") {
  metrics_snapshot m;
  m.kernel_counters_readable = false;
  const auto text = format_metrics(m);
  CHECK(text.find("tollgate_kernel_counters_readable 0\n") != std::string::npos);
  CHECK(text.find("tollgate_kernel_drops_packets_total{") == std::string::npos);
  // Every line is a comment or "name[{labels}] value".
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK((line.rfind("# HELP tollgate_", 0) == 0 || line.rfind("# TYPE tollgate_", 0) == 0 ||
           line.rfind("tollgate_", 0) == 0));
  }
}
