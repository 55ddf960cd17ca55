// The kernel as the agent core needs it: blocks, whitelist, trusted sources, rate, queue.
// netfilter_kernel adapts netfilter::firewall to it; tests use a recording fake.
#pragma once

#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "base/clock.hpp"
#include "base/ip_address.hpp"

namespace tollgate::agent {

/// A failed kernel operation: the errno-style code and a message naming the object.
struct kernel_failure {
  std::error_code code;
  std::string message;
};
using kernel_status = std::optional<kernel_failure>;  // nullopt: done

struct kernel_block {
  base::ip_prefix prefix;
  std::optional<base::millis> timeout;  // nullopt: permanent
  friend bool operator==(const kernel_block&, const kernel_block&) = default;
};

class kernel_port {
public:
  virtual ~kernel_port() = default;
  /// Creates or adopts the table (idempotent, elements kept).
  virtual kernel_status ensure_table() = 0;
  /// Each call is one atomic transaction: all or nothing.
  virtual kernel_status add_blocks(const std::vector<kernel_block>& blocks) = 0;
  virtual kernel_status remove_blocks(const std::vector<base::ip_prefix>& prefixes) = 0;
  virtual std::optional<std::vector<kernel_block>> list_blocks(kernel_failure& failure) = 0;
  virtual kernel_status set_allow(const std::vector<base::ip_prefix>& prefixes) = 0;
  virtual kernel_status set_trusted(const std::vector<base::ip_prefix>& prefixes) = 0;
  virtual kernel_status add_trusted(const std::vector<base::ip_prefix>& prefixes) = 0;
  virtual kernel_status remove_trusted(const std::vector<base::ip_prefix>& prefixes) = 0;
  virtual kernel_status set_rate(std::uint32_t per_minute, std::uint32_t burst) = 0;
  virtual kernel_status set_inspect(bool inspect) = 0;
};

}  // namespace tollgate::agent
