// Protected sources: the whitelist, gateway addresses and live registrations, which the
// policy never blocks automatically.
#pragma once

#include <optional>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "policy/decision.hpp"

namespace tollgate::policy {

class protection_set {
public:
  void set_whitelist(std::vector<base::ip_prefix> cidrs) { whitelist_ = std::move(cidrs); }
  void set_gateways(std::vector<base::ip_prefix> cidrs) { gateways_ = std::move(cidrs); }
  const std::vector<base::ip_prefix>& whitelist() const { return whitelist_; }

  /// A successful registration protects its source address until `until`; a later one
  /// (a refresh) extends it, `Expires: 0` (until <= now) ends it. Returns whether the
  /// address went from unprotected to protected or back (the kernel's trusted set follows).
  enum class change { none, added, removed };
  change on_registered(const base::ip_address& address, base::timestamp until, base::timestamp now);
  /// Drops registrations that have expired and returns their addresses.
  std::vector<base::ip_address> expire(base::timestamp now);
  std::vector<base::ip_address> registered(base::timestamp now) const;

  /// Why `candidate` (a block about to be made) must not be blocked, if it must not: it
  /// overlaps a whitelisted or gateway CIDR, or contains a source with a live registration.
  std::optional<protection> protects(const base::ip_prefix& candidate, base::timestamp now) const;
  bool whitelisted(const base::ip_prefix& candidate) const;

  std::size_t registered_count() const { return registered_.size(); }

private:
  std::vector<base::ip_prefix> whitelist_;
  std::vector<base::ip_prefix> gateways_;
  absl::flat_hash_map<base::ip_address, base::timestamp, std::hash<base::ip_address>> registered_;
};

}  // namespace tollgate::policy
