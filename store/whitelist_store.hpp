// The whitelist table: networks never blocked automatically, added by config or by admins.
#pragma once

#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "store/database.hpp"

namespace tollgate::store {

struct whitelist_row {
  base::ip_prefix cidr;
  base::timestamp created;
  std::string actor;

  friend bool operator==(const whitelist_row&, const whitelist_row&) = default;
};

class whitelist_store {
public:
  explicit whitelist_store(database& db) : db_(db) {}
  /// Adds or replaces the entry for `row.cidr`.
  result<void> upsert(const whitelist_row& row);
  /// True when an entry was removed.
  result<bool> erase(const base::ip_prefix& cidr);
  /// Every entry, in CIDR text order.
  result<std::vector<whitelist_row>> list();

private:
  database& db_;
};

}  // namespace tollgate::store
