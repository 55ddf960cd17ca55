// Active blocks: escalation for repeat offenders, expiry, release history.
#include "policy/block_table.hpp"

#include <algorithm>
#include <chrono>

namespace tollgate::policy {

std::pair<std::optional<base::timestamp>, std::uint32_t> block_table::escalate(const base::ip_prefix& prefix,
                                                                                const parameter_set& params,
                                                                                base::timestamp now) const {
  std::uint32_t repeat = 0;
  if (const auto it = history_.find(prefix); it != history_.end()) {
    const auto recidive = std::chrono::seconds{params.get(parameter::BLACKLIST_RECIDIVE_WINDOW)};
    if (now - it->second.at <= recidive) repeat = it->second.repeat + 1;
  }
  const std::int64_t base_seconds = params.get(parameter::BLACKLIST_DURATION);
  if (base_seconds == 0) return {std::nullopt, repeat};
  const std::int64_t cap = std::max(params.get(parameter::BLACKLIST_MAX_DURATION), base_seconds);
  const std::int64_t multiplier = params.get(parameter::BLACKLIST_DURATION_MULTIPLIER);
  std::int64_t seconds = base_seconds;
  for (std::uint32_t i = 0; i < repeat && seconds < cap; ++i) seconds *= multiplier;  // cap stops overflow
  seconds = std::min(seconds, cap);
  return {now + std::chrono::seconds{seconds}, repeat};
}

void block_table::add(const base::ip_prefix& prefix, const entry& e) {
  active_[prefix] = e;
  history_.erase(prefix);
  if (e.until) timers_.push(*e.until, prefix);
}

bool block_table::remove(const base::ip_prefix& prefix, base::timestamp now) {
  const auto it = active_.find(prefix);
  if (it == active_.end()) return false;
  history_[prefix] = released{now, it->second.repeat};
  active_.erase(it);
  return true;
}

void block_table::on_tick(base::timestamp now, std::vector<decision>& out) {
  timers_.pop_due(now, [&](const base::ip_prefix& prefix, base::timestamp due) {
    const auto it = active_.find(prefix);
    if (it == active_.end() || it->second.until != due) return;  // released or replaced since
    history_[prefix] = released{due, it->second.repeat};
    active_.erase(it);
    out.push_back(decision{due, release{prefix, "expired", "policy"}});
  });
}

void block_table::prune(const parameter_set& params, base::timestamp now) {
  const auto recidive = std::chrono::seconds{params.get(parameter::BLACKLIST_RECIDIVE_WINDOW)};
  absl::erase_if(history_, [&](const auto& h) { return now - h.second.at > recidive; });
  if (timers_.size() > 2 * active_.size() + 1024) {
    timers_.compact([&](const base::ip_prefix& prefix, base::timestamp due) {
      const auto it = active_.find(prefix);
      return it != active_.end() && it->second.until == due;
    });
  }
}

void block_table::restore_history(const base::ip_prefix& prefix, base::timestamp released_at, std::uint32_t repeat) {
  if (!active_.contains(prefix)) history_[prefix] = released{released_at, repeat};
}

const block_table::entry* block_table::find(const base::ip_prefix& prefix) const {
  const auto it = active_.find(prefix);
  return it == active_.end() ? nullptr : &it->second;
}

bool block_table::blocked(const base::ip_prefix& prefix, base::timestamp now) const {
  const entry* e = find(prefix);
  return e != nullptr && (!e->until || *e->until > now);
}

}  // namespace tollgate::policy
