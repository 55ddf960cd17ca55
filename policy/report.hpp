// Reports: what the switch and the inspector tell the policy about one SIP event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "base/ip_address.hpp"

namespace tollgate::policy {

enum class report_type : std::uint8_t {
  register_failed,   // a REGISTER was refused (see failure_reason)
  register_ok,       // a REGISTER authenticated and bound
  illegal_call,      // an INVITE from a source no gateway or endpoint authorizes
  call_auth_failed,  // an INVITE whose digest credentials were wrong
  scanner_seen,      // a scanner fingerprint (User-Agent) seen by the switch or the inspector
  malformed_sip,     // the inspector dropped a message it could not parse
  endpoint_suspended,  // the switch suspended an endpoint itself (it counts failures too)
};
inline constexpr std::size_t report_type_count = 7;

/// Why a registration failed, as operators read it in the audit log.
enum class failure_reason : std::uint8_t {
  wrong_password,
  unknown_user,
  realm_mismatch,
  stale_nonce,
  malformed_credentials,
  suspended,
  not_allowed_from_address,
};

std::string_view to_string(report_type type);
std::optional<report_type> parse_report_type(std::string_view text);
std::string_view to_string(failure_reason reason);
std::optional<failure_reason> parse_failure_reason(std::string_view text);

/// One event. Fields a report type does not use stay empty.
struct report {
  report_type type = report_type::register_failed;
  base::timestamp time{};
  base::ip_address ip;
  std::uint16_t port = 0;
  std::string transport;   // "udp", "tcp"
  std::string endpoint;    // digest username (or To user); the callee for calls when no user
  bool verified = false;   // the credentials answered a nonce we issued
  failure_reason reason = failure_reason::wrong_password;
  std::string user_agent;
  std::string call_id;
  std::string caller;
  std::string callee;
  std::int64_t expires = 0;  // register_ok: binding lifetime in seconds
  // endpoint_suspended: `time` is when the switch suspended it, `until` its end,
  // `failures` the verified failures in a row that did it and `reason` that of the last
  // one (unknown_user for a name the switch does not know).
  base::timestamp until{};
  std::uint32_t failures = 0;
};

}  // namespace tollgate::policy
