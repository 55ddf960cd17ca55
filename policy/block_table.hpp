// Active blocks, their expiry, and the history that makes repeat offenders' blocks longer.
#pragma once

#include <optional>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "policy/decision.hpp"
#include "policy/due_queue.hpp"
#include "policy/parameters.hpp"

namespace tollgate::policy {

/// Invariants: every timed block has a due_queue entry at exactly its `until`; a prefix
/// is in at most one of active and released history as "current"; history holds only
/// releases younger than BLACKLIST_RECIDIVE_WINDOW after prune().
class block_table {
public:
  struct entry {
    std::optional<base::timestamp> until;  // nullopt: permanent
    block_reason reason = block_reason::manual;
    std::uint32_t repeat = 0;
  };

  /// The length of a new block of `prefix` under `params`: BLACKLIST_DURATION times
  /// MULTIPLIER^repeat, capped at BLACKLIST_MAX_DURATION (0 = permanent), where repeat counts
  /// blocks released within BLACKLIST_RECIDIVE_WINDOW. Returns (until, repeat).
  std::pair<std::optional<base::timestamp>, std::uint32_t> escalate(const base::ip_prefix& prefix,
                                                                     const parameter_set& params,
                                                                     base::timestamp now) const;
  /// Records a block (replacing any block of the same prefix).
  void add(const base::ip_prefix& prefix, const entry& e);
  /// Ends a block now; false when there was none.
  bool remove(const base::ip_prefix& prefix, base::timestamp now);
  /// Releases every block due at or before `now`.
  void on_tick(base::timestamp now, std::vector<decision>& out);
  /// Forgets releases older than the recidive window.
  void prune(const parameter_set& params, base::timestamp now);
  /// Restores a release from storage, so a restart does not forgive a repeat offender.
  void restore_history(const base::ip_prefix& prefix, base::timestamp released, std::uint32_t repeat);

  /// The block covering `address` (exact prefix match on the given source prefix).
  const entry* find(const base::ip_prefix& prefix) const;
  bool blocked(const base::ip_prefix& prefix, base::timestamp now) const;
  const absl::flat_hash_map<base::ip_prefix, entry, std::hash<base::ip_prefix>>& active() const { return active_; }
  std::optional<base::timestamp> next_due() const { return timers_.next_due(); }

private:
  struct released {
    base::timestamp at;
    std::uint32_t repeat = 0;
  };
  absl::flat_hash_map<base::ip_prefix, entry, std::hash<base::ip_prefix>> active_;
  absl::flat_hash_map<base::ip_prefix, released, std::hash<base::ip_prefix>> history_;
  due_queue<base::ip_prefix> timers_;
};

}  // namespace tollgate::policy
