// Which messages a trace subscriber sees, and the line each message becomes on the socket.
#pragma once

#include <optional>
#include <string>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "switch/trace_tap.hpp"
#include "wire/control_protocol.hpp"

namespace tollgate::switch_ {

/// Empty fields match everything; the set ones must all match.
struct trace_filter {
  std::optional<base::ip_address> ip;  // the local or the remote address (IPv4-mapped = IPv4)
  std::string endpoint;                // From, To or Contact user, or a digest username
  std::string call_id;                 // Call-ID, exactly

  bool needs_parsing() const { return !endpoint.empty() || !call_id.empty(); }
};

trace_filter filter_of(const wire::trace_request& request);
/// The filter as JSON, for the answer to `trace` ({"ip":…,"endpoint":…,"call_id":…}, set fields only).
wire::json to_json(const trace_filter& f);

/// True when `m` passes `f`. A message that does not parse as SIP passes only filters that
/// need no parsing (ip alone, or none).
bool matches(const trace_filter& f, const trace_tap::message_view& m);

/// The line for one traced message:
/// {"time":…,"direction":"in","transport":"udp","local":"…:5060","remote":"…:40000","message":"…"}.
/// Bytes that are not UTF-8 become U+FFFD.
std::string trace_line(const trace_tap::message_view& m, base::timestamp time);
/// The line telling a subscriber that `count` messages were dropped since its last line:
/// {"time":…,"dropped":count}.
std::string dropped_line(std::uint64_t count, base::timestamp time);

}  // namespace tollgate::switch_
