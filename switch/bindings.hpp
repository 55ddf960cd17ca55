// The location service (RFC 3261 §10): each endpoint's contacts with their expiry, in memory,
// with every change queued for switch.db.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "store/binding_store.hpp"

namespace tollgate::switch_ {

/// One change for switch.db: an upsert of `row`, or the erasure of (endpoint, contact).
struct binding_change {
  bool erase = false;
  store::binding_row row;
};

/// Invariants: every endpoint present has at least one binding; contacts are unique per
/// endpoint; every mutation appends exactly one binding_change per affected row to the
/// pending list, so switch.db follows the table once the list is written; `by_source_`
/// counts every live binding under its source address exactly once; every endpoint
/// has an entry in `due_` at or before its earliest expiry (entries may be stale: a
/// refresh or an erase leaves the old one, which expire() skips), so expire() visits only
/// endpoints with something due instead of every binding.
class binding_table {
public:
  /// Loads persisted rows (at start), skipping those already expired.
  void restore(std::vector<store::binding_row> rows, base::timestamp now);

  /// The bindings of an endpoint (empty when none).
  const std::vector<store::binding_row>& find(std::string_view endpoint) const;
  const store::binding_row* find(std::string_view endpoint, std::string_view contact) const;
  /// Adds or refreshes (endpoint, contact).
  void put(store::binding_row row);
  bool erase(const std::string& endpoint, const std::string& contact);
  std::size_t erase_endpoint(const std::string& endpoint);
  /// Removes every binding whose expiry is at or before `now`; returns how many.
  std::size_t expire(base::timestamp now);

  /// True when some live binding was registered from `ip` (IPv4-mapped addresses match
  /// their IPv4 form): only such sources are challenged on INVITE.
  bool registered_from(const base::ip_address& ip) const;
  /// The binding of `endpoint` that expires last (the most recent registration), or nullptr.
  const store::binding_row* latest(std::string_view endpoint) const;
  /// Calls f(row) for every binding, in no particular order.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [endpoint, rows] : by_endpoint_) {
      for (const auto& row : rows) f(row);
    }
  }

  std::size_t endpoints() const { return by_endpoint_.size(); }
  std::size_t size() const { return size_; }

  /// Changes since the last call, oldest first.
  std::vector<binding_change> take_changes() { return std::exchange(pending_, {}); }
  std::size_t pending_changes() const { return pending_.size(); }

private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::vector<store::binding_row>, string_hash, std::equal_to<>> by_endpoint_;
  std::size_t size_ = 0;
  /// Live bindings per source address (unmapped), for registered_from().
  std::unordered_map<base::ip_address, std::size_t> by_source_;
  void count_source(const store::binding_row& row, bool add);
  std::vector<binding_change> pending_;
  using due_entry = std::pair<base::timestamp, std::string>;
  std::priority_queue<due_entry, std::vector<due_entry>, std::greater<>> due_;
};

/// Writes queued changes to switch.db in one transaction. On failure nothing is lost from
/// memory (the table stays authoritative) and the error is returned for the caller to log.
store::result<void> write_changes(store::database& db, const std::vector<binding_change>& changes);

}  // namespace tollgate::switch_
