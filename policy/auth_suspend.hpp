// Authentication suspend (VOS3000 SS_ENDPOINTREGISTERSUSPEND): per-endpoint failure counts
// and suspensions.
#pragma once

#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/strings/string_view.h>

#include "policy/decision.hpp"
#include "policy/due_queue.hpp"
#include "policy/parameters.hpp"
#include "policy/report.hpp"

namespace tollgate::policy {

struct auth_suspend_limits {
  std::size_t max_known_endpoints = 1'000'000;   // names the switch knows (from its config)
  std::size_t max_unknown_endpoints = 100'000;   // names it does not: an attacker's choice
};

/// Per endpoint: failures in a row and, while suspended, the end of the suspension.
///
/// Invariants: an endpoint is either counting (suspended_until empty) or suspended (count
/// 0); every suspended endpoint has a due_queue entry at exactly its suspended_until.
/// Unknown names live in a separate LRU of bounded size, so a scanner inventing names
/// evicts only other invented names, never the state of real endpoints.
class auth_suspend {
public:
  explicit auth_suspend(auth_suspend_limits limits = {});

  /// A verified failure (or any report) for an endpoint; appends a suspend when the count
  /// reaches SS_ENDPOINTREGISTERRETRY and suspension is on.
  void on_failure(const report& r, const parameter_set& params, base::timestamp now, std::vector<decision>& out);
  /// A successful registration resets the count.
  void on_success(std::string_view endpoint);
  /// Unsuspends every endpoint whose suspension ended at or before `now`.
  void on_tick(base::timestamp now, std::vector<decision>& out);
  /// `tollgatectl suspend clear`: ends a suspension (and the count) at once.
  bool clear(std::string_view endpoint, const std::string& actor, base::timestamp now, std::vector<decision>& out);
  /// Restores a persisted suspension at start, or one decided elsewhere that this side must
  /// enforce (no decision: it is already applied and audited).
  void restore(std::string_view endpoint, base::timestamp until, bool known);
  /// A suspension decided elsewhere (the switch counts failures too) and reported here:
  /// appends its suspend, stamped with the time it began, unless this side already holds it
  /// to at least `until`. One that a `clear` ended after it began (the switch was away and
  /// missed the clear) gets that unsuspend again, stamped `now`, so that the reporter drops
  /// it too. An adopted suspension that already ended expires on the next on_tick.
  void adopt(const report& r, base::timestamp now, std::vector<decision>& out);

  bool is_suspended(std::string_view endpoint, base::timestamp now) const;
  /// The end of an endpoint's suspension, ended or not; nullopt when it has none.
  std::optional<base::timestamp> suspended_until(std::string_view endpoint) const;
  std::uint32_t failures(std::string_view endpoint) const;

  struct suspension {
    std::string endpoint;
    base::timestamp until;
  };
  std::vector<suspension> suspensions() const;
  std::size_t tracked_known() const { return known_.size(); }
  std::size_t tracked_unknown() const { return unknown_index_.size(); }
  std::optional<base::timestamp> next_due() const { return timers_.next_due(); }

private:
  struct state {
    std::uint32_t failures = 0;
    std::optional<base::timestamp> suspended_until;
  };
  struct unknown_entry {
    std::string name;
    state s;
  };
  using lru_list = std::list<unknown_entry>;

  state* find(std::string_view endpoint);
  const state* find(std::string_view endpoint) const;
  state& find_or_add(std::string_view endpoint, bool known);
  void forget_if_idle(std::string_view endpoint);

  auth_suspend_limits limits_;
  absl::flat_hash_map<std::string, state> known_;
  lru_list unknown_;  // front: most recently used
  absl::flat_hash_map<absl::string_view, lru_list::iterator> unknown_index_;  // views into unknown_
  due_queue<std::string> timers_;
  // Recent manual clears, so that a suspension made before one and reported after it (by a
  // switch that was away) is not brought back. Bounded: the oldest are forgotten first.
  static constexpr std::size_t max_remembered_clears = 4096;
  struct clear_record {
    base::timestamp time;
    std::string actor;
  };
  absl::flat_hash_map<std::string, clear_record> cleared_;
  std::list<std::string> cleared_order_;
};

}  // namespace tollgate::policy
