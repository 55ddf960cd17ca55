// TCP pacing: a message must reach the end of its headers in time and keep up a minimum
// rate while incomplete, or its connection is closed. Pure: the caller passes `now`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/clock.hpp"

namespace tollgate::switch_ {

struct pacing_limits {
  std::chrono::milliseconds header_timeout{10'000};  // first byte to the end of the headers
  std::size_t min_rate = 64;                          // bytes/s over each window; 0: none
  std::chrono::milliseconds window{5'000};
};

enum class pacing_verdict : std::uint8_t { ok, header_timeout, too_slow };

/// One connection's incomplete message.
///
/// Invariant: started_ is set exactly while a message is incomplete; window_start_ and
/// window_bytes_ then describe the current window, which begins at the message's first byte.
class message_pacing {
public:
  explicit message_pacing(pacing_limits limits) : limits_(limits) {}
  void set_limits(pacing_limits limits) { limits_ = limits; }

  /// `bytes` read at `now`, completing `completed` messages; after them a message is
  /// incomplete (`pending`), and its header section is complete (`headers_done`) or not.
  void on_read(std::size_t bytes, std::size_t completed, bool pending, bool headers_done,
               base::steady_timestamp now);
  /// The verdict at `now`; a window that has ended with enough bytes starts the next one.
  pacing_verdict check(base::steady_timestamp now);
  /// When check() has something to decide; nullopt while no message is incomplete.
  std::optional<base::steady_timestamp> next_check() const;

private:
  pacing_limits limits_;
  std::optional<base::steady_timestamp> started_;
  bool headers_done_ = false;
  base::steady_timestamp window_start_{};
  std::size_t window_bytes_ = 0;
};

}  // namespace tollgate::switch_
