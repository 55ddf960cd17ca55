// One message of a live SIP trace as tollgatectl receives it, and its text for people.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "base/clock.hpp"
#include "config/address.hpp"
#include "wire/control_protocol.hpp"

namespace tollgate::ctl {

struct trace_record {
  base::timestamp time;
  bool inbound = true;  // received by the switch (remote → local)
  config::transport transport = config::transport::udp;
  config::socket_address local;   // the switch's side
  config::socket_address remote;  // the other side
  std::string message;
};

/// A trace line from the switch: a message, a count of dropped messages, or what is wrong.
struct dropped_notice {
  std::uint64_t count = 0;
};
std::variant<trace_record, dropped_notice, std::string> parse_trace_line(const wire::json& line);

/// "2026-11-26 16:40:01.123456 UTC udp in 198.51.100.7:5062 -> 127.0.0.1:5060 (412 bytes)",
/// then the message with CRLFs as newlines, then an empty line.
std::string trace_text(const trace_record& r);

}  // namespace tollgate::ctl
