// The source table: bounded, swept of stale evidence.
#include "policy/source_tracker.hpp"

namespace tollgate::policy {

source_evidence* source_tracker::track(const base::ip_prefix& source, base::timestamp now, base::millis window) {
  if (auto it = sources_.find(source); it != sources_.end()) return &it->second;
  if (sources_.size() >= max_sources_) {
    const auto window_index = static_cast<std::uint32_t>(now.time_since_epoch().count() / window.count());
    if (window_index != last_full_sweep_window_) {
      last_full_sweep_window_ = window_index;
      sweep(now, window);
    }
    if (sources_.size() >= max_sources_) {
      ++untracked_;
      return nullptr;
    }
  }
  return &sources_.try_emplace(source).first->second;
}

void source_tracker::sweep(base::timestamp now, base::millis window) {
  absl::erase_if(sources_, [&](const auto& entry) { return entry.second.stale(now, window); });
}

std::size_t source_tracker::memory_bytes() const {
  using slot = std::pair<const base::ip_prefix, source_evidence>;
  return sources_.capacity() * (sizeof(slot) + 1);  // one control byte per slot
}

}  // namespace tollgate::policy
