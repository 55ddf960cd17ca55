// The clock: system and manual implementations, and Unix-seconds conversions.
#include "base/clock.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace tollgate::base {

timestamp from_unix_seconds(double seconds) {
  return timestamp{millis{static_cast<std::int64_t>(std::llround(seconds * 1000.0))}};
}

double to_unix_seconds(timestamp t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1000.0;
}

std::string format_unix_seconds(timestamp t) {
  const std::int64_t ms = t.time_since_epoch().count();
  const bool negative = ms < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 1000);
  out += '.';
  std::string fraction = std::to_string(1000 + magnitude % 1000).substr(1);
  while (fraction.size() > 1 && fraction.back() == '0') fraction.pop_back();
  out += fraction;
  return out;
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data()) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::uint64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "m") scale = 60;
  else if (unit == "h") scale = 3600;
  else if (unit == "d") scale = 86400;
  else if (unit == "w") scale = 7 * 86400;
  else return std::nullopt;
  constexpr auto max_seconds = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / 1000);
  if (value > max_seconds / scale) return std::nullopt;
  return std::chrono::seconds{static_cast<std::int64_t>(value * scale)};
}

timestamp system_clock::now() const {
  return std::chrono::time_point_cast<millis>(std::chrono::system_clock::now());
}

steady_timestamp system_clock::steady_now() const { return std::chrono::steady_clock::now(); }

}  // namespace tollgate::base
