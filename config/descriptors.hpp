// File descriptors: how many the switch needs for its configured TCP limits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "config/hardening.hpp"

namespace tollgate::config {

/// Descriptors kept aside for everything but TCP connections: UDP and listening sockets,
/// switch.db and its WAL, the agent link, control-socket sessions, the log.
inline constexpr std::uint64_t reserved_descriptors = 256;

/// What the switch may hold open at once with `c`:
///   (number of tcp: listen addresses) × tcp_max_connections + reserved_descriptors.
/// LimitNOFILE= in tollgate-switch.service must be at least this.
std::uint64_t switch_descriptors_needed(const config& c);

/// The `descriptors_short` finding (medium) when `available` descriptors are fewer than
/// the switch needs; `where` says whose limit it is ("the running switch's", ...).
std::optional<finding> descriptor_finding(const config& c, std::uint64_t available, const std::string& where);

}  // namespace tollgate::config
