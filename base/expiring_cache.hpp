// A bounded cache of string keys that each expire a fixed time after they were put: what the
// switch keeps about recent transactions for their retransmissions (the answer to resend, or
// only that an INVITE was refused).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

#include "base/clock.hpp"

namespace tollgate::base {

/// Invariant: `order_` lists every key of `entries_` once, in the order they were first put,
/// so expiry and the size bound drop the oldest keys first. Putting a key again replaces its
/// value and restarts its lifetime, but keeps its place in that order.
template <typename Value>
class expiring_cache {
public:
  explicit expiring_cache(std::size_t capacity, millis lifetime) : capacity_(capacity), lifetime_(lifetime) {}

  /// The value kept for `key`, if it has not expired at `now`.
  const Value* find(const std::string& key, timestamp now) const {
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.expires <= now) return nullptr;
    return &it->second.value;
  }
  bool contains(const std::string& key, timestamp now) const { return find(key, now) != nullptr; }

  void put(std::string key, Value value, timestamp now) {
    prune(now);
    if (const auto it = entries_.find(key); it != entries_.end()) {
      it->second = entry{std::move(value), now + lifetime_};
      return;
    }
    while (entries_.size() >= capacity_ && !order_.empty()) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
    entries_.emplace(key, entry{std::move(value), now + lifetime_});
    order_.push_back(std::move(key));
  }

  /// Drops the expired keys at the old end (a refreshed key there keeps those behind it a
  /// little longer; find() never returns them).
  void prune(timestamp now) {
    while (!order_.empty()) {
      const auto it = entries_.find(order_.front());
      if (it != entries_.end() && it->second.expires > now) break;
      if (it != entries_.end()) entries_.erase(it);
      order_.pop_front();
    }
  }
  std::size_t size() const { return entries_.size(); }

private:
  struct entry {
    Value value;
    timestamp expires;
  };
  std::size_t capacity_;
  millis lifetime_;
  std::unordered_map<std::string, entry> entries_;
  std::deque<std::string> order_;
};

}  // namespace tollgate::base
