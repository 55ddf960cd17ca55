// The JSON lines of product.md §5: reports in, decisions out.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <string_view>
#include <variant>

#include <nlohmann/json_fwd.hpp>

#include "policy/decision.hpp"
#include "policy/parameters.hpp"
#include "policy/report.hpp"

namespace tollgate::wire {

/// Why a line is not a report: names the field ("missing field \"ip\"", "field \"time\" must
/// be a number", "not JSON: …").
struct codec_error {
  std::string message;
};

/// Parses one report line. Unknown fields are ignored; a missing required field is an error
/// naming it. Required: time, type, ip; endpoint for register_failed, register_ok and
/// call_auth_failed; verified for register_failed (whose reason defaults to wrong_password);
/// expires for register_ok; until for endpoint_suspended.
std::variant<policy::report, codec_error> parse_report(std::string_view line);
/// The same, for a line already parsed as JSON (the agent socket classifies lines first).
std::variant<policy::report, codec_error> parse_report(const nlohmann::json& object);

/// One report as a JSON line (no trailing newline), the inverse of parse_report.
std::string format_report(const policy::report& r);

/// One decision as a JSON line (no trailing newline), in the documented field order:
/// {"time":…,"decision":"block","address":"203.0.113.9/32","until":…,"reason":"illegal_calls"}
std::string format_decision(const policy::decision& d);
/// The same decision as a JSON object, for embedding in a command's result.
nlohmann::ordered_json decision_to_json(const policy::decision& d);

/// Parses one decision line as the agent sends it to the switch (docs/agent-protocol.md):
/// `suspend` (time, endpoint, until) and `unsuspend` (time, endpoint; reason and actor
/// optional). Other kinds never go to the switch and are an error naming the kind.
std::variant<policy::decision, codec_error> parse_decision(std::string_view line);

/// The parameters set at run time (`tollgatectl param set`), as the agent sends them to
/// the switch on connect and after each change, so that the switch's own suspend counting
/// uses what the agent uses: {"time":…,"parameters":{"SS_ENDPOINTREGISTERRETRY":3}}.
/// Only runtime values go; the rest come from the config file both daemons read.
std::string format_runtime_parameters(base::timestamp time, const policy::parameter_set& params);
/// A parameters line: each name and value checked (unknown names, values out of range and
/// non-integers are errors naming them). A line that is not one gives nullopt.
using parameter_values = std::vector<std::pair<policy::parameter, std::int64_t>>;
std::optional<std::variant<parameter_values, codec_error>> parse_runtime_parameters(std::string_view line);

}  // namespace tollgate::wire
