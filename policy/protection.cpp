// Protected sources: overlap tests against CIDR lists and live registrations.
#include "policy/protection.hpp"

#include <algorithm>

namespace tollgate::policy {
namespace {
bool overlaps_any(const std::vector<base::ip_prefix>& list, const base::ip_prefix& candidate) {
  return std::any_of(list.begin(), list.end(), [&](const base::ip_prefix& p) {
    return p.contains(candidate) || candidate.contains(p);
  });
}
}  // namespace

void protection_set::on_registered(const base::ip_address& address, base::timestamp until, base::timestamp now) {
  const base::ip_address key = address.unmapped();
  if (until <= now) {
    registered_.erase(key);
    return;
  }
  auto [it, inserted] = registered_.try_emplace(key, until);
  if (!inserted) it->second = std::max(it->second, until);
}

void protection_set::expire(base::timestamp now) {
  absl::erase_if(registered_, [&](const auto& entry) { return entry.second <= now; });
}

bool protection_set::whitelisted(const base::ip_prefix& candidate) const {
  return overlaps_any(whitelist_, candidate);
}

std::optional<protection> protection_set::protects(const base::ip_prefix& candidate, base::timestamp now) const {
  if (overlaps_any(whitelist_, candidate)) return protection::whitelist;
  if (overlaps_any(gateways_, candidate)) return protection::gateway;
  if (candidate.length() == candidate.address().bit_length()) {
    const auto it = registered_.find(candidate.address());
    if (it != registered_.end() && it->second > now) return protection::registered;
    return std::nullopt;
  }
  // A prefix block (IPv6 /64 by default) must not take a registered phone down with it.
  for (const auto& [address, until] : registered_) {
    if (until > now && candidate.contains(address)) return protection::registered;
  }
  return std::nullopt;
}

}  // namespace tollgate::policy
