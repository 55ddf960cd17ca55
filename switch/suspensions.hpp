// Authentication suspend as the switch enforces it: its own count of verified failures
// (policy::auth_suspend, the agent's code) and the agent's suspend and unsuspend decisions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "base/clock.hpp"
#include "policy/auth_suspend.hpp"
#include "policy/decision.hpp"
#include "policy/parameters.hpp"
#include "policy/report.hpp"
#include "store/suspension_store.hpp"

namespace tollgate::switch_ {

/// The switch suspends an endpoint itself at exactly SS_ENDPOINTREGISTERRETRY verified
/// failures, whether the agent is up, away, or not told (a switch it sends no decisions
/// to); the agent stays the durable, audited owner and its decisions win when they arrive.
///
/// Invariants: `counts_` holds every active suspension, local or the agent's; every entry
/// of `origin_` is an active suspension's start; `pending_` names each endpoint whose row
/// in switch.db differs from `counts_` (written by the server in one transaction).
class suspension_table {
public:
  explicit suspension_table(policy::auth_suspend_limits limits = {});

  /// A registrar report: a verified failure counts, a success resets. Appends the suspend
  /// this switch decided, stamped `now`.
  void on_report(const policy::report& r, const policy::parameter_set& params, base::timestamp now,
                 std::vector<policy::decision>& out);
  /// The agent's decision: a suspend holds until its end, an unsuspend ends a suspension
  /// and its count at once. Other decisions are ignored (false).
  bool apply(const policy::decision& d, base::timestamp now);
  /// A row of switch.db at start; an ended one is dropped.
  void restore(const store::suspension_row& row, base::timestamp now);
  /// Ends suspensions whose time is up (appended as `unsuspend` "expired").
  void on_tick(base::timestamp now, std::vector<policy::decision>& out);

  bool is_suspended(std::string_view endpoint, base::timestamp now) const;
  std::uint32_t failures(std::string_view endpoint) const { return counts_.failures(endpoint); }

  /// Every active suspension as the agent should hear of it: `endpoint_suspended` reports
  /// stamped with the time each began, sent again each time the agent link connects.
  std::vector<policy::report> active_reports(base::timestamp now) const;
  /// The report of one suspension this switch decided.
  policy::report report_of(const policy::decision& local) const;

  /// Rows to write (`until` set) or delete (nullopt) in switch.db since the last call.
  struct change {
    std::string endpoint;
    std::optional<store::suspension_row> row;
  };
  std::vector<change> take_changes(base::timestamp now);
  /// Changes whose write failed are taken again next time (as the table then is).
  void retake(const std::vector<change>& failed) {
    for (const auto& c : failed) mark(c.endpoint);
  }
  std::size_t pending_changes() const { return pending_.size(); }
  std::size_t size() const { return origin_.size(); }
  std::uint64_t local_suspensions() const { return local_; }

private:
  struct origin {
    base::timestamp since{};
    std::uint32_t failures = 0;
    bool known = true;
    policy::failure_reason reason = policy::failure_reason::wrong_password;
    std::string call_id;
    std::string user_agent;
  };
  void mark(const std::string& endpoint) { pending_.emplace(endpoint, true); }

  policy::auth_suspend counts_;
  absl::flat_hash_map<std::string, origin> origin_;
  absl::flat_hash_map<std::string, bool> pending_;
  std::uint64_t local_ = 0;
};

/// Writes changes to switch.db's suspensions in one transaction; nothing on failure.
store::result<void> write_changes(store::database& db, const std::vector<suspension_table::change>& changes);

}  // namespace tollgate::switch_
