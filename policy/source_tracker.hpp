// The evidence of every source under watch, in a map whose size an attacker cannot grow
// without bound.
#pragma once

#include <cstddef>
#include <cstdint>

#include <absl/container/flat_hash_map.h>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "policy/source_evidence.hpp"

namespace tollgate::policy {

/// Invariant: size() <= max_sources. When full, stale entries (nothing left in the
/// window) are swept, at most once per window; if it is still full, a new source is not
/// tracked and `untracked` counts it. A source already tracked is always updated.
class source_tracker {
public:
  explicit source_tracker(std::size_t max_sources) : max_sources_(max_sources) {}

  /// The evidence of `source`, created if needed; null when the table is full.
  source_evidence* track(const base::ip_prefix& source, base::timestamp now, base::millis window);
  void forget(const base::ip_prefix& source) { sources_.erase(source); }
  /// Drops every entry with nothing left in the window.
  void sweep(base::timestamp now, base::millis window);

  std::size_t size() const { return sources_.size(); }
  std::uint64_t untracked() const { return untracked_; }
  /// Bytes the table holds, for the memory benchmark and `status`.
  std::size_t memory_bytes() const;

private:
  std::size_t max_sources_;
  absl::flat_hash_map<base::ip_prefix, source_evidence, std::hash<base::ip_prefix>> sources_;
  std::uint32_t last_full_sweep_window_ = UINT32_MAX;
  std::uint64_t untracked_ = 0;
};

}  // namespace tollgate::policy
