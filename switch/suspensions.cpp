// The suspension table: the agent's suspend and unsuspend decisions, as the switch enforces them.
#include "switch/suspensions.hpp"

#include <variant>

namespace tollgate::switch_ {

bool suspension_table::apply(const policy::decision& d) {
  if (const auto* s = std::get_if<policy::suspend>(&d.what)) {
    suspend(s->endpoint, s->until);
    return true;
  }
  if (const auto* u = std::get_if<policy::unsuspend>(&d.what)) {
    unsuspend(u->endpoint);
    return true;
  }
  return false;
}

void suspension_table::suspend(const std::string& endpoint, base::timestamp until) { until_[endpoint] = until; }

bool suspension_table::unsuspend(std::string_view endpoint) {
  const auto it = until_.find(endpoint);
  if (it == until_.end()) return false;
  until_.erase(it);
  return true;
}

bool suspension_table::is_suspended(std::string_view endpoint, base::timestamp now) const {
  const auto it = until_.find(endpoint);
  return it != until_.end() && it->second > now;
}

std::size_t suspension_table::prune(base::timestamp now) {
  return std::erase_if(until_, [now](const auto& entry) { return entry.second <= now; });
}

}  // namespace tollgate::switch_
