// The location service: bindings in memory, changes queued for switch.db.
#include "switch/bindings.hpp"

#include <algorithm>

namespace tollgate::switch_ {
namespace {
const std::vector<store::binding_row> no_bindings;
}

void binding_table::restore(std::vector<store::binding_row> rows, base::timestamp now) {
  for (auto& row : rows) {
    if (row.expires_at <= now) {
      pending_.push_back({true, std::move(row)});
      continue;
    }
    due_.emplace(row.expires_at, row.endpoint);
    count_source(row, true);
    auto& list = by_endpoint_[row.endpoint];
    list.push_back(std::move(row));
    ++size_;
  }
}

const std::vector<store::binding_row>& binding_table::find(std::string_view endpoint) const {
  const auto it = by_endpoint_.find(endpoint);
  return it == by_endpoint_.end() ? no_bindings : it->second;
}

const store::binding_row* binding_table::find(std::string_view endpoint, std::string_view contact) const {
  for (const auto& row : find(endpoint)) {
    if (row.contact == contact) return &row;
  }
  return nullptr;
}

void binding_table::put(store::binding_row row) {
  pending_.push_back({false, row});
  auto it = by_endpoint_.find(row.endpoint);
  if (it == by_endpoint_.end()) it = by_endpoint_.emplace(row.endpoint, std::vector<store::binding_row>{}).first;
  // A later expiry than the earliest one keeps the endpoint's due entry valid.
  const bool earlier = std::none_of(it->second.begin(), it->second.end(),
                                    [&](const auto& r) { return r.expires_at <= row.expires_at; });
  if (earlier) due_.emplace(row.expires_at, row.endpoint);
  count_source(row, true);
  for (auto& existing : it->second) {
    if (existing.contact == row.contact) {
      count_source(existing, false);
      existing = std::move(row);
      return;
    }
  }
  it->second.push_back(std::move(row));
  ++size_;
}

bool binding_table::erase(const std::string& endpoint, const std::string& contact) {
  const auto it = by_endpoint_.find(endpoint);
  if (it == by_endpoint_.end()) return false;
  auto& list = it->second;
  const auto row = std::find_if(list.begin(), list.end(), [&](const auto& r) { return r.contact == contact; });
  if (row == list.end()) return false;
  count_source(*row, false);
  pending_.push_back({true, std::move(*row)});
  list.erase(row);
  --size_;
  if (list.empty()) by_endpoint_.erase(it);
  return true;
}

std::size_t binding_table::erase_endpoint(const std::string& endpoint) {
  const auto it = by_endpoint_.find(endpoint);
  if (it == by_endpoint_.end()) return 0;
  const std::size_t n = it->second.size();
  for (auto& row : it->second) {
    count_source(row, false);
    pending_.push_back({true, std::move(row)});
  }
  size_ -= n;
  by_endpoint_.erase(it);
  return n;
}

std::size_t binding_table::expire(base::timestamp now) {
  std::size_t removed = 0;
  while (!due_.empty() && due_.top().first <= now) {
    const std::string endpoint = due_.top().second;
    due_.pop();
    const auto it = by_endpoint_.find(endpoint);
    if (it == by_endpoint_.end()) continue;  // erased since: a stale entry
    auto& list = it->second;
    const auto first_expired = std::stable_partition(list.begin(), list.end(), [now](const auto& r) { return r.expires_at > now; });
    for (auto row = first_expired; row != list.end(); ++row) {
      count_source(*row, false);
      pending_.push_back({true, std::move(*row)});
    }
    removed += static_cast<std::size_t>(list.end() - first_expired);
    list.erase(first_expired, list.end());
    if (list.empty()) {
      by_endpoint_.erase(it);
      continue;
    }
    const auto earliest = std::min_element(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.expires_at < b.expires_at;
    });
    due_.emplace(earliest->expires_at, endpoint);
  }
  size_ -= removed;
  return removed;
}

void binding_table::count_source(const store::binding_row& row, bool add) {
  const base::ip_address ip = row.source_ip.unmapped();
  if (add) {
    ++by_source_[ip];
    return;
  }
  const auto it = by_source_.find(ip);
  if (it != by_source_.end() && --it->second == 0) by_source_.erase(it);
}

bool binding_table::registered_from(const base::ip_address& ip) const { return by_source_.contains(ip.unmapped()); }

const store::binding_row* binding_table::latest(std::string_view endpoint) const {
  const auto& list = find(endpoint);
  const auto it = std::max_element(list.begin(), list.end(),
                                   [](const auto& a, const auto& b) { return a.expires_at < b.expires_at; });
  return it == list.end() ? nullptr : &*it;
}

store::result<void> write_changes(store::database& db, const std::vector<binding_change>& changes) {
  if (changes.empty()) return {};
  if (auto begun = db.exec("BEGIN"); !begun) return begun;
  store::binding_store bindings(db);
  for (const auto& change : changes) {
    auto done = change.erase ? store::result<void>{} : bindings.upsert(change.row);
    if (change.erase) {
      if (auto erased = bindings.erase(change.row.endpoint, change.row.contact); !erased) done = erased.error();
    }
    if (!done) {
      (void)db.exec("ROLLBACK");
      return done;
    }
  }
  return db.exec("COMMIT");
}

}  // namespace tollgate::switch_
