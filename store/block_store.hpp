// The blocks table and its history: what the kernel's blacklist sets must hold, and
// every past block for recidivism.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "store/database.hpp"

namespace tollgate::store {

struct block_row {
  base::ip_prefix prefix;
  std::optional<base::timestamp> until;  // nullopt: permanent
  std::string reason;
  base::timestamp created;
  std::string actor;            // "policy" or the admin's user name
  std::string evidence = "{}";  // a JSON object

  friend bool operator==(const block_row&, const block_row&) = default;
};

struct block_history_row {
  base::ip_prefix prefix;
  base::timestamp blocked_at;
  std::chrono::seconds duration;  // 0: permanent

  friend bool operator==(const block_history_row&, const block_history_row&) = default;
};

/// Statements only: callers group several calls in one store::transaction when they must
/// land together (a block and its history row, a burst of decisions).
class block_store {
public:
  explicit block_store(database& db) : db_(db) {}

  /// Inserts or replaces the block of `row.prefix`.
  result<void> upsert(const block_row& row);
  /// True when a block was removed.
  result<bool> erase(const base::ip_prefix& prefix);
  result<std::optional<block_row>> find(const base::ip_prefix& prefix);
  /// Every block, in prefix text order. The agent's start-up path: see store_bench.
  result<std::vector<block_row>> load_all();
  /// Removes timed blocks whose `until` is at or before `now`; returns how many.
  result<std::int64_t> erase_expired(base::timestamp now);
  result<std::int64_t> count();

  result<void> record_history(const block_history_row& row);
  /// Past blocks of `prefix` at or after `since`, oldest first.
  result<std::vector<block_history_row>> history(const base::ip_prefix& prefix, base::timestamp since);
  /// Every past block at or after `since`, oldest first: how a restart remembers repeat
  /// offenders.
  result<std::vector<block_history_row>> history_since(base::timestamp since);
  /// Removes history older than `cutoff`; returns how many rows went.
  result<std::int64_t> prune_history(base::timestamp cutoff);

private:
  database& db_;
};

}  // namespace tollgate::store
