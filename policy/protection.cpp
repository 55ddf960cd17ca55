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

protection_set::change protection_set::on_registered(const base::ip_address& address, base::timestamp until,
                                                     base::timestamp now) {
  const base::ip_address key = address.unmapped();
  const auto it = registered_.find(key);
  const bool was_live = it != registered_.end() && it->second > now;
  if (until <= now) {
    if (it != registered_.end()) registered_.erase(it);
    return was_live ? change::removed : change::none;
  }
  if (it == registered_.end()) {
    registered_.emplace(key, until);
  } else {
    it->second = was_live ? std::max(it->second, until) : until;
  }
  return was_live ? change::none : change::added;
}

std::vector<base::ip_address> protection_set::expire(base::timestamp now) {
  std::vector<base::ip_address> gone;
  absl::erase_if(registered_, [&](const auto& entry) {
    if (entry.second > now) return false;
    gone.push_back(entry.first);
    return true;
  });
  return gone;
}

std::vector<base::ip_address> protection_set::registered(base::timestamp now) const {
  std::vector<base::ip_address> live;
  for (const auto& [address, until] : registered_) {
    if (until > now) live.push_back(address);
  }
  return live;
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
