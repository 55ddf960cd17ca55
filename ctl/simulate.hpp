// `tollgatectl simulate`: replays recorded reports through the policy on a manual clock.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "config/config.hpp"
#include "policy/engine.hpp"
#include "policy/parameters.hpp"

namespace tollgate::ctl {

struct simulate_options {
  policy::parameter_set parameters;
  std::vector<base::ip_prefix> whitelist;
  std::vector<base::ip_prefix> gateways;
  std::vector<std::string> scanner_user_agents = policy::default_scanner_user_agents();
  std::optional<base::timestamp> until;  // run the clock on to here after the last event
};

struct simulate_summary {
  std::size_t events = 0;
  std::size_t bad_lines = 0;
  std::size_t decisions = 0;
};

/// Reads report lines from `in`, writes one decision line each to `out` in time order
/// (timer decisions at their due time, as later events pass it), and one line per bad
/// input line to `err` ("line N: …"). Blank lines and lines starting with '#' are skipped.
/// An event earlier than the one before it is processed at the later time, with a warning.
simulate_summary simulate(const simulate_options& options, std::istream& in, std::ostream& out, std::ostream& err);

/// The options a config file implies: its parameters, whitelist, gateways and scanner list.
simulate_options options_from_config(const config::config& c);

/// Applies "NAME=VALUE" to a parameter set; the error names the parameter and its range.
std::optional<std::string> apply_assignment(policy::parameter_set& parameters, const std::string& assignment);

}  // namespace tollgate::ctl
