// The kernel port over netlink: type conversions and the tolerated errors.
#include "agent/netfilter_kernel.hpp"

namespace tollgate::agent {
namespace {

kernel_status status_of(const netfilter::error& err) {
  if (!err) return std::nullopt;
  return kernel_failure{err.code, err.message()};
}

}  // namespace

kernel_status netfilter_kernel::ensure_table() { return status_of(firewall_.ensure_table()); }

kernel_status netfilter_kernel::add_blocks(const std::vector<kernel_block>& blocks) {
  std::vector<netfilter::element> elements;
  elements.reserve(blocks.size());
  for (const auto& b : blocks) elements.push_back({b.prefix, b.timeout});
  return status_of(firewall_.add_blocks(elements));
}

kernel_status netfilter_kernel::remove_blocks(const std::vector<base::ip_prefix>& prefixes) {
  const auto err = firewall_.remove_blocks(prefixes);
  if (err.code != netfilter::errc::object_not_found) return status_of(err);
  // One of them is gone already and the batch was refused whole: remove one by one.
  for (const auto& prefix : prefixes) {
    const auto one = firewall_.remove_blocks({prefix});
    if (one && one.code != netfilter::errc::object_not_found) return status_of(one);
  }
  return std::nullopt;
}

std::optional<std::vector<kernel_block>> netfilter_kernel::list_blocks(kernel_failure& failure) {
  auto listed = firewall_.list_blocks();
  if (!listed) {
    failure = *status_of(listed.error);
    return std::nullopt;
  }
  std::vector<kernel_block> blocks;
  blocks.reserve(listed.value.size());
  for (const auto& e : listed.value) blocks.push_back({e.prefix, e.remaining});
  return blocks;
}

kernel_status netfilter_kernel::set_allow(const std::vector<base::ip_prefix>& prefixes) {
  return status_of(firewall_.set_allow(prefixes));
}

kernel_status netfilter_kernel::set_trusted(const std::vector<base::ip_prefix>& prefixes) {
  return status_of(firewall_.set_trusted(prefixes));
}

kernel_status netfilter_kernel::add_trusted(const std::vector<base::ip_prefix>& prefixes) {
  return status_of(firewall_.add_trusted(prefixes));
}

kernel_status netfilter_kernel::remove_trusted(const std::vector<base::ip_prefix>& prefixes) {
  const auto err = firewall_.remove_trusted(prefixes);
  if (err.code != netfilter::errc::object_not_found) return status_of(err);
  for (const auto& prefix : prefixes) {
    const auto one = firewall_.remove_trusted({prefix});
    if (one && one.code != netfilter::errc::object_not_found) return status_of(one);
  }
  return std::nullopt;
}

kernel_status netfilter_kernel::set_rate(std::uint32_t per_minute, std::uint32_t burst) {
  return status_of(firewall_.set_rate({per_minute, burst}));
}

kernel_status netfilter_kernel::set_inspect(bool inspect) { return status_of(firewall_.set_inspect(inspect)); }

}  // namespace tollgate::agent
