// The parameter registry: every tunable of product.md §2 in one table, and a validated set.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::policy {

/// Every run-time parameter, by its VOS3000 (or Tollgate) name.
enum class parameter : std::uint8_t {
  SERVER_BILLING_RECORD_ILLEGAL_CALL,
  SS_ENDPOINTREGISTERSUSPEND,
  SS_ENDPOINTREGISTERRETRY,
  SS_ENDPOINTREGISTERSUSPENDTIME,
  SS_AUTHCHALLENGEMODE,
  SS_REPLY_UNAUTHORIZED,
  BLACKLIST_ENABLE,
  BLACKLIST_WINDOW,
  BLACKLIST_REGISTER_FAILURES,
  BLACKLIST_DISTINCT_ENDPOINTS,
  BLACKLIST_ILLEGAL_CALLS,
  BLACKLIST_SCANNER_UA,
  BLACKLIST_DURATION,
  BLACKLIST_DURATION_MULTIPLIER,
  BLACKLIST_RECIDIVE_WINDOW,
  BLACKLIST_MAX_DURATION,
  BLACKLIST_IPV6_PREFIX,
  REGISTER_RATE_LIMIT,
  REGISTER_RATE_BURST,
  INSPECT_ENABLE,
};
inline constexpr std::size_t parameter_count = static_cast<std::size_t>(parameter::INSPECT_ENABLE) + 1;

struct parameter_info {
  parameter id;
  std::string_view name;
  std::int64_t default_value;
  std::int64_t min;
  std::int64_t max;
  std::string_view unit;  // "bool", "count", "seconds", "mode", "bits", "per minute", "factor"
  std::string_view doc;   // one line, for `param list`, `--help` and the docs
};

/// The table, in the order of product.md §2.
const std::array<parameter_info, parameter_count>& parameter_table();
const parameter_info& info(parameter p);
/// Looks a parameter up by name, case-insensitively.
std::optional<parameter> find_parameter(std::string_view name);
/// Null when `value` is in range; else "NAME must be between MIN and MAX (got VALUE)".
std::optional<std::string> check_range(parameter p, std::int64_t value);

/// Where a parameter's current value came from, as `tollgatectl param list` shows it.
enum class parameter_origin : std::uint8_t { default_value, config, runtime };
std::string_view to_string(parameter_origin origin);

/// A complete set of values, each always in range (the invariant every setter keeps).
class parameter_set {
public:
  parameter_set();
  std::int64_t get(parameter p) const { return values_[index(p)]; }
  bool enabled(parameter p) const { return get(p) != 0; }
  parameter_origin origin(parameter p) const { return origins_[index(p)]; }
  /// Sets a value after checking its range; on error returns the message and changes nothing.
  std::optional<std::string> set(parameter p, std::int64_t value, parameter_origin origin);

private:
  static std::size_t index(parameter p) { return static_cast<std::size_t>(p); }
  std::array<std::int64_t, parameter_count> values_{};
  std::array<parameter_origin, parameter_count> origins_{};
};

}  // namespace tollgate::policy
