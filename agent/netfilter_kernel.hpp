// The kernel port over netlink: netfilter::firewall behind the interface the core uses.
#pragma once

#include "agent/kernel_port.hpp"
#include "netfilter/firewall.hpp"

namespace tollgate::agent {

class netfilter_kernel final : public kernel_port {
public:
  explicit netfilter_kernel(netfilter::firewall& firewall) : firewall_(firewall) {}

  kernel_status ensure_table() override;
  kernel_status add_blocks(const std::vector<kernel_block>& blocks) override;
  /// Elements that are already gone (expired between our decision and the call) are not
  /// an error: the goal, their absence, holds.
  kernel_status remove_blocks(const std::vector<base::ip_prefix>& prefixes) override;
  std::optional<std::vector<kernel_block>> list_blocks(kernel_failure& failure) override;
  kernel_status set_allow(const std::vector<base::ip_prefix>& prefixes) override;
  kernel_status set_trusted(const std::vector<base::ip_prefix>& prefixes) override;
  kernel_status add_trusted(const std::vector<base::ip_prefix>& prefixes) override;
  kernel_status remove_trusted(const std::vector<base::ip_prefix>& prefixes) override;
  kernel_status set_rate(std::uint32_t per_minute, std::uint32_t burst) override;
  kernel_status set_inspect(bool inspect) override;

private:
  netfilter::firewall& firewall_;
};

}  // namespace tollgate::agent
