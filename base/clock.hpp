// The clock: the only place Tollgate reads the time, so that every core can run on a manual one.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::base {

/// Wall-clock instants with millisecond resolution, the unit of nftables timeouts.
using millis = std::chrono::milliseconds;
using timestamp = std::chrono::time_point<std::chrono::system_clock, millis>;
/// Monotonic instants for measuring latency (microseconds matter there, not the date).
using steady_timestamp = std::chrono::steady_clock::time_point;

/// Unix seconds (fractions allowed) to a timestamp, rounded to the nearest millisecond.
timestamp from_unix_seconds(double seconds);
/// A timestamp as Unix seconds.
double to_unix_seconds(timestamp t);
/// Unix seconds as the JSON lines print them: shortest decimal, at least one fraction digit
/// ("1764158400.25", "1764162002.0").
std::string format_unix_seconds(timestamp t);

/// Parses a length of time as operators write it: "90", "90s", "15m", "1h", "7d", "2w".
/// Returns nullopt for anything else (negative, empty, unknown unit, overflow).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

class clock {
public:
  virtual ~clock() = default;
  virtual timestamp now() const = 0;
  virtual steady_timestamp steady_now() const = 0;
};

/// The real wall clock.
class system_clock final : public clock {
public:
  timestamp now() const override;
  steady_timestamp steady_now() const override;
};

/// A clock that moves only when told to: simulations, tests and `tollgatectl simulate`.
class manual_clock final : public clock {
public:
  explicit manual_clock(timestamp start = timestamp{}) : now_(start) {}
  timestamp now() const override { return now_; }
  /// Moves with now(): one manual timeline for both.
  steady_timestamp steady_now() const override { return steady_timestamp{now_.time_since_epoch()}; }
  void set(timestamp t) { now_ = t; }
  void advance(millis d) { now_ += d; }

private:
  timestamp now_;
};

}  // namespace tollgate::base
