// The parameter registry: names, defaults and ranges as the VOS3000 manual has them.
#include "policy/parameters.hpp"

#include <algorithm>
#include <cctype>

namespace tollgate::policy {
namespace {

using p = parameter;
constexpr std::array<parameter_info, parameter_count> table{{
    {p::SERVER_BILLING_RECORD_ILLEGAL_CALL, "SERVER_BILLING_RECORD_ILLEGAL_CALL", 1, 0, 1, "bool",
     "write a CDR (billing mode illegal) for every INVITE from an unauthorized source"},
    {p::SS_ENDPOINTREGISTERSUSPEND, "SS_ENDPOINTREGISTERSUSPEND", 0, 0, 1, "bool", "authentication suspend on/off"},
    {p::SS_ENDPOINTREGISTERRETRY, "SS_ENDPOINTREGISTERRETRY", 6, 1, 100, "count",
     "consecutive failed registrations that suspend an endpoint"},
    {p::SS_ENDPOINTREGISTERSUSPENDTIME, "SS_ENDPOINTREGISTERSUSPENDTIME", 180, 60, 86400, "seconds",
     "suspension length"},
    {p::SS_AUTHCHALLENGEMODE, "SS_AUTHCHALLENGEMODE", 2, 1, 3, "mode",
     "1: 401 WWW-Authenticate; 2: 407 Proxy-Authenticate; 3: 401 for REGISTER, 407 for other methods"},
    {p::SS_REPLY_UNAUTHORIZED, "SS_REPLY_UNAUTHORIZED", 1, 0, 1, "bool",
     "answer an unauthorized source with 403 (1) or drop silently (0)"},
    {p::BLACKLIST_ENABLE, "BLACKLIST_ENABLE", 1, 0, 1, "bool", "dynamic IP blacklist on/off"},
    {p::BLACKLIST_WINDOW, "BLACKLIST_WINDOW", 60, 10, 86400, "seconds",
     "seconds over which evidence against a source is counted"},
    {p::BLACKLIST_REGISTER_FAILURES, "BLACKLIST_REGISTER_FAILURES", 10, 1, 10000, "count",
     "failed registrations from one source in the window that block it"},
    {p::BLACKLIST_DISTINCT_ENDPOINTS, "BLACKLIST_DISTINCT_ENDPOINTS", 5, 1, 10000, "count",
     "distinct endpoints failed from one source in the window (extension scanning)"},
    {p::BLACKLIST_ILLEGAL_CALLS, "BLACKLIST_ILLEGAL_CALLS", 3, 1, 10000, "count",
     "illegal calls from one source in the window"},
    {p::BLACKLIST_SCANNER_UA, "BLACKLIST_SCANNER_UA", 1, 0, 1, "bool",
     "block at once a source whose User-Agent matches the scanner list"},
    {p::BLACKLIST_DURATION, "BLACKLIST_DURATION", 3600, 0, 31536000, "seconds",
     "first block length; 0 = permanent"},
    {p::BLACKLIST_DURATION_MULTIPLIER, "BLACKLIST_DURATION_MULTIPLIER", 2, 1, 100, "factor",
     "each repeat block within BLACKLIST_RECIDIVE_WINDOW lasts this many times longer"},
    {p::BLACKLIST_RECIDIVE_WINDOW, "BLACKLIST_RECIDIVE_WINDOW", 86400, 0, 31536000, "seconds",
     "how long a past block counts as a repeat"},
    {p::BLACKLIST_MAX_DURATION, "BLACKLIST_MAX_DURATION", 604800, 60, 31536000, "seconds", "cap on escalated blocks"},
    {p::BLACKLIST_IPV6_PREFIX, "BLACKLIST_IPV6_PREFIX", 64, 48, 128, "bits", "an IPv6 source is blocked as this prefix"},
    {p::REGISTER_RATE_LIMIT, "REGISTER_RATE_LIMIT", 10, 0, 100000, "per minute",
     "REGISTER requests per source IP per minute allowed by the kernel; 0 = off"},
    {p::REGISTER_RATE_BURST, "REGISTER_RATE_BURST", 10, 1, 100000, "count", "burst for the REGISTER rate limit"},
    {p::INSPECT_ENABLE, "INSPECT_ENABLE", 1, 0, 1, "bool", "queue UDP SIP to the agent's inspector (fail-open)"},
}};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (static_cast<std::size_t>(table[i].id) != i) return false;
    if (table[i].default_value < table[i].min || table[i].default_value > table[i].max) return false;
  }
  return true;
}
static_assert(table_in_enum_order(), "parameter table must follow the enum and hold defaults in range");

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
  });
}

}  // namespace

const std::array<parameter_info, parameter_count>& parameter_table() { return table; }

const parameter_info& info(parameter id) { return table[static_cast<std::size_t>(id)]; }

std::optional<parameter> find_parameter(std::string_view name) {
  for (const auto& entry : table) {
    if (equal_ignoring_case(entry.name, name)) return entry.id;
  }
  return std::nullopt;
}

std::optional<std::string> check_range(parameter id, std::int64_t value) {
  const auto& entry = info(id);
  if (value >= entry.min && value <= entry.max) return std::nullopt;
  return std::string(entry.name) + " must be between " + std::to_string(entry.min) + " and " +
         std::to_string(entry.max) + " (got " + std::to_string(value) + ")";
}

std::string_view to_string(parameter_origin origin) {
  switch (origin) {
    case parameter_origin::default_value: return "default";
    case parameter_origin::config: return "config";
    case parameter_origin::runtime: return "runtime";
  }
  return "default";
}

parameter_set::parameter_set() {
  for (const auto& entry : table) values_[index(entry.id)] = entry.default_value;
  origins_.fill(parameter_origin::default_value);
}

std::optional<std::string> parameter_set::set(parameter id, std::int64_t value, parameter_origin origin) {
  if (auto error = check_range(id, value)) return error;
  values_[index(id)] = value;
  origins_[index(id)] = origin;
  return std::nullopt;
}

}  // namespace tollgate::policy
