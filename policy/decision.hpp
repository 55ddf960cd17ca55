// Decisions: the values the policy returns; adapters carry them out (kernel, switch, audit).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/clock.hpp"
#include "base/ip_address.hpp"

namespace tollgate::policy {

/// Why a source was blocked (or would have been, had it not been protected).
enum class block_reason : std::uint8_t {
  register_failures,
  distinct_endpoints,
  illegal_calls,
  scanner_ua,
  malformed_sip,
  manual,
};
std::string_view to_string(block_reason reason);
std::optional<block_reason> parse_block_reason(std::string_view text);

/// What keeps a source from being blocked automatically.
enum class protection : std::uint8_t { whitelist, gateway, registered };
std::string_view to_string(protection kind);

/// The report that tipped a decision, for the audit log.
struct evidence {
  std::string endpoint;
  std::string call_id;
  std::string user_agent;
  std::uint32_t count = 0;  // events in the window when the threshold was crossed
};

struct suspend {
  std::string endpoint;
  base::timestamp until;
  std::uint32_t failures = 0;
  evidence why;
  std::string actor = "policy";  // "switch": the switch suspended it and told the agent
};

struct unsuspend {
  std::string endpoint;
  std::string reason;  // "expired", "manual"
  std::string actor = "policy";
};

struct block {
  base::ip_prefix address;
  std::optional<base::timestamp> until;  // nullopt: permanent
  block_reason reason = block_reason::manual;
  std::uint32_t repeat = 0;  // earlier blocks of this source within the recidive window
  std::string actor = "policy";
  std::string note;  // free text of a manual block
  evidence why;
};

/// A source over a threshold that was not blocked because it is protected.
struct protected_source {
  base::ip_prefix address;
  block_reason reason = block_reason::register_failures;
  protection kind = protection::whitelist;
  evidence why;
};

struct release {
  base::ip_prefix address;
  std::string reason;  // "expired", "manual", "whitelisted"
  std::string actor = "policy";
};

/// One decision and the instant it was taken (a timer's due time for timer decisions).
struct decision {
  base::timestamp time;
  std::variant<suspend, unsuspend, block, protected_source, release> what;
};

/// "suspend", "unsuspend", "block", "protected", "release".
std::string_view kind_name(const decision& d);

}  // namespace tollgate::policy
