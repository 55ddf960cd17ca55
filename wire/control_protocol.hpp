// The agent socket's commands and answers (docs/agent-protocol.md), and the sorting of lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "policy/report.hpp"

namespace tollgate::wire {

/// JSON values of the control protocol keep the order their fields were written in.
using json = nlohmann::ordered_json;

struct status_request {};
struct blacklist_list_request {};
struct blacklist_add_request {
  base::ip_prefix address;
  std::optional<std::chrono::seconds> duration;  // nullopt: permanent
  std::string reason;
  bool force = false;  // block even when the address overlaps the whitelist
};
struct blacklist_del_request {
  base::ip_prefix address;
};
struct blacklist_flush_request {};
struct whitelist_list_request {};
struct whitelist_add_request {
  base::ip_prefix cidr;
};
struct whitelist_del_request {
  base::ip_prefix cidr;
};
struct suspend_list_request {};
struct suspend_clear_request {
  std::string endpoint;
};
struct param_list_request {};
struct param_get_request {
  std::string name;
};
struct param_set_request {
  std::string name;
  std::int64_t value = 0;
};
struct audit_request {
  std::optional<base::timestamp> since;
  std::optional<std::uint32_t> limit;
  bool follow = false;  // keep the connection and stream new rows after the answer
};
struct reload_request {};
/// The switch's online endpoints (switch socket only).
struct registrations_request {};
/// A live SIP trace from the switch (switch socket only): after the answer, one line per
/// matching message until the client closes. Empty filters match everything; set ones
/// must all match.
struct trace_request {
  std::optional<base::ip_address> ip;  // either side of the message
  std::string endpoint;                // From, To or Contact user, or the digest username
  std::string call_id;
};
/// Ends the trace on this connection (switch socket only). Its answer comes after every
/// trace line already queued, with the trace's exact totals: {"delivered", "dropped"}.
struct trace_stop_request {};

using command = std::variant<status_request, blacklist_list_request, blacklist_add_request, blacklist_del_request,
                             blacklist_flush_request, whitelist_list_request, whitelist_add_request,
                             whitelist_del_request, suspend_list_request, suspend_clear_request, param_list_request,
                             param_get_request, param_set_request, audit_request, reload_request,
                             registrations_request, trace_request, trace_stop_request>;

/// The protocol name of a command: "status", "blacklist_add", …
std::string_view command_name(const command& c);

/// One command line from an admin. `id` is any JSON value and is echoed in the answer.
struct request {
  json id;
  command what;
};

/// The one answer line to a request: {"id":…,"ok":true,"result":…} or {"id":…,"ok":false,"error":"…"}.
struct response {
  json id;
  bool ok = false;
  json result;        // when ok
  std::string error;  // when not ok: one line for people

  static response success(json id, json result);
  static response failure(json id, std::string error);
};

/// Why an incoming line was not accepted; each kind is counted separately by the agent.
enum class line_error : std::uint8_t {
  oversized,     // longer than max_line_bytes
  not_json,      // not a JSON value
  not_object,    // JSON, but not an object
  unknown_kind,  // neither "type" (a report) nor "command" (a command)
  bad_report,    // a report with a missing or bad field
  bad_command,   // a command with a missing or bad field, or an unknown command
};
inline constexpr std::size_t line_error_count = static_cast<std::size_t>(line_error::bad_command) + 1;
/// "oversized", "not_json", … (the counters' labels).
std::string_view to_string(line_error e);

/// A line that was refused. `id` is the command's id when one could be read (null otherwise),
/// so that a bad command is still answered with its own id.
struct line_rejection {
  line_error kind = line_error::not_json;
  std::string message;  // names the field: "missing field \"address\""
  json id;
};

/// The longest line either side may send, without its '\n'.
inline constexpr std::size_t max_line_bytes = 64 * 1024;

/// Sorts one line (without its '\n') into a report (it has "type"), a command (it has
/// "command"), or a rejection. A line with both is a command. Parses the JSON once.
std::variant<policy::report, request, line_rejection> parse_line(std::string_view line);

/// Parses a command line only; a report line is a rejection (unknown_kind).
std::variant<request, line_rejection> parse_request(std::string_view line);

/// The line a client sends for a request (no trailing newline).
std::string format_request(const request& r);
/// The line the agent sends for a response (no trailing newline).
std::string format_response(const response& r);
/// Parses an answer line on the client side; the error names what is wrong with it.
std::variant<response, std::string> parse_response(std::string_view line);

}  // namespace tollgate::wire
