// A condition logged once per interval with how often it happened, instead of each time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "base/clock.hpp"

namespace tollgate::switch_ {

/// Invariant: pending_ counts the occurrences since the last one reported.
class log_throttle {
public:
  explicit log_throttle(std::chrono::milliseconds interval) : interval_(interval) {}

  /// One occurrence at `now`. Returns how many to report (this one included) when a line
  /// is due: the first ever, then the first after each interval; nullopt otherwise.
  std::optional<std::uint64_t> note(base::steady_timestamp now) {
    ++pending_;
    if (last_ && now - *last_ < interval_) return std::nullopt;
    last_ = now;
    const auto n = pending_;
    pending_ = 0;
    return n;
  }
  std::uint64_t pending() const { return pending_; }

private:
  std::chrono::milliseconds interval_;
  std::optional<base::steady_timestamp> last_;
  std::uint64_t pending_ = 0;
};

}  // namespace tollgate::switch_
