// Evidence against one source over BLACKLIST_WINDOW: a compact sliding-window counter.
#pragma once

#include <array>
#include <cstdint>

#include "base/clock.hpp"

namespace tollgate::policy {

enum class evidence_kind : std::uint8_t { auth_failure = 0, illegal_call = 1, malformed = 2 };
inline constexpr std::size_t evidence_kind_count = 3;

/// The sliding-window counter (two fixed windows, the previous one weighted by how much of
/// it still overlaps the sliding window). Event counts never overestimate: a count of N
/// means at least N events happened in the last window length. Distinct endpoints are kept
/// as 32-bit name hashes tagged with their window; up to `inline_endpoints` are held here.
///
/// Invariant: `window` is the index (time / window length) of `current`; `previous` is
/// window - 1. 40 bytes, so that a million tracked sources fit in about 100 MB.
class source_evidence {
public:
  static constexpr std::size_t inline_endpoints = 4;

  /// Counts one event of `kind` at `now`; returns the weighted count in the window.
  std::uint32_t add(evidence_kind kind, base::timestamp now, base::millis window);
  /// Counts a failure for an endpoint name hash; returns the weighted number of distinct
  /// endpoints. Exact up to inline_endpoints + 1 names, which is all the default threshold
  /// (5) needs; past that every further failure counts as a new name, so a threshold above
  /// 5 is reached by a source that failed at least 5 names and kept failing.
  std::uint32_t add_endpoint(std::uint32_t name_hash, base::timestamp now, base::millis window);

  /// Forgets everything (after a block or a protected decision, so that each threshold
  /// crossing is one decision).
  void reset() { *this = source_evidence{}; }
  /// True when nothing in it can count any more at `now`.
  bool stale(base::timestamp now, base::millis window) const;
  std::uint32_t window_index() const { return window_; }

private:
  void roll(base::timestamp now, base::millis window);
  std::uint32_t weighted(std::uint32_t previous, std::uint32_t current, base::timestamp now, base::millis window) const;

  std::uint32_t window_ = 0;
  std::array<std::uint16_t, evidence_kind_count> previous_{};
  std::array<std::uint16_t, evidence_kind_count> current_{};
  std::array<std::uint32_t, inline_endpoints> endpoint_hashes_{};
  std::uint8_t endpoint_used_ = 0;        // bit i: slot i holds a name
  std::uint8_t endpoint_in_current_ = 0;  // bit i: that name was seen in the current window
  std::uint16_t endpoint_overflow_current_ = 0;   // distinct names beyond the inline slots
  std::uint16_t endpoint_overflow_previous_ = 0;
};

}  // namespace tollgate::policy
