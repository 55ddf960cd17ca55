// Every armed timer of every call in one ordered queue, so the switch needs a single
// steady_timer for the earliest deadline instead of one per SIP timer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "base/clock.hpp"

namespace tollgate::switch_ {

/// A timer of a call: the call's serial number and its call-local timer id.
struct call_timer {
  std::uint64_t call = 0;
  std::uint32_t timer = 0;
  friend auto operator<=>(const call_timer&, const call_timer&) = default;
};

/// Invariant: `queue_` and `armed_` hold the same timers; arming an armed timer moves it.
class call_timer_queue {
public:
  void arm(call_timer t, base::timestamp at);
  void cancel(call_timer t);
  /// Cancels every timer of `call`.
  void cancel_all(std::uint64_t call);
  /// The earliest deadline, if any timer is armed.
  std::optional<base::timestamp> next() const;
  /// Removes and returns the timers due at `now`, earliest first.
  std::vector<call_timer> take_due(base::timestamp now);
  std::size_t size() const { return armed_.size(); }

private:
  std::set<std::pair<base::timestamp, call_timer>> queue_;
  std::map<call_timer, base::timestamp> armed_;
};

}  // namespace tollgate::switch_
