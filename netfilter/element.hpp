// A set element as the agent sees it: a prefix and an optional timeout.
#pragma once

#include "base/clock.hpp"
#include "base/ip_address.hpp"

#include <optional>

namespace tollgate::netfilter {

/// An element to add: an address or prefix of either family (a plain set such as block_v4
/// keeps whole addresses only), with a timeout in milliseconds, or none for a permanent one.
struct element {
  base::ip_prefix prefix;
  std::optional<base::millis> timeout;
  friend bool operator==(const element&, const element&) = default;
};

/// An element read back from the kernel.
struct listed_element {
  base::ip_prefix prefix;
  std::optional<base::millis> timeout;    // as added; nullopt when permanent
  std::optional<base::millis> remaining;  // until it expires; nullopt when permanent
};

}  // namespace tollgate::netfilter
