// The timer queue of all calls.
#include "switch/call_timers.hpp"

namespace tollgate::switch_ {

void call_timer_queue::arm(call_timer t, base::timestamp at) {
  const auto [it, added] = armed_.try_emplace(t, at);
  if (!added) {
    queue_.erase({it->second, t});
    it->second = at;
  }
  queue_.emplace(at, t);
}

void call_timer_queue::cancel(call_timer t) {
  const auto it = armed_.find(t);
  if (it == armed_.end()) return;
  queue_.erase({it->second, t});
  armed_.erase(it);
}

void call_timer_queue::cancel_all(std::uint64_t call) {
  auto it = armed_.lower_bound(call_timer{call, 0});
  while (it != armed_.end() && it->first.call == call) {
    queue_.erase({it->second, it->first});
    it = armed_.erase(it);
  }
}

std::optional<base::timestamp> call_timer_queue::next() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first;
}

std::vector<call_timer> call_timer_queue::take_due(base::timestamp now) {
  std::vector<call_timer> due;
  while (!queue_.empty() && queue_.begin()->first <= now) {
    const call_timer t = queue_.begin()->second;
    queue_.erase(queue_.begin());
    armed_.erase(t);
    due.push_back(t);
  }
  return due;
}

}  // namespace tollgate::switch_
