// File descriptors needed by the configured TCP limits, and the finding when they are short.
#include "config/descriptors.hpp"

#include <algorithm>

namespace tollgate::config {

std::uint64_t switch_descriptors_needed(const config& c) {
  const auto tcp_listens = static_cast<std::uint64_t>(std::count_if(
      c.sip.listen.begin(), c.sip.listen.end(), [](const listen_address& l) { return l.transport == transport::tcp; }));
  return tcp_listens * static_cast<std::uint64_t>(c.sip.tcp_max_connections) + reserved_descriptors;
}

std::optional<finding> descriptor_finding(const config& c, std::uint64_t available, const std::string& where) {
  const auto needed = switch_descriptors_needed(c);
  if (available >= needed) return std::nullopt;
  return finding{"descriptors_short", severity::medium,
                 where + " descriptor limit is " + std::to_string(available) + ", but [switch] tcp_max_connections = " +
                     std::to_string(c.sip.tcp_max_connections) + " per TCP listen address needs " +
                     std::to_string(needed) +
                     ": at the limit accepts fail and new TCP clients time out while old ones hold their slots",
                 "raise LimitNOFILE= of tollgate-switch.service to at least " + std::to_string(needed) +
                     " (systemctl edit tollgate-switch), or lower [switch] tcp_max_connections"};
}

}  // namespace tollgate::config
