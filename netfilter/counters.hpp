// The named counters of our table, one per drop reason, as read from the kernel.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tollgate::netfilter {

struct counter_value {
  std::string name;  // "drop_blocked", "drop_register_rate"
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

/// Writes a GETOBJ dump request for the counters of `table` into `nlh`.
void build_counter_dump_request(nlmsghdr* nlh, const std::string& table);
/// Appends the counter in one dump reply, when it belongs to `table`.
void parse_counter(const nlmsghdr* nlh, const std::string& table, std::vector<counter_value>& out);

}  // namespace tollgate::netfilter
