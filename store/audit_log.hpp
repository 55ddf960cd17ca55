// The audit log: one append-only row per decision and per change (product.md section 7).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "store/database.hpp"

namespace tollgate::store {

struct audit_entry {
  std::int64_t id = 0;  // assigned by append(); increasing, never reused
  base::timestamp time;
  std::string actor;    // "policy" or the admin's user name
  std::string action;   // "block", "suspend", "param_set", ...
  std::string subject;  // the address, endpoint or parameter acted on
  std::string reason;
  std::string evidence = "{}";  // a JSON object: endpoint, Call-ID, User-Agent, counts

  friend bool operator==(const audit_entry&, const audit_entry&) = default;
};

/// Rows are never updated (agent.db refuses it with a trigger); only prune_older_than
/// removes them.
class audit_log {
public:
  static constexpr std::size_t no_limit = std::numeric_limits<std::size_t>::max();

  explicit audit_log(database& db) : db_(db) {}
  /// Appends `entry` (its id is ignored) and returns the new row's id.
  result<std::int64_t> append(const audit_entry& entry);
  /// Entries with time at or after `since`, oldest first.
  result<std::vector<audit_entry>> since(base::timestamp since, std::size_t limit = no_limit);
  /// Entries with id above `id`, oldest first: how `audit --follow` resumes.
  result<std::vector<audit_entry>> after(std::int64_t id, std::size_t limit = no_limit);
  /// Removes entries older than `cutoff`; returns how many.
  result<std::int64_t> prune_older_than(base::timestamp cutoff);

private:
  result<std::vector<audit_entry>> select(std::string_view sql, std::int64_t key, std::size_t limit);
  database& db_;
};

}  // namespace tollgate::store
