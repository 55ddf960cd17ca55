// `tollgatectl simulate`: the replay loop around the policy engine.
#include "ctl/simulate.hpp"

#include <algorithm>
#include <charconv>
#include <istream>
#include <ostream>

#include "wire/report_codec.hpp"

namespace tollgate::ctl {
namespace {

void flush(std::vector<policy::decision>& pending, std::ostream& out, simulate_summary& summary) {
  // Suspend and block timers fire from separate queues; one stable sort keeps time order.
  std::stable_sort(pending.begin(), pending.end(),
                   [](const policy::decision& a, const policy::decision& b) { return a.time < b.time; });
  for (const auto& d : pending) out << wire::format_decision(d) << '\n';
  summary.decisions += pending.size();
  pending.clear();
}

}  // namespace

simulate_summary simulate(const simulate_options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  policy::engine_options engine_options;
  engine_options.scanner_user_agents = options.scanner_user_agents;
  policy::engine engine(options.parameters, engine_options);
  engine.protections().set_whitelist(options.whitelist);
  engine.protections().set_gateways(options.gateways);

  simulate_summary summary;
  std::vector<policy::decision> pending;
  std::optional<base::timestamp> clock;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;

    auto parsed = wire::parse_report(line);
    if (auto* error = std::get_if<wire::codec_error>(&parsed)) {
      err << "line " << number << ": " << error->message << '\n';
      ++summary.bad_lines;
      continue;
    }
    const auto& report = std::get<policy::report>(parsed);
    base::timestamp now = report.time;
    if (clock && now < *clock) {
      err << "line " << number << ": time " << base::format_unix_seconds(now) << " is before the previous event; "
          << "processed at " << base::format_unix_seconds(*clock) << '\n';
      now = *clock;
    }
    clock = now;
    engine.on_tick(now, pending);
    engine.on_report(report, now, pending);
    ++summary.events;
    flush(pending, out, summary);
  }
  if (options.until && (!clock || *options.until > *clock)) {
    engine.on_tick(*options.until, pending);
    flush(pending, out, summary);
  }
  return summary;
}

simulate_options options_from_config(const config::config& c) {
  simulate_options options;
  options.parameters = c.parameters;
  options.whitelist = c.whitelist;
  options.gateways = c.gateway_networks();
  options.scanner_user_agents = c.scanner_user_agents;
  return options;
}

std::optional<std::string> apply_assignment(policy::parameter_set& parameters, const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos) return "expected NAME=VALUE, got \"" + assignment + "\"";
  const std::string name = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  const auto id = policy::find_parameter(name);
  if (!id) return "unknown parameter \"" + name + "\"";
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return std::string(policy::info(*id).name) + " must be an integer (got \"" + text + "\")";
  }
  return parameters.set(*id, value, policy::parameter_origin::runtime);
}

}  // namespace tollgate::ctl
