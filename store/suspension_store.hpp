// The suspensions table (agent.db and switch.db): endpoints under authentication suspend,
// kept across restarts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "store/database.hpp"

namespace tollgate::store {

struct suspension_row {
  std::string endpoint;
  base::timestamp until;
  std::int64_t failures = 0;  // the failures in a row that caused it
  base::timestamp since{};    // when it began (0: not recorded)
  bool known = true;          // a configured endpoint, not a name a scanner tried

  friend bool operator==(const suspension_row&, const suspension_row&) = default;
};

class suspension_store {
public:
  explicit suspension_store(database& db) : db_(db) {}
  result<void> upsert(const suspension_row& row);
  result<bool> erase(const std::string& endpoint);
  /// Every suspension, by endpoint.
  result<std::vector<suspension_row>> list();
  /// Removes suspensions whose `until` is at or before `now`; returns how many.
  result<std::int64_t> erase_expired(base::timestamp now);

private:
  database& db_;
};

}  // namespace tollgate::store
