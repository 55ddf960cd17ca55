// `tollgatectl trace`: a live SIP trace from the switch, as text, JSON lines or a pcap file.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

struct trace_arguments {
  std::string ip;
  std::string endpoint;
  std::string call_id;
  std::string pcap;             // write packets here instead of text
  std::uint64_t count = 0;      // stop after this many messages (0: no limit)
  double duration_seconds = 0;  // stop after this long (0: no limit)
};

/// The request for the switch; a usage error names the bad option.
std::variant<wire::trace_request, std::string> make_trace_request(const trace_arguments& arguments);

/// Subscribes and prints (or writes) messages until the switch closes, --count or
/// --duration is reached. Dropped messages are reported on `err` as the switch tells them.
int run_trace(const ctl_options& options, const trace_arguments& arguments, std::ostream& out, std::ostream& err);

void add_trace_command(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
