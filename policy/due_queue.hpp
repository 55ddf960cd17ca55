// A min-heap of (due time, key) with lazy invalidation: timers for suspensions and blocks.
#pragma once

#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "base/clock.hpp"

namespace tollgate::policy {

/// Invariant: every live timer has an entry with its exact due time; entries whose due
/// time no longer matches the owner's state are stale and skipped when they surface.
/// So rescheduling is a push, cancelling is nothing, and memory is bounded by pushes
/// since the last compaction (compact() rebuilds from the live ones).
template <typename Key>
class due_queue {
public:
  void push(base::timestamp due, Key key) { heap_.push(entry{due, std::move(key)}); }

  /// Pops every entry due at or before `now`, in due order, and calls
  /// `fire(key, due)` for each; `fire` decides whether the entry is still live.
  template <typename Fire>
  void pop_due(base::timestamp now, Fire&& fire) {
    while (!heap_.empty() && heap_.top().due <= now) {
      entry top = heap_.top();
      heap_.pop();
      fire(top.key, top.due);
    }
  }

  /// Drops stale entries: `live(key, due)` says whether an entry still matters.
  template <typename Live>
  void compact(Live&& live) {
    std::vector<entry> kept;
    kept.reserve(heap_.size());
    while (!heap_.empty()) {
      if (live(heap_.top().key, heap_.top().due)) kept.push_back(heap_.top());
      heap_.pop();
    }
    heap_ = decltype(heap_)(later{}, std::move(kept));
  }

  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  /// The earliest due time, for arming a single timer in an event loop.
  std::optional<base::timestamp> next_due() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.top().due;
  }

private:
  struct entry {
    base::timestamp due;
    Key key;
  };
  struct later {
    bool operator()(const entry& a, const entry& b) const { return a.due > b.due; }
  };
  std::priority_queue<entry, std::vector<entry>, later> heap_;
};

}  // namespace tollgate::policy
