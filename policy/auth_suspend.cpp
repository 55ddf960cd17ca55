// Authentication suspend: counting verified failures, suspending, and expiring suspensions.
#include "policy/auth_suspend.hpp"

#include <chrono>

namespace tollgate::policy {

namespace {
// Debian's Abseil keeps its own string_view type; lookups go through it.
absl::string_view key(std::string_view s) { return absl::string_view(s.data(), s.size()); }

/// Only a wrong answer to a nonce we issued is a failure (product.md §3). A stale nonce
/// is a phone that waited too long, and a REGISTER refused for an active suspension must
/// not prolong or re-trigger it.
bool counts_as_failure(const report& r) {
  return r.verified && r.reason != failure_reason::stale_nonce && r.reason != failure_reason::suspended;
}
}  // namespace

auth_suspend::auth_suspend(auth_suspend_limits limits) : limits_(limits) {}

auth_suspend::state* auth_suspend::find(std::string_view endpoint) {
  if (auto it = known_.find(key(endpoint)); it != known_.end()) return &it->second;
  if (auto it = unknown_index_.find(key(endpoint)); it != unknown_index_.end()) {
    unknown_.splice(unknown_.begin(), unknown_, it->second);  // mark most recently used
    return &it->second->s;
  }
  return nullptr;
}

const auth_suspend::state* auth_suspend::find(std::string_view endpoint) const {
  if (auto it = known_.find(key(endpoint)); it != known_.end()) return &it->second;
  if (auto it = unknown_index_.find(key(endpoint)); it != unknown_index_.end()) return &it->second->s;
  return nullptr;
}

auth_suspend::state& auth_suspend::find_or_add(std::string_view endpoint, bool known) {
  if (state* s = find(endpoint)) return *s;
  if (known && known_.size() < limits_.max_known_endpoints) {
    return known_.try_emplace(std::string(endpoint)).first->second;
  }
  if (unknown_index_.size() >= limits_.max_unknown_endpoints && !unknown_.empty()) {
    // Evict the least recently used name that is not suspended; suspended ones must keep
    // being enforced until they expire, so they are passed over (a bounded look, so that
    // a list full of suspensions cannot make every insertion walk all of it).
    constexpr int max_look = 64;
    auto victim = std::prev(unknown_.end());
    for (int looked = 0; looked < max_look; ++looked) {
      if (!victim->s.suspended_until) {
        unknown_index_.erase(key(victim->name));
        unknown_.erase(victim);
        break;
      }
      if (victim == unknown_.begin()) break;
      --victim;
    }
  }
  unknown_.push_front(unknown_entry{std::string(endpoint), {}});
  unknown_index_.emplace(key(unknown_.front().name), unknown_.begin());
  return unknown_.front().s;
}

void auth_suspend::forget_if_idle(std::string_view endpoint) {
  if (auto it = known_.find(key(endpoint)); it != known_.end()) {
    if (!it->second.suspended_until && it->second.failures == 0) known_.erase(it);
    return;
  }
  if (auto it = unknown_index_.find(key(endpoint)); it != unknown_index_.end()) {
    const auto entry = it->second;
    if (!entry->s.suspended_until && entry->s.failures == 0) {
      unknown_index_.erase(it);
      unknown_.erase(entry);
    }
  }
}

void auth_suspend::on_failure(const report& r, const parameter_set& params, base::timestamp now,
                              std::vector<decision>& out) {
  if (!params.enabled(parameter::SS_ENDPOINTREGISTERSUSPEND) || !counts_as_failure(r) || r.endpoint.empty()) return;
  state& s = find_or_add(r.endpoint, r.reason != failure_reason::unknown_user);
  if (s.suspended_until && *s.suspended_until > now) return;
  s.suspended_until.reset();
  s.failures += 1;
  const auto retry = static_cast<std::uint32_t>(params.get(parameter::SS_ENDPOINTREGISTERRETRY));
  if (s.failures < retry) return;

  const auto until = now + std::chrono::seconds{params.get(parameter::SS_ENDPOINTREGISTERSUSPENDTIME)};
  const std::uint32_t failures = s.failures;
  s.failures = 0;
  s.suspended_until = until;
  timers_.push(until, r.endpoint);
  out.push_back(decision{now, suspend{r.endpoint, until, failures, evidence{r.endpoint, r.call_id, r.user_agent, failures}}});
}

void auth_suspend::on_success(std::string_view endpoint) {
  state* s = find(endpoint);
  if (s == nullptr) return;
  s->failures = 0;
  forget_if_idle(endpoint);
}

void auth_suspend::on_tick(base::timestamp now, std::vector<decision>& out) {
  timers_.pop_due(now, [&](const std::string& endpoint, base::timestamp due) {
    state* s = find(endpoint);
    if (s == nullptr || s->suspended_until != due) return;  // cleared or re-suspended since
    s->suspended_until.reset();
    s->failures = 0;
    out.push_back(decision{due, unsuspend{endpoint, "expired"}});
    forget_if_idle(endpoint);
  });
}

bool auth_suspend::clear(std::string_view endpoint, const std::string& actor, base::timestamp now,
                         std::vector<decision>& out) {
  state* s = find(endpoint);
  if (s == nullptr || !s->suspended_until || *s->suspended_until <= now) {
    if (s != nullptr) {
      s->failures = 0;
      forget_if_idle(endpoint);
    }
    return false;
  }
  s->suspended_until.reset();
  s->failures = 0;
  out.push_back(decision{now, unsuspend{std::string(endpoint), "manual", actor}});
  forget_if_idle(endpoint);
  if (const auto [it, added] = cleared_.insert_or_assign(std::string(endpoint), clear_record{now, actor}); added) {
    cleared_order_.push_back(it->first);
    if (cleared_order_.size() > max_remembered_clears) {
      cleared_.erase(cleared_order_.front());
      cleared_order_.pop_front();
    }
  }
  return true;
}

void auth_suspend::adopt(const report& r, base::timestamp now, std::vector<decision>& out) {
  if (r.endpoint.empty() || r.until <= r.time) return;
  if (const auto it = cleared_.find(r.endpoint); it != cleared_.end() && it->second.time >= r.time) {
    if (r.until > now) out.push_back(decision{now, unsuspend{r.endpoint, "manual", it->second.actor}});
    return;
  }
  state& s = find_or_add(r.endpoint, r.reason != failure_reason::unknown_user);
  if (s.suspended_until && *s.suspended_until >= r.until) return;
  s.failures = 0;
  s.suspended_until = r.until;
  timers_.push(r.until, r.endpoint);
  suspend d{r.endpoint, r.until, r.failures, evidence{r.endpoint, r.call_id, r.user_agent, r.failures}};
  d.actor = "switch";
  out.push_back(decision{r.time, std::move(d)});
}

void auth_suspend::restore(std::string_view endpoint, base::timestamp until, bool known) {
  state& s = find_or_add(endpoint, known);
  s.failures = 0;
  s.suspended_until = until;
  timers_.push(until, std::string(endpoint));
}

bool auth_suspend::is_suspended(std::string_view endpoint, base::timestamp now) const {
  const state* s = find(endpoint);
  return s != nullptr && s->suspended_until && *s->suspended_until > now;
}

std::optional<base::timestamp> auth_suspend::suspended_until(std::string_view endpoint) const {
  const state* s = find(endpoint);
  if (s == nullptr) return std::nullopt;
  return s->suspended_until;
}

std::uint32_t auth_suspend::failures(std::string_view endpoint) const {
  const state* s = find(endpoint);
  return s == nullptr ? 0 : s->failures;
}

std::vector<auth_suspend::suspension> auth_suspend::suspensions() const {
  std::vector<suspension> result;
  for (const auto& [name, s] : known_) {
    if (s.suspended_until) result.push_back({name, *s.suspended_until});
  }
  for (const auto& entry : unknown_) {
    if (entry.s.suspended_until) result.push_back({entry.name, *entry.s.suspended_until});
  }
  return result;
}

}  // namespace tollgate::policy
